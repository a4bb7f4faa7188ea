import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type LayerFactory, type Param } from './module.ts';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Weight of the old running statistic in each update (PyTorch's momentum 0.1 = our 0.9). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalization over every axis but the last (features / channels). In training it
 * normalizes with the batch's moments and updates running statistics; in evaluation it uses them.
 */
export function batchNorm(options: BatchNormOptions = {}): LayerFactory {
  const { momentum = 0.9, epsilon = 1e-5 } = options;
  return {
    kind: 'bn',
    build(inputShape, _rng, name) {
      const c = inputShape[inputShape.length - 1];
      const gamma = createParam(`${name}/gamma`, 'scale', new Float32Array(c).fill(1), [c]);
      const beta = createParam(`${name}/beta`, 'offset', new Float32Array(c), [c]);
      const movingMean = createParam(`${name}/movingMean`, 'buffer', new Float32Array(c), [c]);
      const movingVar = createParam(`${name}/movingVariance`, 'buffer', new Float32Array(c).fill(1), [c]);
      return {
        name,
        params: [gamma, beta],
        buffers: [movingMean, movingVar],
        outputShape: inputShape,
        apply(x, ctx) {
          // Normalize a [rows, c] view with sums over the leading axis: the reductions and
          // broadcasts this needs are the ones every backend runs fast (tf.moments/tf.batchNorm
          // reduce over inner axes through a transpose and a Tile, 60 % of a DCGAN step on cpu kernels).
          const flat = tf.reshape(x, [-1, c]);
          const rows = flat.shape[0];
          let mean: tf.Tensor;
          let variance: tf.Tensor;
          if (ctx.training) {
            mean = tf.div(tf.sum(flat, 0), rows);
            variance = tf.div(tf.sum(tf.square(tf.sub(flat, mean)), 0), rows);
            if (ctx.updateStats ?? true) {
              updateRunning(movingMean, mean, momentum);
              updateRunning(movingVar, variance, momentum);
            }
          } else {
            mean = movingMean.variable;
            variance = movingVar.variable;
          }
          const scale = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), weightOf(gamma, ctx));
          const y = tf.add(tf.mul(tf.sub(flat, mean), scale), weightOf(beta, ctx));
          return tf.reshape(y, x.shape);
        },
      };
    },
  };
}

function updateRunning(buffer: Param, batchValue: tf.Tensor, momentum: number): void {
  // Running statistics are state, not part of the graph being differentiated.
  const next = tf.tidy(() => tf.add(tf.mul(buffer.variable, momentum), tf.mul(batchValue, 1 - momentum)));
  buffer.variable.assign(next);
  next.dispose();
}

/** Layer normalization over each sample's features (last axis), with a learned scale and offset. */
export function layerNorm(options: { epsilon?: number } = {}): LayerFactory {
  const { epsilon = 1e-5 } = options;
  return {
    kind: 'ln',
    build(inputShape, _rng, name) {
      const c = inputShape[inputShape.length - 1];
      const gamma = createParam(`${name}/gamma`, 'scale', new Float32Array(c).fill(1), [c]);
      const beta = createParam(`${name}/beta`, 'offset', new Float32Array(c), [c]);
      return {
        name,
        params: [gamma, beta],
        buffers: [],
        outputShape: inputShape,
        apply(x, ctx) {
          const { mean, variance } = tf.moments(x, -1, true);
          const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
          return tf.add(tf.mul(normalized, weightOf(gamma, ctx)), weightOf(beta, ctx));
        },
      };
    },
  };
}
