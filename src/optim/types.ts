import type * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../nn/index.ts';

/**
 * A first-order optimizer over named parameters. Its slots (moments) are named after the
 * parameters, so checkpoints are readable and survive a change of parameter order.
 */
export interface Optimizer {
  readonly name: string;
  /** Applies one update; `grads[i]` is the gradient of `params[i]`. Disposes nothing it was given. */
  apply(params: readonly Param[], grads: readonly tf.Tensor[]): void;
  /** Slot tensors by name (`<param>/m`, …) plus scalars such as the step count, for checkpoints. */
  state(): { tensors: Map<string, tf.Tensor>; scalars: Record<string, number> };
  /** Restores what {@link Optimizer.state} returned (tensors are copied). */
  restore(state: { tensors: Map<string, tf.Tensor>; scalars: Record<string, number> }): void;
  /** The current learning rate (schedules change it). */
  lr: number;
  dispose(): void;
}
