/**
 * Verdicts from measured numbers: a scenario states its expectation as comparisons of measured
 * values against bounds, and both `holds` and the text come out of those comparisons — so a
 * verdict can never claim an outcome its numbers do not show.
 */
import type { Verdict } from './types.ts';

/** One comparison of a measured value against a bound. */
export type Check = {
  /** What the value is, in words, e.g. "minimax |∂L/∂logit| at D = 1e-3". */
  readonly label: string;
  readonly value: number;
} & ({ readonly below: number } | { readonly above: number } | { readonly near: number; readonly within: number });

/** Whether a check passes; NaN never passes. */
export function passes(check: Check): boolean {
  if ('below' in check) return check.value < check.below;
  if ('above' in check) return check.value > check.above;
  return Math.abs(check.value - check.near) <= check.within;
}

/**
 * Decides a verdict: it holds when every check passes. The text lists each comparison with its
 * numbers, the failing ones first, then any `notes`: observations that are reported but not
 * judged, which the caller must also build from measured numbers.
 *
 * @example
 * judge('the minimax gradient vanishes', { g: 1e-3 }, [{ label: 'gradient', value: 1e-3, below: 1e-2 }]);
 * // { holds: true, text: 'holds: gradient = 0.001 < 0.01', … }
 */
export function judge(expected: string, measured: Record<string, number>, checks: readonly Check[], notes: readonly string[] = []): Verdict {
  if (!checks.length) throw new RangeError('judge: a verdict needs at least one check');
  const failed = checks.filter((c) => !passes(c));
  const ordered = [...failed, ...checks.filter((c) => passes(c))];
  const lines = ordered.map(describe);
  const judged = failed.length ? `does not hold (${failed.length} of ${checks.length} checks fail): ${lines.join('; ')}` : `holds: ${lines.join('; ')}`;
  const text = notes.length ? `${judged}. Also measured: ${notes.join('; ')}` : judged;
  return { expected, measured, holds: failed.length === 0, text };
}

function describe(check: Check): string {
  const ok = passes(check);
  const v = formatNumber(check.value);
  if ('below' in check) return `${check.label} = ${v} ${ok ? '<' : '≥'} ${formatNumber(check.below)}`;
  if ('above' in check) return `${check.label} = ${v} ${ok ? '>' : '≤'} ${formatNumber(check.above)}`;
  return `${check.label} = ${v}, ${ok ? 'within' : 'not within'} ${formatNumber(check.within)} of ${formatNumber(check.near)}`;
}

/**
 * A number as a reader wants it in a sentence or a table: `digits` significant digits (default 6,
 * enough to tell a growth rate of 1.00038 from 1), trailing zeros dropped, exponent form outside
 * [1e-3, 1e5).
 *
 * @example
 * formatNumber(0.000999); // '9.990e-4'
 * formatNumber(1.0198039); // '1.0198'
 */
export function formatNumber(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(3);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}
