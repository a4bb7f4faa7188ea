import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';

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
 * A batch of real samples as tensors: `x` of shape `[n, ...shape]`, and each sample's class id
 * (int32) when the data has labels, so conditional models and class-aware metrics need no
 * special path.
 */
export interface Batch {
  readonly x: tf.Tensor;
  readonly labels?: tf.Tensor1D;
  /** Paired data (image-to-image translation): each sample's source image, `[n, ...inputShape]`; `x` is its target. */
  readonly inputs?: tf.Tensor;
}

/** The same draws as {@link Batch}, as flat arrays (no tensor allocated). */
export interface ArrayBatch {
  /** `n · size(shape)` values, row-major. */
  readonly x: Float32Array;
  readonly labels?: Int32Array;
  /** Paired data: the source images, `n · size(inputShape)` values. */
  readonly inputs?: Float32Array;
}

/**
 * How samples of a dataset are measured in a feature network's space (images: FID, KID,
 * precision/recall, a classifier score), where the platform has a network for that data (the
 * Node adapter's MNIST classifier for MNIST and Stacked MNIST). Arrays in, arrays out, so the
 * evaluator needs nothing but this.
 */
export interface FeatureSpace {
  /** The network, e.g. `mnist-cnn-v1@3f2a…`: scores are comparable only under the same id. */
  readonly id: string;
  /** The reference set's features are computed from, e.g. `MNIST test (10,000)`. */
  readonly reference: string;
  /**
   * Features of `n` samples laid out as `[n, ...shape]` (`width` per row); for a classifier its
   * class probabilities (`classes` per row); for Stacked MNIST the digit of each channel (3 per row).
   */
  embed(x: Float32Array, n: number): { features: Float32Array; width: number; probs?: Float32Array; classes?: number; digits?: Int32Array };
  /** The reference set's features (held-out real data), computed once on first use, with each row's class where the set is labelled. */
  referenceFeatures(): { data: Float32Array; rows: number; cols: number; labels?: Int32Array };
}

/**
 * A source of real samples. Datasets are `{ sample(n, rng) }` and nothing more: the trainer,
 * metrics and plots never depend on where samples come from, so users can bring their own.
 *
 * @example
 * const ring = ring8();
 * const { x } = ring.sample(512, rng);   // tf.Tensor2D [512, 2]
 */
export interface Dataset {
  /** Short identifier, e.g. `ring8`. */
  readonly name: string;
  /** Shape of one sample, e.g. `[2]` for points or `[28, 28, 1]` for MNIST. */
  readonly shape: readonly number[];
  /** Known modes, where the distribution has them (mixtures); undefined for continuous sets. */
  readonly modes?: readonly Mode[];
  /** How many classes the labels range over (ids 0 … classes − 1), for labelled data. */
  readonly classes?: number;
  /** How generated samples are measured in a feature network's space, where the platform has one for this data. */
  readonly features?: FeatureSpace;
  /** Paired data (image-to-image translation): the shape of each sample's source image, which batches carry as `inputs`. */
  readonly inputShape?: readonly number[];
  /** `n` samples drawn with `rng`, as tensors. */
  sample(n: number, rng: Rng): Batch;
  /** Same draws as {@link Dataset.sample}, as flat arrays. */
  sampleArray(n: number, rng: Rng): ArrayBatch;
  /** Frees tensors the dataset holds, if any. */
  dispose?(): void;
}

/** The tensors of an array batch: `x` shaped `[n, ...shape]`, labels as int32. */
export function batchTensors(batch: ArrayBatch, shape: readonly number[]): Batch {
  const n = batch.x.length / shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(batch.x, [n, ...shape]);
  return batch.labels ? { x, labels: tf.tensor1d(batch.labels, 'int32') } : { x };
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.labels?.dispose();
  batch.inputs?.dispose();
}

/** Values per sample: the product of a dataset's `shape`. */
export function sampleSize(data: Pick<Dataset, 'shape'>): number {
  return data.shape.reduce((a, b) => a * b, 1);
}
