/**
 * Reading a run's records as series: the step and eval records apart, rolling medians that ignore
 * single noisy batches, and when a symptom starts to persist.
 */
import type { EvalRecord, StepRecord } from '../train/index.ts';
import { MIN_EPISODE_EVALS, MIN_PERSIST_SHARE, PERSIST_FRACTION } from './thresholds.ts';
import type { DivergedRecord, RunRecord } from './types.ts';

/** The records of one run, by kind, in step order. */
export interface RunSeries {
  steps: StepRecord[];
  evals: EvalRecord[];
  diverged?: DivergedRecord;
}

/** Splits records by kind (unknown kinds are ignored: newer writers may add some). */
export function splitRecords(records: readonly RunRecord[]): RunSeries {
  const steps = records.filter((r): r is StepRecord => r.kind === 'step').sort((a, b) => a.step - b.step);
  const evals = records.filter((r): r is EvalRecord => r.kind === 'eval').sort((a, b) => a.step - b.step);
  const diverged = records.find((r): r is DivergedRecord => r.kind === 'diverged');
  return { steps, evals, diverged };
}

/** The median of the finite values (NaN when there are none). */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** The window rolling statistics use: 2 % of the run, at least 5 and at most 50 records. */
export function windowFor(n: number): number {
  return Math.max(5, Math.min(50, Math.round(n * 0.02)));
}

/** Trailing rolling median over `window` values (fewer at the start). */
export function rollingMedian(values: readonly number[], window: number): number[] {
  return values.map((_, i) => median(values.slice(Math.max(0, i - window + 1), i + 1)));
}

/** Trailing rolling standard deviation over `window` values. */
export function rollingStd(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const w = values.slice(Math.max(0, i - window + 1), i + 1).filter(Number.isFinite);
    if (w.length < 2) return 0;
    const m = w.reduce((a, b) => a + b, 0) / w.length;
    return Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (w.length - 1));
  });
}

/**
 * The first index from which a symptom persists to the end: `flags[i]` holds, at least
 * {@link PERSIST_FRACTION} of the flags from i on hold, the stretch is at least
 * {@link MIN_PERSIST_SHARE} of the series (and 10 points), and most of its last stretch holds too.
 * −1 when the symptom never persists.
 */
export function persistentOnset(flags: readonly boolean[]): number {
  const n = flags.length;
  const minLength = Math.max(10, Math.ceil(n * MIN_PERSIST_SHARE));
  if (n < minLength) return -1;
  const tail = flags.slice(n - minLength);
  if (tail.filter(Boolean).length < 0.5 * minLength) return -1;
  const suffix = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + (flags[i] ? 1 : 0);
  for (let i = 0; i <= n - minLength; i++) {
    if (flags[i] && suffix[i] / (n - i) >= PERSIST_FRACTION) return i;
  }
  return -1;
}

/** A stretch of consecutive evaluations that all show a symptom. */
export interface Episode {
  first: EvalRecord;
  last: EvalRecord;
  records: EvalRecord[];
  /** Whether it lasts to the run's last evaluation. */
  ongoing: boolean;
}

/**
 * Maximal runs of consecutive evaluations where `flag` holds, kept when they span at least
 * {@link MIN_EPISODE_EVALS} evaluations or hold at the last one (a symptom seen once mid-run and
 * gone at the next evaluation is noise, not a finding).
 */
export function episodes(evals: readonly EvalRecord[], flag: (r: EvalRecord, i: number) => boolean): Episode[] {
  const out: Episode[] = [];
  let current: EvalRecord[] = [];
  const close = (ongoing: boolean) => {
    if (current.length >= MIN_EPISODE_EVALS || (ongoing && current.length > 0)) {
      out.push({ first: current[0], last: current[current.length - 1], records: current, ongoing });
    }
    current = [];
  };
  evals.forEach((r, i) => {
    if (flag(r, i)) current.push(r);
    else close(false);
  });
  close(true);
  return out;
}

/** A finite number from a record field, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
