import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Module } from '../nn/index.ts';
import { defineStabilizer, type Stabilizer } from './types.ts';

/** Σ‖W‖² over a module's kernels (biases and norm parameters are not penalized). */
export function kernelSquaredNorm(module: Module): tf.Scalar {
  const kernels = module.params.filter((p) => p.role === 'kernel');
  return (kernels.length ? tf.addN(kernels.map((p) => tf.sum(tf.square(p.variable)))) : tf.scalar(0)) as tf.Scalar;
}

/**
 * An L2 weight penalty on D (weight decay, Krogh & Hertz 1992, as a GAN regularizer in Kurach
 * et al. 2019, "A Large-Scale Study of Regularization and Normalization in GANs"): D's loss gets
 * λ·Σ‖W‖² over its kernels, which keeps D smooth and slows it down. Reported in `dPenalty`.
 * Dropout in D, its companion remedy, is `model.d.dropout`.
 */
export function weightPenalty(weight: number): Stabilizer {
  return {
    name: 'weight-penalty',
    step: { dTerm: ({ D }) => tf.mul(kernelSquaredNorm(D), weight) as tf.Scalar },
  };
}

export const weightPenaltyStabilizer = defineStabilizer({
  name: 'weight-penalty',
  summary: "adds λ·Σ‖W‖² over D's kernels to D's loss (L2 weight penalty)",
  schema: z.strictObject({
    name: z.literal('weight-penalty'),
    weight: z.number().positive().default(1e-4),
  }),
  build: (p) => weightPenalty(p.weight),
});
