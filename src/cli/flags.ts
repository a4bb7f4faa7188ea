import { ConfigError } from '../errors.ts';

/**
 * Parses an optional integer flag written in decimal digits (`12`, `-3`), refusing what `Number`
 * would also accept (`0x5`, `1e3`, `5.0`, ` 7`, ``) and values past 2^53. Every command's integer
 * flags go through here, so they all accept the same text.
 *
 * @example
 * intFlag('--steps', '2000', { min: 1 }); // 2000
 * intFlag('--steps', '0x5');              // ConfigError: --steps: got "0x5"; expected a decimal integer
 */
export function intFlag(flag: string, value: string | undefined, { min }: { min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const expected = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : min !== undefined ? `an integer ≥ ${min}` : 'an integer';
  if (!/^-?\d+$/.test(value)) throw new ConfigError(`invalid config:\n  ${flag}: got "${value}"; expected ${expected} in decimal digits`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ConfigError(`invalid config:\n  ${flag}: got "${value}"; expected ${expected} below 2^53`);
  if (min !== undefined && n < min) throw new ConfigError(`invalid config:\n  ${flag}: got "${value}"; expected ${expected}`);
  return n;
}

/** Parses an optional positive-integer flag, or throws a ConfigError naming the flag and the value. */
export function positiveIntFlag(flag: string, value: string | undefined): number | undefined {
  return intFlag(flag, value, { min: 1 });
}
