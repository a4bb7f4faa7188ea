import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';

/** One flat draw of a labelled dataset: `n · ∏ shape` values and `n` class ids. */
export interface LabeledDraw {
  /** Row-major samples, `[n, ...shape]` flattened. */
  readonly x: Float32Array;
  /** Class id of each sample, in `[0, classes)`. */
  readonly labels: Int32Array;
}

/**
 * A dataset whose samples carry class labels (MNIST, Stacked MNIST, image folders). It has the
 * shape the redesigned `Dataset` takes (`sample(n, rng) → { x, labels }`), so it can be registered
 * with `defineDataset` as it is once that lands.
 *
 * @example
 * const { x, labels } = mnist.sample(64, rng); // x: [64, 28, 28, 1] in [−1, 1], labels: int32 [64]
 */
export interface LabeledDataset {
  /** Short identifier, e.g. `mnist-train`. */
  readonly name: string;
  /** Shape of one sample, e.g. `[28, 28, 1]`. */
  readonly shape: readonly number[];
  /** Number of label classes: 10 for MNIST, 1,000 for Stacked MNIST. */
  readonly classes: number;
  /** Number of rows the dataset draws from. */
  readonly size: number;
  /** `n` samples drawn with replacement by `rng`, as tensors; the caller disposes them. */
  sample(n: number, rng: Rng): { x: tf.Tensor; labels: tf.Tensor1D };
  /** The same draws as {@link LabeledDataset.sample} for the same rng state, as flat arrays. */
  sampleArray(n: number, rng: Rng): LabeledDraw;
}
