import { z } from 'zod';
import { gradientPenalty } from '../penalties/index.ts';
import { defineStabilizer, type Stabilizer } from './types.ts';

const KINDS = ['wgan-gp', 'wgan-gp-one-sided', 'dragan', 'r1', 'r2'] as const;

/**
 * A gradient penalty on D added to any loss: WGAN-GP's two- or one-sided penalty at
 * interpolates, DRAGAN's around real points, R1 at real points or R2 at generated ones
 * (see {@link gradientPenalty}). The penalty joins the objective's penalties before any
 * stabilizer is built (through {@link StabilizerDefinition.penalty}), so the step computes it
 * like a loss's own penalty — inside D's tape, with the run's penalty random stream — and other
 * stabilizers see it (minibatch discrimination refuses it; packing warns).
 *
 * @example
 * // non-saturating loss + R1 (γ = 10), the StyleGAN recipe
 * stabilizers: [{ name: 'gradient-penalty', kind: 'r1', weight: 10 }]
 */
export const gradientPenaltyStabilizer = defineStabilizer({
  name: 'gradient-penalty',
  summary: "adds a gradient penalty on D to any loss: wgan-gp (two/one-sided), dragan, r1 (real), r2 (fake)",
  schema: z.strictObject({
    name: z.literal('gradient-penalty'),
    kind: z.enum(KINDS).default('r1'),
    /** λ for wgan-gp/dragan, γ for r1/r2 (the penalty is γ/2·E‖∇D‖²). */
    weight: z.number().positive().default(10),
    /** DRAGAN's perturbation scale relative to the real batch's std. */
    c: z.number().positive().default(0.5),
  }),
  penalty: (p) => gradientPenalty({ kind: p.kind, weight: p.weight, c: p.c }),
  build(p, info): Stabilizer {
    const same = info.objective.penalties.filter((q) => q.name === p.kind).length;
    if (same > 1) {
      info.warn(`${info.field} adds a second ${p.kind} penalty: the loss (or another entry) already has one, so the weights add up`);
    }
    return { name: 'gradient-penalty' };
  },
});
