import { DataError } from '../errors.ts';

/**
 * A matrix of feature vectors, one sample a row, row-major: what a feature network's penultimate
 * layer (`tensor.dataSync()`) or flattened images give. Float32 input is read into float64 sums
 * wherever precision matters.
 *
 * @example
 * const real: FeatureMatrix = { rows: 10_000, cols: 784, data: mnistTest.x };
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array | Float64Array;
}

/**
 * Checks a {@link FeatureMatrix} (integer rows ≥ `minRows`, cols ≥ 1, `rows · cols` finite values)
 * and throws a DataError naming `field` and `source` otherwise. @internal
 */
export function checkFeatures(source: string, field: string, m: FeatureMatrix, minRows = 1): void {
  if (!Number.isInteger(m.cols) || m.cols < 1) throw new DataError(`${field}.cols must be an integer ≥ 1, got ${m.cols}`, source);
  if (!Number.isInteger(m.rows) || m.rows < minRows) {
    throw new DataError(`${field} needs at least ${minRows} row(s), got ${m.rows}`, source);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new DataError(`${field}.data has ${m.data.length} values, rows · cols = ${m.rows} · ${m.cols} = ${m.rows * m.cols}`, source);
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      throw new DataError(`${field} row ${Math.floor(i / m.cols)}, column ${i % m.cols} is ${m.data[i]}; features must be finite`, source);
    }
  }
}

/** Throws unless both matrices have the same width. @internal */
export function checkSameCols(source: string, a: FeatureMatrix, b: FeatureMatrix): void {
  if (a.cols !== b.cols) throw new DataError(`feature widths differ: real has ${a.cols} columns, fake has ${b.cols}`, source);
}
