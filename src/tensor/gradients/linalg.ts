import * as tf from '@tensorflow/tfjs-core';
import { as4D, assertChannelsLast, booleanAttr, pairAttr, paddingAttr, roundingAttr, single, type ConvPadding } from './util.ts';

/**
 * The matmul gradient. On wasm, `matMul(x, y, transposeX, transposeY)` with a transpose runs at
 * 1–2 GFLOP/s against ~20 for a plain one, so there the gradient transposes explicitly first
 * (9× faster GAN steps); elsewhere the transposed forms cost nothing (the native backend hands
 * them to BLAS). Decided per call, because the active backend can change.
 */
const batchMatMul: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b], attrs) => {
    const g = single(dy);
    const transposeA = booleanAttr(attrs, 'transposeA');
    const transposeB = booleanAttr(attrs, 'transposeB');
    if (!transposeA && !transposeB) return { a: () => product(g, false, b, true), b: () => product(a, true, g, false) };
    if (!transposeA && transposeB) return { a: () => product(g, false, b, false), b: () => product(g, true, a, false) };
    if (transposeA && !transposeB) return { a: () => product(b, false, g, true), b: () => product(a, false, g, false) };
    return { a: () => product(b, true, g, true), b: () => product(g, true, a, true) };
  },
};

function product(x: tf.Tensor, transposeX: boolean, y: tf.Tensor, transposeY: boolean): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.matMul(x, y, transposeX, transposeY);
  return tf.matMul(transposeX ? transposeLastTwo(x) : x, transposeY ? transposeLastTwo(y) : y);
}

function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[perm.length - 2] = perm.length - 1;
  perm[perm.length - 1] = perm.length - 2;
  return tf.transpose(x, perm);
}

interface ConvAttrs {
  strides: [number, number];
  pad: ConvPadding;
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined;
}

function convAttrs(attrs: tf.NamedAttrMap): ConvAttrs {
  assertChannelsLast(attrs);
  return { strides: pairAttr(attrs, 'strides'), pad: paddingAttr(attrs), dimRoundingMode: roundingAttr(attrs) };
}

/** The filter gradient of a conv2d: a kernel (`Conv2DBackpropFilter`) with no public op. */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], conv: ConvAttrs): tf.Tensor {
  const attrs: tf.NamedAttrMap = { strides: conv.strides, pad: conv.pad, dataFormat: 'NHWC', filterShape };
  if (conv.dimRoundingMode !== undefined) attrs.dimRoundingMode = conv.dimRoundingMode;
  return tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, attrs);
}

const conv2D: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, [x, filter], attrs) => {
    const conv = convAttrs(attrs);
    const [dh, dw] = pairAttr(attrs, 'dilations');
    if (dh !== 1 || dw !== 1) throw new Error(`gradients: conv2d gradients need dilation 1, got [${dh}, ${dw}]`);
    const g = as4D(single(dy));
    const x4D = as4D(x);
    const filter4D = as4D(filter);
    return {
      x: () => tf.conv2dTranspose(g, filter4D, x4D.shape, conv.strides, conv.pad, conv.dimRoundingMode),
      filter: () => filterGradient(x4D, g, filter4D.shape, conv),
    };
  },
};

/** conv2dTranspose: its gradients are a conv2d (for dy) and a filter gradient (for the filter). */
const conv2DBackpropInput: tf.GradConfig = {
  kernelName: tf.Conv2DBackpropInput,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, [dy, filter], attrs) => {
    const conv = convAttrs(attrs);
    const g = as4D(single(ddx));
    const filter4D = as4D(filter);
    return {
      dy: () => tf.conv2d(g, filter4D, conv.strides, conv.pad, 'NHWC', 1, conv.dimRoundingMode),
      filter: () => filterGradient(g, as4D(dy), filter4D.shape, conv),
    };
  },
};

/**
 * The filter gradient dW(x, dy) is bilinear and ⟨ddW, dW⟩ = ⟨dy, conv2d(x, ddW)⟩, so its own
 * gradient is conv2d(x, ddW) for dy and conv2dTranspose(dy, ddW) for x. Needed wherever a
 * weight gradient is differentiated again (consensus optimisation, penalties on weight gradients).
 */
const conv2DBackpropFilter: tf.GradConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddw, [x, dy], attrs) => {
    const conv = convAttrs(attrs);
    const filter = as4D(single(ddw));
    const x4D = as4D(x);
    const dy4D = as4D(dy);
    return {
      x: () => tf.conv2dTranspose(dy4D, filter, x4D.shape, conv.strides, conv.pad, conv.dimRoundingMode),
      dy: () => tf.conv2d(x4D, filter, conv.strides, conv.pad, 'NHWC', 1, conv.dimRoundingMode),
    };
  },
};

/** Gradients of matmul and 2-D convolution, each differentiable again. */
export function linalgGradients(): tf.GradConfig[] {
  return [batchMatMul, conv2D, conv2DBackpropInput, conv2DBackpropFilter];
}
