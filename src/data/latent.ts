import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';

/** Latent noise: its width and distribution. */
export interface NoiseSpec {
  /** G's whole input width, codes included. */
  dim: number;
  distribution: 'normal' | 'uniform';
  /** InfoGAN's continuous codes: the last `codes` of the `dim` coordinates, always U(−1, 1) (default 0). */
  codes?: number;
}

/** Draws a `[n, dim]` noise batch: N(0, 1) or U(−1, 1) per coordinate, and U(−1, 1) for the trailing continuous codes. */
export function sampleNoise(spec: NoiseSpec, n: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(noiseValues(spec, n, rng), [n, spec.dim]);
}

/** The values of {@link sampleNoise}'s batch, row after row. */
export function noiseValues(spec: NoiseSpec, n: number, rng: Rng): Float32Array {
  const codes = spec.codes ?? 0;
  const free = spec.dim - codes;
  const draw = (size: number) => (spec.distribution === 'normal' ? rng.normalArray(size) : rng.uniformArray(size, -1, 1));
  if (codes === 0) return draw(n * spec.dim);
  const z = draw(n * free);
  const c = rng.uniformArray(n * codes, -1, 1);
  const out = new Float32Array(n * spec.dim);
  for (let i = 0; i < n; i++) {
    out.set(z.subarray(i * free, (i + 1) * free), i * spec.dim);
    for (let j = 0; j < codes; j++) out[i * spec.dim + free + j] = c[i * codes + j];
  }
  return out;
}
