import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../nn/index.ts';
import type { Rng } from '../tensor/index.ts';

/** A term added to D's loss that needs D itself (gradient penalties). */
export interface Penalty {
  readonly name: string;
  /** The penalty, differentiable w.r.t. D's weights. `real`/`fake` are constants here. */
  compute(args: { D: (x: tf.Tensor) => tf.Tensor; real: tf.Tensor; fake: tf.Tensor; rng: Rng }): tf.Scalar;
}

/** A projection applied to D's weights after its step (weight clipping). */
export interface Constraint {
  readonly name: string;
  apply(D: Module): void;
}

