import * as tf from '@tensorflow/tfjs-core';
import { defineNativeKernel, float32Values } from './backend.ts';

/**
 * float32 `Sum` over leading axes (a bias gradient: `[batch, n] → [n]`) or trailing axes
 * (row sums, full sums) without the transpose the cpu kernel makes first. Sums run in double in
 * the same order as cpu's, so results are identical; other axis sets run the cpu kernel.
 */
export const sumConfig = defineNativeKernel<tf.SumInputs, tf.SumAttrs>(tf.Sum, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  if (x === undefined) return undefined;
  const values = float32Values(backend, x);
  if (values === undefined) return undefined;
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis, x.shape))].sort((p, q) => p - q);
  if (axes.length === 0) return undefined;
  const leading = axes.every((axis, i) => axis === i);
  const trailing = axes.every((axis, i) => axis === rank - axes.length + i);
  if (!leading && !trailing) return undefined;

  const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const reduceSize = tf.util.sizeFromShape(reduceShape);
  const outSize = tf.util.sizeFromShape(outShape);
  const out = backend.allocate(outSize);
  if (trailing) {
    for (let i = 0; i < outSize; i++) {
      let sum = 0;
      const offset = i * reduceSize;
      for (let j = 0; j < reduceSize; j++) sum += values[offset + j];
      out[i] = sum;
    }
  } else {
    // Walk rows in memory order, keeping one double accumulator per column.
    const acc = new Float64Array(outSize);
    for (let r = 0; r < reduceSize; r++) {
      const offset = r * outSize;
      for (let j = 0; j < outSize; j++) acc[j] += values[offset + j];
    }
    out.set(acc);
  }
  const shape = attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  return backend.makeTensorInfo(shape, 'float32', out);
});
