import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, plainObjective, type Loss } from './types.ts';

const nll = (logits: tf.Tensor) => tf.mean(tf.softplus(tf.neg(logits))); // −E log σ(l)

/**
 * Relativistic GANs (Jolicoeur-Martineau 2018) with the BCE base:
 * - `standard` (RSGAN): D: −E log σ(C(x) − C(G(z))), G: −E log σ(C(G(z)) − C(x)), pairing samples by index.
 * - `average` (RaGAN): D: −E log σ(C(x) − E C(G(z))) − E log(1 − σ(C(G(z)) − E C(x))), G symmetric.
 */
export function relativistic(variant: 'standard' | 'average'): Loss {
  if (variant === 'standard') {
    return {
      name: 'relativistic',
      output: 'logit',
      gUsesReal: true,
      d: (dReal, dFake) => nll(tf.sub(dReal, dFake)) as tf.Scalar,
      g: (dFake, dReal) => nll(tf.sub(dFake, dReal)) as tf.Scalar,
    };
  }
  const term = (a: tf.Tensor, b: tf.Tensor) => tf.add(nll(tf.sub(a, tf.mean(b))), nll(tf.neg(tf.sub(b, tf.mean(a)))));
  return {
    name: 'relativistic',
    output: 'logit',
    gUsesReal: true,
    d: (dReal, dFake) => term(dReal, dFake) as tf.Scalar,
    g: (dFake, dReal) => term(dFake, dReal) as tf.Scalar,
  };
}

export const relativisticLoss = defineLoss({
  name: 'relativistic',
  summary: 'RSGAN / RaGAN: D estimates how much more real x is than G(z)',
  schema: z.strictObject({
    name: z.literal('relativistic'),
    variant: z.enum(['standard', 'average']).default('average'),
  }),
  build: (p) => plainObjective(relativistic(p.variant)),
});
