import * as tf from '@tensorflow/tfjs-core';
import { defineNativeKernel, float32Values, type NativeBackend } from './backend.ts';

/*
 * Why these exist: the cpu backend runs every binary op through one shared loop that calls the
 * op as a closure per element. That call site sees Add, Mul, Sub, … and goes megamorphic, so V8
 * cannot inline it: ~10 ns per element (3 ms for a 512×512 add, against 0.15–0.7 ms here), and
 * elementwise ops were ~80% of an MLP GAN step once the matmuls ran on BLAS. Here each op has
 * its own loops. Results are bit-identical to cpu's (same double-precision formula, stored to
 * float32).
 */

/** How the smaller operand repeats over the output; anything else runs the cpu kernel. */
type Layout =
  | { kind: 'same' }
  | { kind: 'scalarA' }
  | { kind: 'scalarB' }
  /** The operand is the output's trailing dims (e.g. a bias `[n]` on `[m, n]`); it repeats every `period`. */
  | { kind: 'rowA'; period: number }
  | { kind: 'rowB'; period: number };

function layoutOf(aShape: number[], bShape: number[], outShape: number[]): Layout | undefined {
  const outSize = tf.util.sizeFromShape(outShape);
  const aSize = tf.util.sizeFromShape(aShape);
  const bSize = tf.util.sizeFromShape(bShape);
  if (aSize === outSize && bSize === outSize) return sameDims(aShape, bShape) ? { kind: 'same' } : undefined;
  if (aSize === outSize) {
    if (bSize === 1) return { kind: 'scalarB' };
    return isTrailing(bShape, outShape) ? { kind: 'rowB', period: bSize } : undefined;
  }
  if (bSize === outSize) {
    if (aSize === 1) return { kind: 'scalarA' };
    return isTrailing(aShape, outShape) ? { kind: 'rowA', period: aSize } : undefined;
  }
  return undefined;
}

