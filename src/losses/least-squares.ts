import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, plainObjective, type Loss } from './types.ts';

/**
 * LSGAN (Mao et al. 2017) with targets a (fake), b (real) for D and c for G:
 *   D: ½E(D(x) − b)² + ½E(D(G(z)) − a)²,   G: ½E(D(G(z)) − c)².
 * The default 0-1 coding is a = 0, b = c = 1; b − c = 1, b − a = 2 minimizes the Pearson χ².
 */
export function leastSquares(a = 0, b = 1, c = 1): Loss {
  const half = (t: tf.Tensor, target: number) => tf.mul(tf.mean(tf.square(tf.sub(t, target))), 0.5);
  return {
    name: 'least-squares',
    output: 'score',
    gUsesReal: false,
    d: (dReal, dFake) => tf.add(half(dReal, b), half(dFake, a)) as tf.Scalar,
    g: (dFake) => half(dFake, c) as tf.Scalar,
  };
}

export const leastSquaresLoss = defineLoss({
  name: 'least-squares',
  summary: 'LSGAN: squared distance of D to targets a (fake), b (real), c (G)',
  schema: z.strictObject({
    name: z.literal('least-squares'),
    a: z.number().default(0),
    b: z.number().default(1),
    c: z.number().default(1),
  }),
  build: (p) => plainObjective(leastSquares(p.a, p.b, p.c)),
});
