import * as tf from '@tensorflow/tfjs-core';
import { booleanAttr, float, numberAttr, numbersAttr, single } from './util.ts';

/** The reduced axes of `x` (tfjs passes null for "all", and negative axes as given). */
function reducedAxes(attrs: tf.NamedAttrMap, name: string, x: tf.Tensor): number[] {
  return tf.util.parseAxisParam(numbersAttr(attrs, name) ?? x.shape.map((_, i) => i), x.shape);
}

/** dy broadcast back over the reduced axes of `x`. */
function spread(dy: tf.Tensor, x: tf.Tensor, axes: readonly number[]): tf.Tensor {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.broadcastTo(tf.reshape(dy, keptShape), x.shape);
}

function sumLike(kernelName: string, axisAttr: string, scale: (x: tf.Tensor, axes: number[]) => number): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const axes = reducedAxes(attrs, axisAttr, x);
        const spreadDy = spread(single(dy), x, axes);
        const factor = scale(x, axes);
        return factor === 1 ? spreadDy : tf.mul(spreadDy, factor);
      },
    }),
  };
}

/**
 * Max and min route dy to every element equal to the extreme (ties share it in full, as tfjs
 * does). The extreme is recomputed from x, not read from the saved output.
 */
function extreme(kernelName: string, axisAttr: string, reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const axes = reducedAxes(attrs, axisAttr, x);
        const hits = tf.cast(tf.equal(x, reduce(x, axes)), 'float32');
        return tf.mul(spread(single(dy), x, axes), hits);
      },
    }),
  };
}

const cumsum: tf.GradConfig = {
  kernelName: tf.Cumsum,
  gradFunc: (dy, _saved, attrs) => ({
    x: () => tf.cumsum(float(single(dy)), numberAttr(attrs, 'axis'), booleanAttr(attrs, 'exclusive'), !booleanAttr(attrs, 'reverse')),
  }),
};

/** Gradients of sum, mean, max, min and cumsum. */
export function reductionGradients(): tf.GradConfig[] {
  return [
    sumLike(tf.Sum, 'axis', () => 1),
    sumLike(tf.Mean, 'axis', (x, axes) => 1 / axes.reduce((n, axis) => n * x.shape[axis], 1)),
    extreme(tf.Max, 'reductionIndices', (x, axes) => tf.max(x, axes, true)),
    extreme(tf.Min, 'axis', (x, axes) => tf.min(x, axes, true)),
    cumsum,
  ];
}
