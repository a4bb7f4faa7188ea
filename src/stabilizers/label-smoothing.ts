import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { bceD, buildObjective, LOSS_NAMES, lossSchema, type Loss } from '../losses/index.ts';
import { defineStabilizer, refuse, type Stabilizer } from './types.ts';

/**
 * Binary cross-entropy of logits against a soft target t, in softplus form (finite for any logit):
 * −t·log σ(l) − (1−t)·log(1 − σ(l)) = t·softplus(−l) + (1−t)·softplus(l), averaged.
 */
export function bceWithTarget(logits: tf.Tensor, target: number): tf.Scalar {
  const perSample = tf.add(tf.mul(tf.softplus(tf.neg(logits)), target), tf.mul(tf.softplus(logits), 1 - target));
  return tf.mean(perSample) as tf.Scalar;
}

/** Whether a loss trains D with binary cross-entropy on its logits, so there are targets to smooth. */
export function hasBceTargets(loss: Loss): boolean {
  return loss.d === bceD;
}

/** Options of {@link labelSmoothing}. */
export interface LabelSmoothingOptions {
  /** D's target for real samples (1 without smoothing). */
  real: number;
  /** D's target for generated samples (0 without smoothing; > 0 is two-sided smoothing). */
  fake: number;
}

/**
 * Label smoothing (Salimans et al. 2016, "Improved Techniques for Training GANs", §3.4): D is
 * trained towards soft targets. One-sided (real 0.9, fake 0) is what the paper recommends: a
 * non-zero fake target rewards D for keeping its output up where only fakes are, which keeps G
 * from leaving there; two-sided (e.g. fake 0.1) is here to compare. G's loss is unchanged.
 * Only for losses whose D loss is binary cross-entropy on logits.
 */
export function labelSmoothing({ real, fake }: LabelSmoothingOptions): Stabilizer {
  return {
    name: 'label-smoothing',
    build: { wrapLoss: (loss) => ({
      name: loss.name,
      output: loss.output,
      gUsesReal: loss.gUsesReal,
      ...(loss.state ? { state: loss.state } : {}),
      g: (dFake, dReal) => loss.g(dFake, dReal),
      d: (dReal, dFake) => tf.add(bceWithTarget(dReal, real), bceWithTarget(dFake, fake)) as tf.Scalar,
    }) },
  };
}

/** The loss families label smoothing applies to, for the refusal message. */
function smoothableLosses(): string[] {
  return LOSS_NAMES.filter((name) => hasBceTargets(buildObjective(lossSchema.parse({ name })).loss));
}

export const labelSmoothingStabilizer = defineStabilizer({
  name: 'label-smoothing',
  summary: "trains D towards soft targets: real 0.9 (one-sided), optionally fake > 0 (two-sided) (Salimans et al. 2016)",
  schema: z
    .strictObject({
      name: z.literal('label-smoothing'),
      real: z.number().gt(0).lte(1).default(0.9),
      fake: z.number().min(0).lt(1).default(0),
    })
    .superRefine((p, ctx) => {
      if (p.fake >= p.real) ctx.addIssue({ code: 'custom', path: ['fake'], input: p.fake, message: `the fake target must be below the real one (${p.real})` });
    }),
  build(p, info) {
    const { loss } = info.objective;
    if (!hasBceTargets(loss)) {
      refuse(
        info,
        `"label-smoothing" needs a loss that trains D with binary cross-entropy on logits (${smoothableLosses().map((n) => JSON.stringify(n)).join(', ')}); loss "${loss.name}" has no targets to smooth`,
        'name',
        p.name,
      );
    }
    return labelSmoothing(p);
  },
});
