import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Param } from '../nn/index.ts';
import { defineStabilizer, type Stabilizer } from './types.ts';

/**
 * An exponential moving average of G's weights (Yazıcı et al. 2019, "The Unusual Effectiveness
 * of Averaging in GAN Training"; Karras et al. 2018): after each G update θ̄ ← β·θ̄ + (1 − β)·θ,
 * starting from θ̄ = θ₀ (so no bias correction is needed). Training never uses θ̄; the evaluator
 * draws samples with it (through `ApplyContext.weight`). Batch-norm running statistics are G's own.
 */
export function ema(beta: number): Stabilizer & { average(param: Param): tf.Tensor | undefined } {
  const averages = new Map<string, { param: Param; average: tf.Variable }>();
  return {
    name: 'ema',
    build: { attach({ G }) {
      for (const p of G.params) averages.set(p.name, { param: p, average: tf.tidy(() => tf.variable(p.variable.clone(), false)) });
    } },
    step: { afterGStep() {
      for (const { param, average } of averages.values()) {
        const next = tf.tidy(() => tf.add(tf.mul(average, beta), tf.mul(param.variable, 1 - beta)));
        average.assign(next);
        next.dispose();
      }
    } },
    evaluation: { generatorWeight: (param) => averages.get(param.name)?.average },
    average: (param) => averages.get(param.name)?.average,
    state: { variables: () => new Map([...averages].map(([name, { average }]) => [name, average] as const)) },
    dispose() {
      for (const { average } of averages.values()) average.dispose();
      averages.clear();
    },
  };
}

export const emaStabilizer = defineStabilizer({
  name: 'ema',
  summary: "keeps an exponential moving average of G's weights (β) and evaluates with it (Yazıcı et al. 2019)",
  schema: z.strictObject({
    name: z.literal('ema'),
    beta: z.number().gt(0).lt(1).default(0.999),
  }),
  build: (p) => ema(p.beta),
});
