import * as tf from '@tensorflow/tfjs-core';
import type { LayerFactory } from './module.ts';

/** Reshapes each sample to `shape` (batch dimension kept). */
export function reshape(shape: number[]): LayerFactory {
  return {
    kind: 'reshape',
    build(inputShape, _rng, name) {
      const inSize = inputShape.reduce((a, b) => a * b, 1);
      const outSize = shape.reduce((a, b) => a * b, 1);
      if (inSize !== outSize) throw new Error(`${name}: cannot reshape [${inputShape.join(', ')}] to [${shape.join(', ')}]`);
      return { name, params: [], buffers: [], outputShape: shape, apply: (x) => tf.reshape(x, [x.shape[0], ...shape]) };
    },
  };
}

/** Flattens each sample to a vector. */
export function flatten(): LayerFactory {
  return {
    kind: 'flatten',
    build(inputShape, _rng, name) {
      const size = inputShape.reduce((a, b) => a * b, 1);
      return { name, params: [], buffers: [], outputShape: [size], apply: (x) => tf.reshape(x, [x.shape[0], size]) };
    },
  };
}
