import * as tf from '@tensorflow/tfjs-core';
import type { Penalty } from './types.ts';
import type { Rng } from '../tensor/index.ts';

/**
 * Where the gradient of D is taken and what is asked of its norm:
 * - `wgan-gp`: at x̂ = αx + (1−α)G(z), α ~ U[0,1]; λ·E(‖∇D(x̂)‖ − 1)² (Gulrajani et al. 2017).
 * - `wgan-gp-one-sided`: same points; λ·E max(0, ‖∇D(x̂)‖ − 1)².
 * - `dragan`: at x + δ, δ ~ N(0, (c·std(x))²) per coordinate; λ·E(‖∇D(x+δ)‖ − 1)² (Kodali et al. 2017).
 * - `r1`: at real points; (γ/2)·E‖∇D(x)‖² (Mescheder et al. 2018). `r2`: the same at generated points.
 */
export type GradientPenaltyKind = 'wgan-gp' | 'wgan-gp-one-sided' | 'dragan' | 'r1' | 'r2';

/** Options of {@link gradientPenalty}; `weight` is λ (or γ for R1/R2). */
export interface GradientPenaltyOptions {
  kind: GradientPenaltyKind;
  weight: number;
  /** DRAGAN's perturbation scale, relative to the real batch's standard deviation. */
  c?: number;
}

/**
 * Per-sample L2 norms `[n]` of ∇ₓ Σ D(x), kept differentiable w.r.t. D's weights
 * (the caller's gradient tape sees through this inner gradient: double backprop).
 */
export function inputGradientNorms(D: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  const grad = tf.grad((xi: tf.Tensor) => tf.sum(D(xi)))(x);
  const flat = tf.reshape(grad, [x.shape[0], -1]);
  // The tiny constant keeps sqrt's derivative finite where the gradient vanishes.
  return tf.sqrt(tf.add(tf.sum(tf.square(flat), 1), 1e-12)) as tf.Tensor1D;
}

/** Squared per-sample norms `[n]` of ∇ₓ Σ D(x) (R1/R2 need no square root). */
function inputGradientSquaredNorms(D: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  const grad = tf.grad((xi: tf.Tensor) => tf.sum(D(xi)))(x);
  return tf.sum(tf.square(tf.reshape(grad, [x.shape[0], -1])), 1) as tf.Tensor1D;
}

function perSampleUniform(n: number, sampleShape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(rng.uniformArray(n), [n, ...sampleShape.map(() => 1)]);
}

/**
 * A gradient penalty usable with any loss.
 *
 * @example
 * const gp = gradientPenalty({ kind: 'wgan-gp', weight: 10 });
 */
export function gradientPenalty(options: GradientPenaltyOptions): Penalty {
  const { kind, weight, c = 0.5 } = options;
  return {
    name: kind,
    compute({ D, real, fake, rng }) {
      const n = real.shape[0];
      const sampleShape = real.shape.slice(1);
      switch (kind) {
        case 'wgan-gp':
        case 'wgan-gp-one-sided': {
          const alpha = perSampleUniform(n, sampleShape, rng);
          const xHat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
          const excess = tf.sub(inputGradientNorms(D, xHat), 1);
          const hinge = kind === 'wgan-gp' ? excess : tf.relu(excess);
          return tf.mul(tf.mean(tf.square(hinge)), weight) as tf.Scalar;
        }
        case 'dragan': {
          const std = tf.sqrt(tf.moments(real).variance);
          const delta = tf.mul(tf.tensor(rng.normalArray(real.size), real.shape), tf.mul(std, c));
          const excess = tf.sub(inputGradientNorms(D, tf.add(real, delta)), 1);
          return tf.mul(tf.mean(tf.square(excess)), weight) as tf.Scalar;
        }
        case 'r1':
        case 'r2': {
          const at = kind === 'r1' ? real : fake;
          return tf.mul(tf.mean(inputGradientSquaredNorms(D, at)), weight / 2) as tf.Scalar;
        }
      }
    },
  };
}
