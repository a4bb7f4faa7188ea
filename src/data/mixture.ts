import { DataError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import { arrayDataset } from './array-dataset.ts';
import type { Dataset, Mode } from './dataset.ts';
import { finiteNumber, nonNegativeNumber, positiveNumber } from './validate.ts';

/** Parameters of {@link mixture1d}: one entry per component, all three arrays the same length. */
export interface Mixture1dParams {
  /** Relative weights, ≥ 0 with a positive sum; normalised to sum to 1. */
  weights: readonly number[];
  means: readonly number[];
  /** Standard deviations, > 0. */
  stds: readonly number[];
}

/**
 * A 1-D Gaussian mixture whose modes are its components.
 *
 * @example
 * const data = mixture1d({ weights: [1, 1], means: [-2, 2], stds: [0.5, 0.5] });
 * data.sample(256, rng); // Tensor [256, 1]
 */
export function mixture1d(params: Mixture1dParams): Dataset {
  const source = 'mixture1d';
  const { weights, means, stds } = params;
  for (const [field, value] of [['weights', weights], ['means', means], ['stds', stds]] as const) {
    if (!Array.isArray(value)) throw new DataError(`${field} must be an array of numbers`, source);
  }
  if (weights.length === 0) throw new DataError('weights must have at least one component', source);
  if (means.length !== weights.length || stds.length !== weights.length) {
    throw new DataError(
      `weights, means and stds must have equal lengths, got ${weights.length}, ${means.length} and ${stds.length}`,
      source,
    );
  }
  weights.forEach((w, i) => nonNegativeNumber(source, `weights[${i}]`, w));
  means.forEach((m, i) => finiteNumber(source, `means[${i}]`, m));
  stds.forEach((s, i) => positiveNumber(source, `stds[${i}]`, s));
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new DataError('weights must have a positive sum, got 0', source);
  const modes = weights.map((w, i) => ({ center: [means[i]], std: stds[i], weight: w / total }));
  return gaussianMixture(source, 1, modes);
}

/**
 * A mixture of isotropic Gaussians in `dim` dimensions, from modes already checked and with
 * weights summing to 1. Each sample draws its component, then `dim` normals, so the stream of
 * draws depends only on the rng state and the mode list. The component is each sample's label
 * (one class per mode), so a conditional GAN can be asked for a mode.
 */
export function gaussianMixture(name: string, dim: number, modes: readonly Mode[]): Dataset {
  const weights = modes.map((m) => m.weight);
  const centers = modes.map((m) => Float64Array.from(m.center));
  const stds = modes.map((m) => m.std);
  const draw = (n: number, rng: Rng) => {
    const x = new Float32Array(n * dim);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = rng.categorical(weights);
      labels[i] = k;
      const c = centers[k];
      const s = stds[k];
      for (let d = 0; d < dim; d++) x[i * dim + d] = c[d] + s * rng.normal();
    }
    return { x, labels };
  };
  return arrayDataset({ name, shape: [dim], modes, classes: modes.length, draw });
}
