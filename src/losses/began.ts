import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, type Loss, type LossState } from './types.ts';

/** Options of {@link began}. */
export interface BeganOptions {
  /** Diversity ratio γ = E L(G(z)) / E L(x) the balance aims for. */
  gamma: number;
  /** Learning rate λ_k of the balance term k_t. */
  lambdaK: number;
  /** Initial k. */
  k0: number;
}

/**
 * BEGAN (Berthelot et al. 2017). D is an autoencoder whose output is the per-sample L1
 * reconstruction error L(·) ("energy"). D minimizes L(x) − k_t·L(G(z)), G minimizes L(G(z)); after
 * each D step k ← clip(k + λ_k(γ·L(x) − L(G(z))), 0, 1). Logged: `k` and the convergence measure
 * M_global = L(x) + |γ·L(x) − L(G(z))|.
 */
export function began({ gamma, lambdaK, k0 }: BeganOptions): Loss {
  let k = k0;
  let convergence = Number.NaN;
  const state: LossState = {
    update({ dRealMean, dFakeMean }) {
      const balance = gamma * dRealMean - dFakeMean;
      k = Math.min(1, Math.max(0, k + lambdaK * balance));
      convergence = dRealMean + Math.abs(balance);
    },
    values: () => ({ k, convergence }),
    restore(values) {
      k = values.k;
      convergence = values.convergence ?? Number.NaN;
    },
  };
  return {
    name: 'began',
    output: 'energy',
    gUsesReal: false,
    d: (dReal, dFake) => tf.sub(tf.mean(dReal), tf.mul(tf.mean(dFake), k)) as tf.Scalar,
    g: (dFake) => tf.mean(dFake) as tf.Scalar,
    state,
  };
}

export const beganLoss = defineLoss({
  name: 'began',
  summary: 'BEGAN: autoencoder D, L1 reconstruction energies balanced by k_t (Berthelot et al. 2017)',
  schema: z.strictObject({
    name: z.literal('began'),
    gamma: z.number().gt(0).lte(1).default(0.5),
    lambdaK: z.number().nonnegative().default(0.001),
    k0: z.number().min(0).max(1).default(0),
    /** Width of D's autoencoder bottleneck; default half the data dimension (at least 1). */
    codeDim: z.int().positive().optional(),
  }),
  build: (p) => ({ loss: began(p), penalties: [], constraints: [], discriminator: { kind: 'autoencoder', codeDim: p.codeDim } }),
});