/** Equal once leading 1s are dropped (so `[1, n]` and `[n]` lay out alike). */
function sameDims(a: number[], b: number[]): boolean {
  const x = dropLeadingOnes(a);
  const y = dropLeadingOnes(b);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

function isTrailing(small: number[], out: number[]): boolean {
  const s = dropLeadingOnes(small);
  const offset = out.length - s.length;
  return offset >= 0 && s.every((d, i) => d === out[offset + i]);
}

function dropLeadingOnes(shape: number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

type BinaryLoop = (a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array, layout: Layout) => void;

function defineBinary(kernelName: string, outDtype: 'float32' | 'bool', loop: BinaryLoop): tf.KernelConfig {
  return defineNativeKernel<tf.BinaryInputs, Record<string, never>>(kernelName, ({ inputs, backend }) => {
    const { a, b } = inputs;
    if (a === undefined || b === undefined) return undefined;
    return binary(backend, a, b, outDtype, loop);
  });
}

function binary(
  backend: NativeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  outDtype: 'float32' | 'bool',
  loop: BinaryLoop,
): tf.TensorInfo | undefined {
  const aValues = float32Values(backend, a);
  const bValues = float32Values(backend, b);
  if (aValues === undefined || bValues === undefined) return undefined;
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const layout = layoutOf(a.shape, b.shape, outShape);
  if (layout === undefined) return undefined;
  const size = tf.util.sizeFromShape(outShape);
  const out = outDtype === 'bool' ? new Uint8Array(size) : backend.allocate(size);
  loop(aValues, bValues, out, layout);
  return backend.makeTensorInfo(outShape, outDtype, out);
}

// One function per op, one loop per layout: repetitive on purpose, so every loop stays monomorphic.

function addLoop(a: Float32Array, b: Float32Array, o: Float32Array | Uint8Array, l: Layout): void {
  const n = o.length;
  if (l.kind === 'same') for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
  else if (l.kind === 'scalarB') for (let i = 0, s = b[0]; i < n; i++) o[i] = a[i] + s;
  else if (l.kind === 'scalarA') for (let i = 0, s = a[0]; i < n; i++) o[i] = s + b[i];
  else if (l.kind === 'rowB') for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[r + j] + b[j];
  else for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[j] + b[r + j];
}

function subLoop(a: Float32Array, b: Float32Array, o: Float32Array | Uint8Array, l: Layout): void {
  const n = o.length;
  if (l.kind === 'same') for (let i = 0; i < n; i++) o[i] = a[i] - b[i];
  else if (l.kind === 'scalarB') for (let i = 0, s = b[0]; i < n; i++) o[i] = a[i] - s;
  else if (l.kind === 'scalarA') for (let i = 0, s = a[0]; i < n; i++) o[i] = s - b[i];
  else if (l.kind === 'rowB') for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[r + j] - b[j];
  else for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[j] - b[r + j];
}

function mulLoop(a: Float32Array, b: Float32Array, o: Float32Array | Uint8Array, l: Layout): void {
  const n = o.length;
  if (l.kind === 'same') for (let i = 0; i < n; i++) o[i] = a[i] * b[i];
  else if (l.kind === 'scalarB') for (let i = 0, s = b[0]; i < n; i++) o[i] = a[i] * s;
  else if (l.kind === 'scalarA') for (let i = 0, s = a[0]; i < n; i++) o[i] = s * b[i];
  else if (l.kind === 'rowB') for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[r + j] * b[j];
  else for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[j] * b[r + j];
}

function divLoop(a: Float32Array, b: Float32Array, o: Float32Array | Uint8Array, l: Layout): void {
  const n = o.length;
  if (l.kind === 'same') for (let i = 0; i < n; i++) o[i] = a[i] / b[i];
  else if (l.kind === 'scalarB') for (let i = 0, s = b[0]; i < n; i++) o[i] = a[i] / s;
  else if (l.kind === 'scalarA') for (let i = 0, s = a[0]; i < n; i++) o[i] = s / b[i];
  else if (l.kind === 'rowB') for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[r + j] / b[j];
  else for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = a[j] / b[r + j];
}

// `+(x > y)` rather than `x > y ? 1 : 0`: on activations the sign is a coin flip, and a branch
// mispredicted half the time cost 6 ns an element (measured); the conversion has no branch.
function greaterLoop(a: Float32Array, b: Float32Array, o: Float32Array | Uint8Array, l: Layout): void {
  const n = o.length;
  if (l.kind === 'same') for (let i = 0; i < n; i++) o[i] = +(a[i] > b[i]);
  else if (l.kind === 'scalarB') for (let i = 0, s = b[0]; i < n; i++) o[i] = +(a[i] > s);
  else if (l.kind === 'scalarA') for (let i = 0, s = a[0]; i < n; i++) o[i] = +(s > b[i]);
  else if (l.kind === 'rowB') for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = +(a[r + j] > b[j]);
  else for (let r = 0, p = l.period; r < n; r += p) for (let j = 0; j < p; j++) o[r + j] = +(a[j] > b[r + j]);
}

/** float32 `Add` for same shapes, scalars and trailing-dim broadcasts (bias adds). */
export const addConfig = defineBinary(tf.Add, 'float32', addLoop);
/** float32 `Sub`, same layouts as {@link addConfig}. */
export const subConfig = defineBinary(tf.Sub, 'float32', subLoop);
/** float32 `Multiply`, same layouts as {@link addConfig}. */
export const multiplyConfig = defineBinary(tf.Multiply, 'float32', mulLoop);
/** float32 `RealDiv`, same layouts as {@link addConfig}. */
export const realDivConfig = defineBinary(tf.RealDiv, 'float32', divLoop);
/** float32 `Greater` (the mask in leakyRelu's gradient), same layouts as {@link addConfig}. */
export const greaterConfig = defineBinary(tf.Greater, 'bool', greaterLoop);
