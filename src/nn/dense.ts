import * as tf from '@tensorflow/tfjs-core';
import { initBias, initKernel, type InitName } from './init.ts';
import { createParam, weightOf, type LayerFactory } from './module.ts';

/** A fully connected layer `x·W + b` over the last axis of a `[n, inFeatures]` input. */
export function dense(units: number, options: { init?: InitName; bias?: boolean } = {}): LayerFactory {
  const { init = 'he', bias = true } = options;
  return {
    kind: 'dense',
    build(inputShape, rng, name) {
      if (inputShape.length !== 1) {
        throw new Error(`${name}: dense expects a flat input, got shape [${inputShape.join(', ')}]; add flatten() before it`);
      }
      const fanIn = inputShape[0];
      const kernel = createParam(`${name}/kernel`, 'kernel', initKernel(init, fanIn * units, fanIn, units, rng), [fanIn, units]);
      const b = bias ? createParam(`${name}/bias`, 'bias', initBias(init, units, fanIn, rng), [units]) : undefined;
      return {
        name,
        params: b ? [kernel, b] : [kernel],
        buffers: [],
        outputShape: [units],
        apply(x, ctx) {
          const y = tf.matMul(x, weightOf(kernel, ctx));
          return b ? tf.add(y, weightOf(b, ctx)) : y;
        },
      };
    },
  };
}
