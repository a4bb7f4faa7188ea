import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Module, Param } from '../nn/index.ts';
import { defineStabilizer, type Players, type Stabilizer } from './types.ts';

/** One player's running mean of its parameters. */
class RunningMean {
  readonly means = new Map<string, { param: Param; mean: tf.Variable }>();
  /** How many parameter values the mean is over (the initial one included). */
  count = 1;

  constructor(module: Module) {
    for (const p of module.params) this.means.set(p.name, { param: p, mean: tf.tidy(() => tf.variable(p.variable.clone(), false)) });
  }

  /** mean ← mean + (θ − mean) / (count + 1). */
  update(): void {
    this.count += 1;
    const rate = 1 / this.count;
    for (const { param, mean } of this.means.values()) {
      const next = tf.tidy(() => tf.add(mean, tf.mul(tf.sub(param.variable, mean), rate)));
      mean.assign(next);
      next.dispose();
    }
  }

  /** Σ ‖θ − mean‖² over the player's parameters, differentiable w.r.t. θ. */
  penalty(): tf.Scalar {
    const terms = [...this.means.values()].map(({ param, mean }) => tf.sum(tf.square(tf.sub(param.variable, mean))));
    return tf.addN(terms) as tf.Scalar;
  }

  dispose(): void {
    for (const { mean } of this.means.values()) mean.dispose();
  }
}

/** Options of {@link historicalAveraging}. */
export interface HistoricalAveragingOptions {
  /** λ in λ‖θ − θ̄‖². */
  weight: number;
  /** Whose parameters are held near their history. */
  players: readonly ('d' | 'g')[];
}

/**
 * Historical averaging (Salimans et al. 2016, "Improved Techniques for Training GANs", §3.3): each
 * chosen player's loss gets λ‖θ − θ̄‖², θ̄ the mean of every value its parameters have had (the
 * initial one and each after an update), which damps the oscillations of a game that circles its
 * equilibrium (fictitious play). The means and their count are saved in checkpoints.
 */
export function historicalAveraging({ weight, players }: HistoricalAveragingOptions): Stabilizer & { meanOf(player: 'd' | 'g'): RunningMean | undefined } {
  let d: RunningMean | undefined;
  let g: RunningMean | undefined;
  const scaled = (mean: RunningMean) => tf.mul(mean.penalty(), weight) as tf.Scalar;
  return {
    name: 'historical-averaging',
    build: { attach({ G, D }: Players) {
      if (players.includes('d')) d = new RunningMean(D);
      if (players.includes('g')) g = new RunningMean(G);
    } },
    step: {
      ...(players.includes('d') ? { dTerm: () => scaled(d!), afterDStep: () => d!.update() } : {}),
      ...(players.includes('g') ? { gTerm: () => scaled(g!), afterGStep: () => g!.update() } : {}),
    },
    meanOf: (player) => (player === 'd' ? d : g),
    state: {
      variables: () =>
        new Map(
          (
            [
              ['d', d],
              ['g', g],
            ] as const
          ).flatMap(([who, m]) => (m ? [...m.means].map(([name, { mean }]) => [`${who}/${name}`, mean] as const) : [])),
        ),
      values: () => ({ ...(d ? { countD: d.count } : {}), ...(g ? { countG: g.count } : {}) }),
      restoreValues(values) {
        if (d) d.count = countOf(values.countD, 'countD');
        if (g) g.count = countOf(values.countG, 'countG');
      },
    },
    dispose() {
      d?.dispose();
      g?.dispose();
    },
  };
}

function countOf(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`historical-averaging: ${key} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

export const historicalAveragingStabilizer = defineStabilizer({
  name: 'historical-averaging',
  summary: "adds λ‖θ − mean of past θ‖² to the chosen players' losses (Salimans et al. 2016)",
  schema: z.strictObject({
    name: z.literal('historical-averaging'),
    weight: z.number().positive().default(1e-3),
    players: z.array(z.enum(['d', 'g'])).min(1).default(['d', 'g']),
  }),
  build: (p) => historicalAveraging(p),
});
