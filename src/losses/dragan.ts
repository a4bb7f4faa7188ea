import { z } from 'zod';
import { gradientPenalty } from '../penalties/index.ts';
import { nonSaturating } from './bce.ts';
import { defineLoss } from './types.ts';

export const draganLoss = defineLoss({
  name: 'dragan',
  summary: 'DRAGAN: non-saturating loss + λ·E(‖∇D(x+δ)‖ − 1)², δ ~ N(0, (c·std x)²) (Kodali et al. 2017)',
  schema: z.strictObject({
    name: z.literal('dragan'),
    lambda: z.number().nonnegative().default(10),
    c: z.number().positive().default(0.5),
  }),
  build: (p) => ({
    loss: nonSaturating,
    penalties: [gradientPenalty({ kind: 'dragan', weight: p.lambda, c: p.c })],
    constraints: [],
    discriminator: 'classifier',
  }),
});
