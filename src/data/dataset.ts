import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/rng.ts';

/** One mode of a distribution with known modes: an isotropic Gaussian bump. */
export interface Mode {
  /** Centre, length = dataset dimension. */
  center: number[];
  /** Standard deviation (isotropic). */
  std: number;
  /** Mixture weight; the weights of a dataset's modes sum to 1. */
  weight: number;
}

/**
 * A source of real samples. Datasets are `{ sample(n, rng) }` and nothing more: the trainer,
 * metrics and plots never depend on where points come from, so users can bring their own.
 *
 * @example
 * const ring = ring8();
 * const x = ring.sample(512, rng);   // tf.Tensor2D [512, 2]
 */
export interface Dataset {
  /** Short identifier, e.g. `ring8`. */
  readonly name: string;
  /** Shape of one sample, e.g. `[2]` for points or `[28, 28, 1]` for MNIST. */
  readonly shape: readonly number[];
  /** Known modes, where the distribution has them (mixtures); undefined for continuous sets. */
  readonly modes?: readonly Mode[];
  /** `n` samples as a tensor of shape `[n, ...shape]`, drawn with `rng`. */
  sample(n: number, rng: Rng): tf.Tensor;
  /** Same draws as {@link Dataset.sample}, as a flat Float32Array (no tensor allocated). */
  sampleArray(n: number, rng: Rng): Float32Array;
  /** Frees tensors the dataset holds, if any. */
  dispose?(): void;
}
