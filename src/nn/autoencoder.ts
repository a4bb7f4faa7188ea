import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';
import type { Layer } from './module.ts';
import { mlpLayers, type MlpOptions } from './mlp.ts';
import { sequential } from './sequential.ts';

/**
 * BEGAN's discriminator: an MLP autoencoder whose output is each sample's mean absolute
 * reconstruction error, shape `[n, 1]`. The encoder has `hidden` widths then a linear code of
 * `codeDim` units; the decoder mirrors the widths back to the input. The code must be narrower
 * than the input, or the autoencoder learns the identity and its energy carries no signal.
 */
export function autoencoderEnergy(name: string, inputs: number, options: Omit<MlpOptions, 'out' | 'outAct'> & { codeDim: number }, rng: Rng): Layer {
  const { hidden, codeDim, ...rest } = options;
  const encoder = mlpLayers({ ...rest, hidden, out: codeDim });
  const decoder = mlpLayers({ ...rest, hidden: [...hidden].reverse(), out: inputs });
  const net = sequential(name, [inputs], [...encoder, ...decoder], rng);
  return {
    name,
    params: net.params,
    buffers: net.buffers,
    outputShape: [1],
    apply(x, ctx) {
      const flat = tf.reshape(x, [x.shape[0], -1]);
      return tf.mean(tf.abs(tf.sub(net.apply(flat, ctx), flat)), 1, true);
    },
  };
}
