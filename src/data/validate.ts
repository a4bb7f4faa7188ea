import { DataError } from '../errors.ts';

/**
 * Parameter checks shared by the toy datasets. Each throws a {@link DataError} whose message names
 * the dataset (`source`) and the parameter, because the values usually come from a config file the
 * user has to go and fix.
 */

/** `value` as a finite number > 0, or a DataError naming `field`. */
export function positiveNumber(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new DataError(`${field} must be a finite number > 0, got ${show(value)}`, source);
  }
  return value;
}

/** `value` as a finite number ≥ 0, or a DataError naming `field`. */
export function nonNegativeNumber(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DataError(`${field} must be a finite number ≥ 0, got ${show(value)}`, source);
  }
  return value;
}

/** `value` as a finite number, or a DataError naming `field`. */
export function finiteNumber(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DataError(`${field} must be a finite number, got ${show(value)}`, source);
  }
  return value;
}

/** `value` as an integer ≥ 1, or a DataError naming `field`. */
export function positiveInteger(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DataError(`${field} must be an integer ≥ 1, got ${show(value)}`, source);
  }
  return value;
}

/** A value as it would appear in a config file, so the user recognises it in the message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
