import * as tf from '@tensorflow/tfjs-core';
import { assertChannelsLast, pairAttr, paddingAttr, roundingAttr, shape4Attr } from './gradients/util.ts';

/*
 * The tfjs wasm backend has no Conv2DBackpropFilter kernel (so no conv network trains on it), and
 * its Conv2DBackpropInput (which is also the forward pass of conv2dTranspose) is a scalar loop.
 * Both are rewritten here as one call of the wasm Conv2D kernel (XNNPACK), with cheap reshapes,
 * transposes and pads around it:
 *
 * - filter gradient: dW[t, c, d] = Σₙᵢ x[n, i·s + t − p, c] · dy[n, i, d] is a convolution over x
 *   with batch and channels swapped ([C, H, W, N]), dy as the filter ([OH, OW, N, D]) and
 *   dilation = stride;
 * - input gradient / transposed convolution: output row o = q·s + r − p only meets filter taps
 *   t ≡ r (mod s), so each of the s² phases r is a stride-1 convolution of dy with every s-th tap
 *   of the flipped filter. All phases run as one conv2d with s²·C output channels, whose result
 *   is interleaved back (depth-to-space) and cropped. Unlike convolving a zero-dilated dy, no
 *   multiply is spent on inserted zeros.
 *
 * And one correctness fix: tfjs-backend-wasm 4.22's MaxPoolGrad sends the gradient of a window
 * whose maximum is ≤ 0 to the window's first element (as if it searched from 0, not −∞). The max
 * of a window does not move when every input is shifted by the same constant, so the input is
 * shifted to be positive first.
 */

const WASM = 'wasm';

/**
 * Registers fast, complete conv training kernels for the `wasm` backend: `Conv2DBackpropFilter`
 * (missing in tfjs-backend-wasm 4.22) and `Conv2DBackpropInput` (slow there), and corrects its
 * `MaxPoolGrad`. Idempotent. Import `@tensorflow/tfjs-backend-wasm` first, since these kernels
 * are built from its own.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * installWasmTrainingKernels();
 * await tf.setBackend('wasm');
 */
export function installWasmTrainingKernels(): void {
  if (tf.getKernel(tf.Conv2D, WASM) === undefined) {
    throw new Error('installWasmTrainingKernels: import @tensorflow/tfjs-backend-wasm before installing its training kernels');
  }
  replaceKernel(tf.Conv2DBackpropInput, conv2DBackpropInput);
  replaceKernel(tf.Conv2DBackpropFilter, conv2DBackpropFilter);
  const maxPoolGrad = tf.getKernel(tf.MaxPoolGrad, WASM);
  if (maxPoolGrad !== undefined && maxPoolGrad.kernelFunc !== maxPoolGradOfPositive) {
    stockMaxPoolGrad = maxPoolGrad.kernelFunc;
    // The stock kernel still does the work, so its set-up (binding the wasm function) must still run.
    replaceKernel(tf.MaxPoolGrad, maxPoolGradOfPositive, maxPoolGrad.setupFunc);
  }
}

function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc, setupFunc?: tf.KernelConfig['setupFunc']): void {
  const existing = tf.getKernel(kernelName, WASM);
  if (existing?.kernelFunc === kernelFunc) return;
  if (existing !== undefined) tf.unregisterKernel(kernelName, WASM);
  tf.registerKernel({ kernelName, backendName: WASM, kernelFunc, setupFunc });
}

type Shape4 = [number, number, number, number];

/** Runs wasm kernels from inside a kernel and frees every intermediate it made, but the result. */
class KernelScope {
  private readonly made: tf.TensorInfo[] = [];

