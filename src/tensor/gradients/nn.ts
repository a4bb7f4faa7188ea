import * as tf from '@tensorflow/tfjs-core';
import { numberAttr, reduceTo, single } from './util.ts';

/** Softmax, from the logits rather than the saved output, so that it can be differentiated again. */
const softmax: tf.GradConfig = {
  kernelName: tf.Softmax,
  inputsToSave: ['logits'],
  gradFunc: (dy, [logits], attrs) => ({
    logits: () => {
      const dim = numberAttr(attrs, 'dim');
      const y = tf.softmax(logits, dim);
      const dyTimesY = tf.mul(single(dy), y);
      return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, dim, true), y));
    },
  }),
};

/**
 * Batch normalisation y = (x − mean)·scale/√(var + ε) + offset, written out with ops so that it
 * can be differentiated again, and reduced to whatever (broadcastable) shape mean has.
 */
const fusedBatchNorm: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved;
    const g = single(dy);
    const epsilon = numberAttr(attrs, 'varianceEpsilon');
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const gScaled = scale === undefined ? g : tf.mul(g, scale);
    const centered = tf.sub(x, mean);
    return {
      x: () => tf.mul(gScaled, inverseStd),
      mean: () => reduceTo(tf.neg(tf.mul(gScaled, inverseStd)), mean.shape),
      variance: () => reduceTo(tf.mul(tf.mul(gScaled, centered), tf.mul(-0.5, tf.pow(inverseStd, 3))), variance.shape),
      scale: () => reduceTo(tf.mul(g, tf.mul(centered, inverseStd)), (scale ?? mean).shape),
      offset: () => reduceTo(g, mean.shape),
    };
  },
};

/** Pools and resizes have dedicated backward kernels; these are first-order only. */
function viaBackwardKernel(kernelName: string, backwardKernel: string, inputName: string, withOutput: boolean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [inputName],
    outputsToSave: withOutput ? [true] : undefined,
    gradFunc: (dy, saved, attrs) => ({
      [inputName]: () => {
        const [input, output] = saved;
        const inputs: tf.NamedTensorMap =
          inputName === 'images' ? { images: input, dy: single(dy) } : { dy: single(dy), input, ...(output ? { output } : {}) };
        return tf.engine().runKernel<tf.Tensor>(backwardKernel, inputs, attrs);
      },
    }),
  };
}

/** Gradients of softmax, batch normalisation, pooling and resizing. */
export function nnGradients(): tf.GradConfig[] {
  return [
    softmax,
    fusedBatchNorm,
    viaBackwardKernel(tf.MaxPool, tf.MaxPoolGrad, 'x', true),
    viaBackwardKernel(tf.AvgPool, tf.AvgPoolGrad, 'x', false),
    viaBackwardKernel(tf.ResizeNearestNeighbor, tf.ResizeNearestNeighborGrad, 'images', false),
    viaBackwardKernel(tf.ResizeBilinear, tf.ResizeBilinearGrad, 'images', false),
  ];
}
