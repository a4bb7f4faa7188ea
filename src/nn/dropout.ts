import * as tf from '@tensorflow/tfjs-core';
import type { LayerFactory } from './module.ts';

/**
 * Inverted dropout: in training each unit is zeroed with probability `rate` and the rest scaled
 * by 1/(1−rate); in evaluation it is the identity. The mask comes from the context's seeded Rng.
 */
export function dropout(rate: number): LayerFactory {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  return {
    kind: 'dropout',
    build(inputShape, _rng, name) {
      return {
        name,
        params: [],
        buffers: [],
        outputShape: inputShape,
        apply(x, ctx) {
          if (!ctx.training || rate === 0) return x;
          if (!ctx.rng) throw new Error(`${name}: dropout in training needs ctx.rng`);
          const u = ctx.rng.uniformArray(x.size);
          const mask = new Float32Array(x.size);
          const keep = 1 / (1 - rate);
          for (let i = 0; i < u.length; i++) mask[i] = u[i] >= rate ? keep : 0;
          return tf.mul(x, tf.tensor(mask, x.shape));
        },
      };
    },
  };
}
