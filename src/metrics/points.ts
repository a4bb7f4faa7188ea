import { DataError } from '../errors.ts';

/**
 * Samples as one flat, row-major array plus the length of a row: the form `Dataset.sampleArray`
 * and generator outputs (`tensor.dataSync()`) already have, so metrics never copy into `number[][]`.
 *
 * @example
 * const p: Points = { data: ring8().sampleArray(2500, rng), dim: 2 };
 */
export interface Points {
  /** `count · dim` coordinates, row after row. */
  readonly data: Float32Array | Float64Array;
  /** Coordinates per sample, ≥ 1. */
  readonly dim: number;
}

/**
 * Rows of equal length as {@link Points} (copied into a Float64Array, so no precision is lost).
 *
 * @example
 * toPoints([[0, 0], [1, 2]]); // { data: Float64Array [0, 0, 1, 2], dim: 2 }
 */
export function toPoints(rows: readonly (readonly number[])[]): Points {
  if (rows.length === 0) throw new DataError('cannot infer dim from zero rows; build { data, dim } directly', 'toPoints');
  const dim = rows[0].length;
  if (dim === 0) throw new DataError('rows must have at least one coordinate', 'toPoints');
  const data = new Float64Array(rows.length * dim);
  rows.forEach((row, i) => {
    if (row.length !== dim) throw new DataError(`row ${i} has ${row.length} coordinates, row 0 has ${dim}`, 'toPoints');
    data.set(row, i * dim);
  });
  return { data, dim };
}

/**
 * {@link Points} as rows, for printing and JSON.
 *
 * @example
 * toRows({ data: Float32Array.of(0, 0, 1, 2), dim: 2 }); // [[0, 0], [1, 2]]
 */
export function toRows(points: Points): number[][] {
  const n = pointCount(points);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(points.data.subarray(i * points.dim, (i + 1) * points.dim)));
  return rows;
}

/** Number of samples in `points`. */
export function pointCount(points: Points): number {
  return points.data.length / points.dim;
}

/**
 * Checks a sample set before a metric reads it and returns its size. Non-finite coordinates are
 * refused rather than skipped: a diverged generator should fail loudly, not score on its survivors.
 * @internal
 */
export function checkPoints(source: string, field: string, points: Points, minCount = 1): number {
  const { data, dim } = points;
  if (!Number.isInteger(dim) || dim < 1) throw new DataError(`${field}.dim must be an integer ≥ 1, got ${dim}`, source);
  if (data.length % dim !== 0) {
    throw new DataError(`${field}.data has ${data.length} values, not a multiple of dim ${dim}`, source);
  }
  const n = data.length / dim;
  if (n < minCount) throw new DataError(`${field} needs at least ${minCount} sample(s), got ${n}`, source);
  checkFinite(source, field, data);
  return n;
}

/** Checks a 1-D sample array: at least `minCount` values, all finite. @internal */
export function checkValues(source: string, field: string, values: ArrayLike<number>, minCount = 1): number {
  if (values.length < minCount) throw new DataError(`${field} needs at least ${minCount} value(s), got ${values.length}`, source);
  checkFinite(source, field, values);
  return values.length;
}

function checkFinite(source: string, field: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new DataError(`${field}[${i}] is ${values[i]}; metrics need finite samples`, source);
  }
}

/** A positive integer option, or a DataError naming it. @internal */
export function positiveIntegerOption(source: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new DataError(`${field} must be an integer ≥ 1, got ${value}`, source);
  return value;
}

/** A finite option ≥ 0 (or > 0 with `strict`), or a DataError naming it. @internal */
export function nonNegativeOption(source: string, field: string, value: number, strict = false): number {
  if (!Number.isFinite(value) || value < 0 || (strict && value === 0)) {
    throw new DataError(`${field} must be a finite number ${strict ? '>' : '≥'} 0, got ${value}`, source);
  }
  return value;
}
