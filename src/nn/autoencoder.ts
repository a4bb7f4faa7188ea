import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/rng.ts';
import type { Layer } from './module.ts';
import { mlpLayers, type MlpOptions } from './mlp.ts';
import { sequential } from './sequential.ts';

/**
 * BEGAN's discriminator: an MLP autoencoder whose output is each sample's mean absolute
 * reconstruction error, shape `[n, 1]`. The encoder has `hidden` widths (the last is the code);
 * the decoder mirrors them back to the input width.
 */
export function autoencoderEnergy(name: string, inputs: number, options: Omit<MlpOptions, 'out' | 'outAct'>, rng: Rng): Layer {
  const { hidden } = options;
  if (hidden.length === 0) throw new Error(`${name}: an autoencoder needs at least one hidden width (the code size)`);
  const encoder = mlpLayers({ ...options, hidden: hidden.slice(0, -1), out: hidden[hidden.length - 1] });
  const decoder = mlpLayers({ ...options, hidden: hidden.slice(0, -1).reverse(), out: inputs });
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
