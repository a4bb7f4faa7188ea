import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, plainObjective, type Loss } from './types.ts';

/** Hinge loss (Lim & Ye 2017; Miyato et al. 2018): D: E relu(1 − D(x)) + E relu(1 + D(G(z))), G: −E D(G(z)). */
export const hinge: Loss = {
  name: 'hinge',
  output: 'score',
  gUsesReal: false,
  d: (dReal, dFake) => tf.add(tf.mean(tf.relu(tf.sub(1, dReal))), tf.mean(tf.relu(tf.add(1, dFake)))) as tf.Scalar,
  g: (dFake) => tf.neg(tf.mean(dFake)) as tf.Scalar,
};

export const hingeLoss = defineLoss({
  name: 'hinge',
  summary: 'hinge loss for D, −E D(G(z)) for G (SAGAN, SN-GAN)',
  schema: z.strictObject({ name: z.literal('hinge') }),
  build: () => plainObjective(hinge),
});
