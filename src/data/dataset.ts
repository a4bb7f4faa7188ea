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
}

/** The same draws as {@link Batch}, as flat arrays (no tensor allocated). */
export interface ArrayBatch {
  /** `n · size(shape)` values, row-major. */
  readonly x: Float32Array;
  readonly labels?: Int32Array;
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
}

/** Values per sample: the product of a dataset's `shape`. */
export function sampleSize(data: Pick<Dataset, 'shape'>): number {
  return data.shape.reduce((a, b) => a * b, 1);
}
