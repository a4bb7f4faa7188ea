import { DataError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import { arrayDataset } from './array-dataset.ts';
import type { Dataset, Mode } from './dataset.ts';
import { nonNegativeNumber, positiveInteger, positiveNumber, show } from './validate.ts';

/** Options of {@link points}. */
export interface PointsOptions {
  /** Dataset name, also used in error messages (default `points`); a file adapter passes the file name. */
  name?: string;
  /** Known modes of the data, if the user has them, so mode metrics can run; weights are normalised. */
  modes?: readonly Mode[];
}

/**
 * An empirical dataset of the user's own points, sampled uniformly with replacement.
 *
 * @param data - rows of length `dim`, or a flat row-major Float32Array whose length is a multiple of `dim`
 * @example
 * const data = points([[0, 0], [1, 1], [2, 0]], 2, { name: 'triangle' });
 * data.sample(64, rng); // Tensor [64, 2], each row one of the three points
 */
export function points(data: readonly (readonly number[])[] | Float32Array, dim: number, options: PointsOptions = {}): Dataset {
  const name = options.name ?? 'points';
  positiveInteger(name, 'dim', dim);
  const flat = flatten(name, data, dim);
  const count = flat.length / dim;
  const modes = options.modes === undefined ? undefined : checkModes(name, options.modes, dim);
  const draw = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const row = rng.int(count);
      out.set(flat.subarray(row * dim, (row + 1) * dim), i * dim);
    }
    return out;
  };
  return arrayDataset({ name, shape: [dim], modes, draw });
}

/** A private copy, so later edits to the caller's array do not change the dataset. */
function flatten(name: string, data: readonly (readonly number[])[] | Float32Array, dim: number): Float32Array {
  let flat: Float32Array;
  if (data instanceof Float32Array) {
    if (data.length === 0) throw new DataError('no points given', name);
    if (data.length % dim !== 0) {
      throw new DataError(`flat data has ${data.length} values, which is not a multiple of dim ${dim}`, name);
    }
    flat = Float32Array.from(data);
  } else {
    if (!Array.isArray(data) || data.length === 0) throw new DataError('no points given', name);
    flat = new Float32Array(data.length * dim);
    data.forEach((row, i) => {
      if (!Array.isArray(row)) throw new DataError(`point ${i} is ${show(row)}, expected an array of ${dim} numbers`, name);
      if (row.length !== dim) {
        throw new DataError(`point ${i} has ${row.length} value${row.length === 1 ? '' : 's'}, expected ${dim} (dim)`, name);
      }
      row.forEach((v, d) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new DataError(`point ${i}, coordinate ${d} must be a finite number, got ${show(v)}`, name);
        }
        flat[i * dim + d] = v;
      });
    });
  }
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    // Finite doubles beyond ±3.4e38 become ±Infinity in float32.
    throw new DataError(`point ${Math.floor(bad / dim)}, coordinate ${bad % dim} is not a finite float32 value`, name);
  }
  return flat;
}

function checkModes(name: string, modes: readonly Mode[], dim: number): Mode[] {
  if (modes.length === 0) throw new DataError('modes, when given, must list at least one mode', name);
  modes.forEach((m, i) => {
    if (!Array.isArray(m.center) || m.center.length !== dim || m.center.some((c) => !Number.isFinite(c))) {
      throw new DataError(`modes[${i}].center must be ${dim} finite numbers (dim)`, name);
    }
    positiveNumber(name, `modes[${i}].std`, m.std);
    nonNegativeNumber(name, `modes[${i}].weight`, m.weight);
  });
  const total = modes.reduce((a, m) => a + m.weight, 0);
  if (!(total > 0)) throw new DataError('modes weights must have a positive sum', name);
  return modes.map((m) => ({ center: [...m.center], std: m.std, weight: m.weight / total }));
}