  constructor(private readonly backend: tf.KernelBackend) {}

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = tf.getKernel(kernelName, WASM).kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm-kernels: ${kernelName} returned several tensors`);
    this.made.push(out);
    return out;
  }

  /** The first value of a tensor, read synchronously (wasm memory is local). */
  read(x: tf.TensorInfo): number {
    const values = this.backend.readSync(x.dataId);
    const first = values[0];
    if (typeof first !== 'number') throw new Error('wasm-kernels: expected a numeric tensor');
    return first;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run(tf.Transpose, { x }, { perm });
  }

  /** Slices, then pads with zeros; either step is skipped when it would change nothing. */
  sliceAndPad(x: tf.TensorInfo, begin: number[], size: number[], paddings: [number, number][]): tf.TensorInfo {
    const sliced = size.every((s, i) => begin[i] === 0 && s === x.shape[i]) ? x : this.run(tf.Slice, { x }, { begin, size });
    return paddings.every(([a, b]) => a === 0 && b === 0) ? sliced : this.run(tf.PadV2, { x: sliced }, { paddings, constantValue: 0 });
  }

  /** Frees everything made here except `result` (which may come from elsewhere), for the engine to own. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

function scopeFor(backend: {}): KernelScope {
  if (!(backend instanceof tf.KernelBackend)) throw new Error('wasm-kernels: kernel called without a backend');
  return new KernelScope(backend);
}

function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo & { shape: Shape4 } {
  const t = inputs[name];
  if (t === undefined) throw new Error(`wasm-kernels: missing input '${name}'`);
  const [a, b, c, d] = t.shape;
  if (t.shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`wasm-kernels: input '${name}' should be rank 4, got [${t.shape}]`);
  }
  return { ...t, shape: [a, b, c, d] };
}

function convInfo(xShape: Shape4, filterShape: Shape4, attrs: tf.NamedAttrMap): tf.backend_util.Conv2DInfo {
  assertChannelsLast(attrs);
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, pairAttr(attrs, 'strides'), 1, paddingAttr(attrs), roundingAttr(attrs), false, 'channelsLast');
}

const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const scope = scopeFor(backend);
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const info = convInfo(x.shape, shape4Attr(attrs, 'filterShape'), attrs);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  // Rows past the last window's reach take no part; where there are some, crop them off, since
  // padding cannot be negative.
  const bottom = kh + (outHeight - 1) * sh - x.shape[1] - top;
  const right = kw + (outWidth - 1) * sw - x.shape[2] - left;
  const used = scope.sliceAndPad(x, [0, 0, 0, 0], [x.shape[0], x.shape[1] + Math.min(bottom, 0), x.shape[2] + Math.min(right, 0), x.shape[3]], []);
  const channelsAsBatch = scope.transpose(used, [3, 1, 2, 0]);
  const dyAsFilter = scope.transpose(dy, [1, 2, 0, 3]);
  const padding = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]];
  const dw = scope.run(tf.Conv2D, { x: channelsAsBatch, filter: dyAsFilter }, { strides: [1, 1], pad: padding, dilations: [sh, sw], dataFormat: 'NHWC' });
  return scope.finish(scope.transpose(dw, [1, 2, 0, 3]));
};

/** How one spatial axis of a transposed convolution splits into stride phases. */
interface PhasePlan {
  /** Filter taps per phase: ⌈k / s⌉. */
  taps: number;
  /** The span of dy read, and the zeros around it. */
  begin: number;
  size: number;
  padding: [number, number];
  /** Where the output starts in the interleaved phases. */
  crop: number;
}

/**
 * Output index o (with padding p) is o + p = q·s + r; phase r needs dy[q − m]·w[r + m·s] for
 * m < taps. The q that reach the output run from ⌊p/s⌋ to ⌊(L − 1 + p)/s⌋.
 */
function phasePlan(outLength: number, dyLength: number, kernel: number, stride: number, pad: number): PhasePlan {
  const taps = Math.ceil(kernel / stride);
  const qFirst = Math.floor(pad / stride);
  const qLast = Math.floor((outLength - 1 + pad) / stride);
  const first = qFirst - (taps - 1);
  const begin = Math.max(0, first);
  const end = Math.min(dyLength - 1, qLast);
  if (end < begin) throw new Error('wasm-kernels: transposed convolution whose output sees none of its input');
  return { taps, begin, size: end - begin + 1, padding: [begin - first, qLast - end], crop: pad - qFirst * stride };
}

const conv2DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const scope = scopeFor(backend);
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const outShape = shape4Attr(attrs, 'inputShape');
  const info = convInfo(outShape, filter.shape, attrs);
  const { strideHeight: sh, strideWidth: sw } = info;
  const [kh, kw, c, d] = filter.shape;
  const [n, h, w] = outShape;
  const rows = phasePlan(h, dy.shape[1], kh, sh, info.padInfo.top);
  const cols = phasePlan(w, dy.shape[2], kw, sw, info.padInfo.left);

  const dyWindow = scope.sliceAndPad(dy, [0, rows.begin, cols.begin, 0], [n, rows.size, cols.size, d], [[0, 0], rows.padding, cols.padding, [0, 0]]);

  // Phase filter [rows.taps, cols.taps, D, sh·sw·C]: tap a of phase (rh, rw) is
  // w[rh + (taps − 1 − a)·sh, rw + …], zero past the end of the filter.
  const padded = scope.sliceAndPad(filter, [0, 0, 0, 0], filter.shape, [[0, rows.taps * sh - kh], [0, cols.taps * sw - kw], [0, 0], [0, 0]]);
  const split = scope.reshape(padded, [rows.taps, sh, cols.taps, sw, c, d]);
  const flipped = scope.run(tf.Reverse, { x: split }, { dims: [0, 2] });
  const phaseFilter = scope.reshape(scope.transpose(flipped, [0, 2, 5, 1, 3, 4]), [rows.taps, cols.taps, d, sh * sw * c]);

  const phases = scope.run(tf.Conv2D, { x: dyWindow, filter: phaseFilter }, { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' });
  const [, qh, qw] = phases.shape;
  const interleaved =
    sh * sw === 1 ? phases : scope.reshape(scope.transpose(scope.reshape(phases, [n, qh, qw, sh, sw, c]), [0, 1, 3, 2, 4, 5]), [n, qh * sh, qw * sw, c]);
  return scope.finish(scope.sliceAndPad(interleaved, [0, rows.crop, cols.crop, 0], [n, h, w, c], []));
};

let stockMaxPoolGrad: tf.KernelFunc | undefined;

const maxPoolGradOfPositive: tf.KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const scope = scopeFor(backend);
  const x = input(inputs, 'input');
  if (stockMaxPoolGrad === undefined) throw new Error('wasm-kernels: MaxPoolGrad called before installation');
  const lowest = scope.run(tf.Min, { x }, { axis: x.shape.map((_, i) => i), keepDims: false });
  const min = scope.read(lowest);
  // Shifting costs precision only for near-ties of large negative values; skip it when not needed.
  const positive = min > 0 ? x : scope.run(tf.Add, { a: x, b: scope.run(tf.Fill, {}, { shape: [], value: 1 - min, dtype: 'float32' }) });
  const dx = stockMaxPoolGrad({ inputs: { ...inputs, input: positive }, backend, attrs });
  if (Array.isArray(dx)) throw new Error('wasm-kernels: MaxPoolGrad returned several tensors');
  return scope.finish(dx);
};
