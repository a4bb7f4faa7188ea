import { ConfigError } from '../errors.ts';

/** Parses an optional positive-integer flag, or throws a ConfigError naming the flag and the value. */
export function positiveIntFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${flag}: got "${value}"; expected a positive integer`);
  return n;
}
