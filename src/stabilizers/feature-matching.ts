import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Module } from '../nn/index.ts';
import { defineStabilizer, refuse, type GStepView, type Stabilizer } from './types.ts';

/**
 * ‖E f(x) − E f(G(z))‖²: the squared distance between the batch means of D's features on real
 * and generated samples (features `[n, …]`, flattened per sample).
 */
export function featureMatchingLoss(realFeatures: tf.Tensor, fakeFeatures: tf.Tensor): tf.Scalar {
  const mean = (f: tf.Tensor) => tf.mean(tf.reshape(f, [f.shape[0], -1]), 0);
  return tf.sum(tf.square(tf.sub(mean(realFeatures), mean(fakeFeatures)))) as tf.Scalar;
}

/**
 * The names of the layers D records, in order, found by running D once on zeros (in eval mode: no
 * state changes). The probe carries class 0 for every row, which a conditional D reads and any
 * other ignores.
 */
export function recordedLayers(D: Module, inputShape: readonly number[], batch: number): string[] {
  const names: string[] = [];
  tf.tidy(() => {
    D.apply(tf.zeros([batch, ...inputShape]), { training: false, condition: { labels: tf.zeros([batch], 'int32') }, record: (layer) => names.push(layer) });
  });
  return names;
}

/** Options of {@link featureMatching}. */
export interface FeatureMatchingOptions {
  /** The layer whose output is matched: its name (`D/dense1`) or its place among D's recorded layers, from the end (−1 is D's output). */
  layer: string | number;
  /** `replace`: G minimizes only the feature distance (the paper); `add`: G's loss plus it. */
  mode: 'replace' | 'add';
  /** Factor on the feature distance. */
  weight: number;
}

/**
 * Feature matching (Salimans et al. 2016, "Improved Techniques for Training GANs", §3.1): G is
 * trained to match the mean of an intermediate layer of D on real data,
 * ‖E_x f(x) − E_z f(G(z))‖²₂, instead of (`replace`) or besides (`add`) fooling D. f is the output
 * D records for that layer (for the MLP's dense layers, before the activation), read through
 * `ApplyContext.record` in G's step, with a real batch through D alongside.
 */
export function featureMatching(
  options: FeatureMatchingOptions,
  dataShape: readonly number[],
  batch: number,
  fail: (message: string) => never = (message) => {
    throw new RangeError(message);
  },
): Stabilizer & { layerName(): string } {
  const { layer, mode, weight } = options;
  let resolved: string | undefined;
  const distance = ({ realFeatures, fakeFeatures }: GStepView): tf.Scalar => {
    const name = resolved!;
    const real = realFeatures.get(name);
    const fake = fakeFeatures.get(name);
    if (!real || !fake) throw new Error(`feature-matching: D did not record layer '${name}' in G's step`);
    return tf.mul(featureMatchingLoss(real, fake), weight) as tf.Scalar;
  };
  return {
    name: 'feature-matching',
    build: {
      attach({ D }) {
        const layers = recordedLayers(D, dataShape, batch);
        resolved = typeof layer === 'string' ? layers.find((l) => l === layer) : layers[layers.length + layer];
        if (resolved === undefined) fail(`got ${JSON.stringify(layer)}; allowed: one of D's recorded layers ${layers.map((l) => JSON.stringify(l)).join(', ')}, or -1 to -${layers.length}`);
      },
    },
    step: {
      gStepUsesReal: true,
      ...(mode === 'replace' ? { gLoss: (_loss: tf.Scalar, view: GStepView) => distance(view) } : { gTerm: distance }),
    },
    layerName: () => resolved!,
  };
}

export const featureMatchingStabilizer = defineStabilizer({
  name: 'feature-matching',
  summary: "G matches the mean of D's intermediate features on real data (Salimans et al. 2016)",
  schema: z.strictObject({
    name: z.literal('feature-matching'),
    /** A layer name such as `D/dense1`, or a negative index among D's recorded layers (−2: the one before the output). */
    layer: z.union([z.string().min(1), z.int().max(-1)]).default(-2),
    mode: z.enum(['replace', 'add']).default('replace'),
    weight: z.number().positive().default(1),
  }),
  build: (p, info) => featureMatching(p, info.dataShape, info.batchSize, (message) => refuse(info, message, 'layer', p.layer)),
});
