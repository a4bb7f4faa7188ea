import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Rng } from '../tensor/index.ts';
import { defineStabilizer, type Stabilizer } from './types.ts';

/** σ after `step` completed steps: σ0·(1 − step/N), linearly down to 0 at step N and 0 after. */
export function instanceNoiseSigma(step: number, sigma0: number, annealSteps: number): number {
  return step >= annealSteps ? 0 : sigma0 * (1 - step / annealSteps);
}

/** Options of {@link instanceNoise}. */
export interface InstanceNoiseOptions {
  /** σ0, the noise's standard deviation at the start. */
  sigma: number;
  /** N: steps over which σ falls linearly to 0. */
  annealSteps: number;
}

/**
 * Instance noise (Sønderby et al. 2017, "Amortised MAP Inference for Image Super-resolution",
 * §3.1; Arjovsky & Bottou 2017): D sees real and generated samples with Gaussian noise
 * N(0, σ²) added, so the two distributions overlap and D's gradient stays informative even when
 * their supports are disjoint; σ anneals linearly from σ0 to 0 over N steps. The noise is added in
 * both players' steps (G's gradient goes through it) and comes from the stabilizer's own random
 * stream, saved in checkpoints.
 */
export function instanceNoise({ sigma, annealSteps }: InstanceNoiseOptions, rng: Rng): Stabilizer {
  return {
    name: 'instance-noise',
    step: { dInput(x, { step }) {
      const s = instanceNoiseSigma(step, sigma, annealSteps);
      return s === 0 ? x : tf.add(x, tf.tensor(rng.normalArray(x.size, 0, s), x.shape));
    },
    values: (step) => ({ instanceNoiseSigma: instanceNoiseSigma(step, sigma, annealSteps) }) },
    state: {
      variables: () => new Map(),
      values: () => ({ rng: rng.getState() }),
      restoreValues(values) {
        const state = values.rng;
        if (typeof state !== 'object') throw new RangeError('instance-noise: the checkpoint holds no random stream state');
        rng.setState(state);
      },
    },
  };
}

export const instanceNoiseStabilizer = defineStabilizer({
  name: 'instance-noise',
  summary: "adds N(0, σ²) to D's real and generated inputs, σ annealed linearly from sigma to 0 over annealSteps (Sønderby et al. 2017)",
  schema: z.strictObject({
    name: z.literal('instance-noise'),
    sigma: z.number().positive().default(0.1),
    annealSteps: z.int().positive().default(1000),
  }),
  build: (p, info) => instanceNoise(p, info.rng),
});
