import * as tf from '@tensorflow/tfjs-core';
import type { LayerFactory } from './module.ts';

/** Pointwise activations by name. */
export const ACTIVATION_NAMES = ['linear', 'relu', 'leakyRelu', 'tanh', 'sigmoid', 'softplus', 'elu'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** Applies a named activation; `alpha` is leakyRelu's negative slope. */
export function activate(x: tf.Tensor, name: ActivationName, alpha = 0.2): tf.Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, alpha);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'elu':
      return tf.elu(x);
  }
}

/** An activation layer. */
export function activation(name: ActivationName, alpha = 0.2): LayerFactory {
  return {
    kind: name,
    build: (inputShape, _rng, layerName) => ({
      name: layerName,
      params: [],
      buffers: [],
      outputShape: inputShape,
      apply: (x) => activate(x, name, alpha),
    }),
  };
}
