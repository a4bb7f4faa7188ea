import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { gradientPenalty, weightClip } from '../penalties/index.ts';
import { defineLoss, type Loss } from './types.ts';

/** The Wasserstein critic loss: D minimizes E D(G(z)) − E D(x); G minimizes −E D(G(z)). */
export const wasserstein: Loss = {
  name: 'wasserstein',
  output: 'score',
  gUsesReal: false,
  d: (dReal, dFake) => tf.sub(tf.mean(dFake), tf.mean(dReal)) as tf.Scalar,
  g: (dFake) => tf.neg(tf.mean(dFake)) as tf.Scalar,
};

export const wassersteinLoss = defineLoss({
  name: 'wasserstein',
  summary: 'WGAN: critic loss with weight clipping to [−clip, clip] (Arjovsky et al. 2017)',
  schema: z.strictObject({
    name: z.literal('wasserstein'),
    clip: z.number().positive().default(0.01),
  }),
  recommended: [
    {
      settings: { dStepsPerG: 5, optim: { g: { name: 'rmsprop', lr: 5e-5 }, d: { name: 'rmsprop', lr: 5e-5 } } },
      why: 'Arjovsky et al. 2017, Algorithm 1: n_critic 5 and RMSProp at 5e-5 (momentum such as Adam’s made the clipped critic unstable).',
    },
  ],
  build: (p) => ({ loss: wasserstein, penalties: [], constraints: [weightClip(p.clip)], discriminator: 'classifier' }),
});

export const wganGpLoss = defineLoss({
  name: 'wgan-gp',
  summary: 'WGAN-GP: critic loss + λ·E(‖∇D(x̂)‖ − 1)² on interpolates (Gulrajani et al. 2017)',
  schema: z.strictObject({
    name: z.literal('wgan-gp'),
    lambda: z.number().nonnegative().default(10),
    oneSided: z.boolean().default(false),
  }),
  recommended: [
    {
      settings: { dStepsPerG: 5, optim: { g: { name: 'adam', beta1: 0.5, beta2: 0.9 }, d: { name: 'adam', beta1: 0.5, beta2: 0.9 } } },
      why: 'Gulrajani et al. 2017, Algorithm 1 and their toy code: 5 critic steps per G step, Adam β2 0.9 (β1 0.5 in the toy code).',
    },
    {
      settings: { loss: { lambda: 0.1 } },
      domain: 'points',
      why: 'λ 0.1 on 2-D data, as the toy code of Gulrajani et al. uses (gan_toy.py; it notes a smaller λ trains toy tasks faster); the paper’s 10 on images.',
    },
  ],
  build: (p) => ({
    loss: wasserstein,
    penalties: [gradientPenalty({ kind: p.oneSided ? 'wgan-gp-one-sided' : 'wgan-gp', weight: p.lambda })],
    constraints: [],
    discriminator: 'classifier',
  }),
});
