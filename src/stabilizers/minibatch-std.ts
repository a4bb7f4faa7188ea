import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { LayerFactory } from '../nn/index.ts';
import { defineStabilizer, refuse, type Stabilizer } from './types.ts';

/** Keeps the square root's derivative finite for a batch of identical samples (Karras et al. use the same 1e-8). */
const EPSILON = 1e-8;

/**
 * The minibatch standard deviation of a `[n, features]` batch: the standard deviation of each
 * feature across the batch (population form, √(Var + 1e-8)), averaged over the features. Scalar.
 */
export function minibatchStd(x: tf.Tensor): tf.Scalar {
  const flat = tf.reshape(x, [x.shape[0], -1]);
  const { variance } = tf.moments(flat, 0);
  return tf.mean(tf.sqrt(tf.add(variance, EPSILON))) as tf.Scalar;
}

/**
 * Appends {@link minibatchStd} of the batch to every sample as one more feature along the last
 * axis: flat `[n, f]` → `[n, f + 1]`; images `[n, H, W, C]` → `[n, H, W, C + 1]`, a constant
 * channel as in Karras et al.
 */
export function appendMinibatchStd(x: tf.Tensor): tf.Tensor {
  const [n, ...sample] = x.shape;
  if (sample.length <= 1) {
    const std = tf.reshape(minibatchStd(x), [1, 1]);
    return tf.concat([tf.reshape(x, [n, -1]), tf.tile(std, [n, 1])], 1);
  }
  const plane = [n, ...sample.slice(0, -1), 1];
  return tf.concat([x, tf.mul(tf.ones(plane), minibatchStd(x))], sample.length);
}

/** The shape after {@link appendMinibatchStd}: one more feature along the last axis. */
export function withStdFeature(shape: readonly number[]): number[] {
  return [...shape.slice(0, -1), shape[shape.length - 1] + 1];
}

/** A layer that appends the minibatch standard deviation as one more feature (flat features, or a channel of feature maps). */
export function minibatchStdLayer(): LayerFactory {
  return {
    kind: 'mbstd',
    build(inputShape, _rng, name) {
      return { name, params: [], buffers: [], outputShape: withStdFeature(inputShape), apply: (x) => appendMinibatchStd(x) };
    },
  };
}

/**
 * The minibatch standard deviation layer (Karras et al. 2018, "Progressive Growing of GANs",
 * §3): D gets, as one extra feature of every sample, the mean over features of the per-feature
 * standard deviation across the batch (the whole batch is one group), so a batch of too-similar
 * samples looks different from a real one. `at: 'last'` (the paper's place) appends it to the
 * input of D's output layer; `at: 'input'` to D's input, which also works for BEGAN's autoencoder.
 * Each batch (real, generated) is its own group, as D sees them separately.
 */
export function minibatchStdFeature(at: 'last' | 'input'): Stabilizer {
  return {
    name: 'minibatch-std',
    build: {
      wrapD(build, spec) {
        if (at === 'last') return build({ ...spec, beforeOutput: [...spec.beforeOutput, minibatchStdLayer()] });
        const D = build({ ...spec, inputShape: withStdFeature(spec.inputShape) });
        return { name: D.name, params: D.params, buffers: D.buffers, apply: (x, ctx) => D.apply(appendMinibatchStd(x), ctx) };
      },
    },
  };
}

export const minibatchStdStabilizer = defineStabilizer({
  name: 'minibatch-std',
  summary: "appends the batch's mean feature standard deviation as a feature for D (Karras et al. 2018)",
  schema: z.strictObject({
    name: z.literal('minibatch-std'),
    at: z.enum(['last', 'input']).default('last'),
  }),
  build(p, info) {
    if (p.at === 'last' && info.objective.discriminator !== 'classifier') {
      refuse(info, "got \"last\", but BEGAN's autoencoder D has no output layer to put the feature before; allowed here: \"input\"", 'at', p.at);
    }
    return minibatchStdFeature(p.at);
  },
});
