import * as tf from '@tensorflow/tfjs-core';
import { initKernel, type InitName } from './init.ts';
import { createParam, weightOf, type LayerFactory } from './module.ts';

/** Options shared by the convolution layers (NHWC). */
export interface ConvOptions {
  kernelSize?: number;
  strides?: number;
  padding?: 'same' | 'valid';
  init?: InitName;
  bias?: boolean;
}

function outSize(inSize: number, k: number, s: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(inSize / s) : Math.floor((inSize - k) / s) + 1;
}

/** A 2-D convolution over `[n, h, w, c]` inputs; kernel `[k, k, cIn, filters]`. */
export function conv2d(filters: number, options: ConvOptions = {}): LayerFactory {
  const { kernelSize: k = 3, strides: s = 1, padding = 'same', init = 'he', bias = true } = options;
  return {
    kind: 'conv',
    build(inputShape, rng, name) {
      if (inputShape.length !== 3) throw new Error(`${name}: conv2d expects [h, w, c] inputs, got [${inputShape.join(', ')}]`);
      const [h, w, c] = inputShape;
      const kernel = createParam(`${name}/kernel`, 'kernel', initKernel(init, k * k * c * filters, k * k * c, k * k * filters, rng), [k, k, c, filters]);
      const b = bias ? createParam(`${name}/bias`, 'bias', new Float32Array(filters), [filters]) : undefined;
      return {
        name,
        params: b ? [kernel, b] : [kernel],
        buffers: [],
        outputShape: [outSize(h, k, s, padding), outSize(w, k, s, padding), filters],
        apply(x, ctx) {
          const y = tf.conv2d(x as tf.Tensor4D, weightOf(kernel, ctx) as tf.Tensor4D, s, padding);
          return b ? tf.add(y, weightOf(b, ctx)) : y;
        },
      };
    },
  };
}

/** A transposed 2-D convolution (fractionally strided), the DCGAN generator's upsampling layer. */
export function convTranspose2d(filters: number, options: ConvOptions = {}): LayerFactory {
  const { kernelSize: k = 4, strides: s = 2, padding = 'same', init = 'he', bias = true } = options;
  return {
    kind: 'convT',
    build(inputShape, rng, name) {
      if (inputShape.length !== 3) throw new Error(`${name}: convTranspose2d expects [h, w, c] inputs, got [${inputShape.join(', ')}]`);
      const [h, w, c] = inputShape;
      const outH = padding === 'same' ? h * s : (h - 1) * s + k;
      const outW = padding === 'same' ? w * s : (w - 1) * s + k;
      // tfjs stores a transposed-conv kernel as [k, k, outChannels, inChannels].
      const kernel = createParam(`${name}/kernel`, 'kernel', initKernel(init, k * k * c * filters, k * k * c, k * k * filters, rng), [k, k, filters, c]);
      const b = bias ? createParam(`${name}/bias`, 'bias', new Float32Array(filters), [filters]) : undefined;
      return {
        name,
        params: b ? [kernel, b] : [kernel],
        buffers: [],
        outputShape: [outH, outW, filters],
        apply(x, ctx) {
          const n = x.shape[0];
          const y = tf.conv2dTranspose(x as tf.Tensor4D, weightOf(kernel, ctx) as tf.Tensor4D, [n, outH, outW, filters], s, padding);
          return b ? tf.add(y, weightOf(b, ctx)) : y;
        },
      };
    },
  };
}
