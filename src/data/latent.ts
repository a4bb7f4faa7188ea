import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';

/** Latent noise: its width and distribution. */
export interface NoiseSpec {
  dim: number;
  distribution: 'normal' | 'uniform';
}

/** Draws a `[n, dim]` noise batch: N(0, 1) or U(−1, 1) per coordinate. */
export function sampleNoise(spec: NoiseSpec, n: number, rng: Rng): tf.Tensor2D {
  const size = n * spec.dim;
  const values = spec.distribution === 'normal' ? rng.normalArray(size) : rng.uniformArray(size, -1, 1);
  return tf.tensor2d(values, [n, spec.dim]);
}
