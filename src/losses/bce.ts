import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, plainObjective, type Loss } from './types.ts';

/*
 * Binary cross-entropy on logits, written with softplus so it stays finite for any logit:
 *   −log σ(l) = softplus(−l),   −log(1 − σ(l)) = softplus(l).
 */

/** D's loss of the original GAN: −E log D(x) − E log(1 − D(G(z))). */
export function bceD(dReal: tf.Tensor, dFake: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(dReal))), tf.mean(tf.softplus(dFake))) as tf.Scalar;
}

/** The original (saturating) minimax loss: G minimizes E log(1 − D(G(z))) = −E softplus(l). */
export const minimax: Loss = {
  name: 'minimax',
  output: 'logit',
  gUsesReal: false,
  d: bceD,
  g: (dFake) => tf.neg(tf.mean(tf.softplus(dFake))) as tf.Scalar,
};

/** The non-saturating loss: G minimizes −E log D(G(z)) = E softplus(−l). */
export const nonSaturating: Loss = {
  name: 'non-saturating',
  output: 'logit',
  gUsesReal: false,
  d: bceD,
  g: (dFake) => tf.mean(tf.softplus(tf.neg(dFake))) as tf.Scalar,
};

export const minimaxLoss = defineLoss({
  name: 'minimax',
  summary: 'original GAN: G minimizes E log(1 − D(G(z))) (saturates when D wins)',
  schema: z.strictObject({ name: z.literal('minimax') }),
  build: () => plainObjective(minimax),
});

export const nonSaturatingLoss = defineLoss({
  name: 'non-saturating',
  summary: 'G maximizes E log D(G(z)) instead (Goodfellow et al. 2014)',
  schema: z.strictObject({ name: z.literal('non-saturating') }),
  build: () => plainObjective(nonSaturating),
});
