import * as tf from '@tensorflow/tfjs-core';
import { defineNativeKernel, float32Values } from './backend.ts';

/*
 * Activations and the masks their gradients are built from (Step for relu; Greater + Select for
 * leakyRelu), without data-dependent branches. On activations the sign of each element is a coin
 * flip, so `x < 0 ? a : b` mispredicts half the time: 1.3–1.6 ms for 512×512 elements, against
 * 0.2–0.4 ms for the bit-select forms below (measured in Node 20 on this machine's kind). Each
 * form returns exactly what the cpu kernel returns, signed zeros and NaN included.
 */

/** The raw bits of a float32 array, for selecting between values without branching. */
function bitsOf(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** An all-ones int32 mask where `condition` is true, zero elsewhere. */
function maskOf(condition: boolean): number {
  return -+condition;
}

function defineUnary(kernelName: string, loop: (x: Float32Array, out: Float32Array, attrs: tf.NamedAttrMap) => void): tf.KernelConfig {
  return defineNativeKernel<tf.UnaryInputs, tf.NamedAttrMap>(kernelName, ({ inputs, attrs, backend }) => {
    const { x } = inputs;
    if (x === undefined) return undefined;
    const values = float32Values(backend, x);
    if (values === undefined) return undefined;
    const out = backend.allocate(values.length);
    loop(values, out, attrs);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  });
}

/** float32 `Relu`, as cpu's `Math.max(0, x)`: negatives and -0 give +0, NaN stays NaN. */
export const reluConfig = defineUnary(tf.Relu, (x, out) => {
  const xBits = bitsOf(x);
  const outBits = bitsOf(out);
  // !(x <= 0) holds for positives and NaN: keep those bits, zero the rest.
  for (let i = 0; i < x.length; i++) outBits[i] = xBits[i] & maskOf(!(x[i] <= 0));
});

/** float32 `LeakyRelu`, as cpu's `x < 0 ? alpha·x : x`. */
export const leakyReluConfig = defineUnary(tf.LeakyRelu, (x, out, attrs) => {
  const alpha = typeof attrs.alpha === 'number' ? attrs.alpha : 0.2;
  const xBits = bitsOf(x);
  const outBits = bitsOf(out);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = alpha * v;
    const m = maskOf(v < 0);
    outBits[i] = (outBits[i] & m) | (xBits[i] & ~m);
  }
});

/** float32 `Step` (relu's gradient mask), as cpu's: NaN stays NaN, 1 above zero, `alpha` otherwise. */
export const stepConfig = defineUnary(tf.Step, (x, out, attrs) => {
  const alpha = typeof attrs.alpha === 'number' ? attrs.alpha : 0;
  const oneBits = bitsOf(new Float32Array([1]))[0];
  const alphaBits = bitsOf(new Float32Array([alpha]))[0];
  const outBits = bitsOf(out);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const m = maskOf(v > 0);
    // NaN is rare, so this branch predicts well.
    if (v !== v) out[i] = NaN;
    else outBits[i] = (oneBits & m) | (alphaBits & ~m);
  }
});

/** float32 `Sqrt` (Adam's denominator): the cpu kernel's closure call per element made it 6× slower. */
export const sqrtConfig = defineUnary(tf.Sqrt, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
});

/**
 * `Select` (`tf.where`) with a condition of the same size as two float32 branches, as in
 * leakyRelu's gradient; other forms (a rank-1 condition picking rows) run the cpu kernel.
 */
export const selectConfig = defineNativeKernel<tf.SelectInputs, tf.NamedAttrMap>(tf.Select, ({ inputs, backend }) => {
  const { condition, t, e } = inputs;
  if (condition === undefined || t === undefined || e === undefined) return undefined;
  const tValues = float32Values(backend, t);
  const eValues = float32Values(backend, e);
  const cValues = backend.data.get(condition.dataId).values;
  if (tValues === undefined || eValues === undefined || !(cValues instanceof Uint8Array)) return undefined;
  const n = tValues.length;
  if (cValues.length !== n || eValues.length !== n) return undefined;
  const out = backend.allocate(n);
  const tBits = bitsOf(tValues);
  const eBits = bitsOf(eValues);
  const outBits = bitsOf(out);
  for (let i = 0; i < n; i++) {
    const m = maskOf(cValues[i] === 1);
    outBits[i] = (tBits[i] & m) | (eBits[i] & ~m);
  }
  return backend.makeTensorInfo(t.shape, 'float32', out);
});
