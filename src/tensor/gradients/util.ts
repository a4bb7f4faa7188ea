import * as tf from '@tensorflow/tfjs-core';

/** The upstream gradient of a single-output kernel. */
export function single(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(dy)) throw new Error('gradients: expected one upstream gradient for a single-output kernel');
  return dy;
}

/** The upstream gradients of a multi-output kernel (the engine fills unused outputs with zeros). */
export function several(dy: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(dy) ? dy : [dy];
}

/** `x` as float32: integer inputs would otherwise make integer derivative terms. */
export function float(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/**
 * Sums a broadcast gradient back down to the shape of the input it belongs to. Always a new
 * tensor: backprop disposes gradients it has accumulated, so dy itself must not be handed back.
 */
export function reduceTo(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes([...shape], grad.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, [...shape]);
}

/** A float32 zero gradient for an input of the given shape, whatever that input's dtype. */
export function zeroGradient(shape: readonly number[]): () => tf.Tensor {
  return () => tf.zeros([...shape]);
}

/** Reads a numeric attribute. */
export function numberAttr(attrs: tf.NamedAttrMap, name: string): number {
  const value = attrs[name];
  if (typeof value !== 'number') throw new Error(`gradients: attribute '${name}' should be a number`);
  return value;
}

/** Reads a boolean attribute; absent means false. */
export function booleanAttr(attrs: tf.NamedAttrMap, name: string): boolean {
  const value = attrs[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new Error(`gradients: attribute '${name}' should be a boolean`);
  return value;
}

/** Reads a number-or-list attribute as a list; absent (null) stays null, as tfjs uses it for "all axes". */
export function numbersAttr(attrs: tf.NamedAttrMap, name: string): number[] | null {
  const value = attrs[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) {
    const numbers = value.filter((v): v is number => typeof v === 'number');
    if (numbers.length === value.length) return numbers;
  }
  throw new Error(`gradients: attribute '${name}' should be a number or a list of numbers`);
}

/** Reads a `[h, w]` or scalar attribute (strides, filter sizes) as a pair. */
export function pairAttr(attrs: tf.NamedAttrMap, name: string): [number, number] {
  const list = numbersAttr(attrs, name);
  if (list === null || list.length === 0) throw new Error(`gradients: attribute '${name}' is missing`);
  return [list[0], list[list.length > 1 ? 1 : 0]];
}

/** Reads a list of `[before, after]` pairs (paddings). */
export function pairsAttr(attrs: tf.NamedAttrMap, name: string): [number, number][] {
  const value = attrs[name];
  if (Array.isArray(value)) {
    const pairs = value.map((p) => (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' ? pair(p[0], p[1]) : null));
    if (pairs.every((p): p is [number, number] => p !== null)) return pairs;
  }
  throw new Error(`gradients: attribute '${name}' should be a list of [before, after] pairs`);
}

function pair(before: number, after: number): [number, number] {
  return [before, after];
}

/** Reads a string attribute, or undefined when absent. */
export function stringAttr(attrs: tf.NamedAttrMap, name: string): string | undefined {
  const value = attrs[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`gradients: attribute '${name}' should be a string`);
  return value;
}

/** Padding as tfjs conv and pool ops take it: a mode, a number, or explicit NHWC `[before, after]` pairs. */
export type ConvPadding = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Reads a conv or pool kernel's `pad` attribute. */
export function paddingAttr(attrs: tf.NamedAttrMap): ConvPadding {
  const pad = attrs.pad;
  if (typeof pad === 'number') return pad;
  if (pad === 'valid') return 'valid';
  if (pad === 'same') return 'same';
  const pairs = pairsAttr(attrs, 'pad');
  const [n, h, w, c] = pairs;
  if (pairs.length === 4 && n && h && w && c) return [n, h, w, c];
  throw new Error(`gradients: unsupported padding ${JSON.stringify(pad)}`);
}

/** Reads the optional rounding mode of conv and pool kernels. */
export function roundingAttr(attrs: tf.NamedAttrMap): 'floor' | 'round' | 'ceil' | undefined {
  const mode = stringAttr(attrs, 'dimRoundingMode');
  if (mode === undefined || mode === 'floor' || mode === 'round' || mode === 'ceil') return mode;
  throw new Error(`gradients: unsupported dimRoundingMode '${mode}'`);
}

/** Throws unless a conv kernel works channels-last, the only layout handled here. */
export function assertChannelsLast(attrs: tf.NamedAttrMap): void {
  const format = stringAttr(attrs, 'dataFormat');
  if (format !== undefined && format !== 'NHWC' && format !== 'channelsLast') {
    throw new Error(`gradients: only NHWC convolutions are supported, got dataFormat '${format}'`);
  }
}

/** Narrows a tensor to rank 4 (a reshape that only changes its static type). */
export function as4D(t: tf.Tensor): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  if (t.rank !== 4 || n === undefined || h === undefined || w === undefined || c === undefined) {
    throw new Error(`gradients: expected a rank-4 tensor, got shape [${t.shape}]`);
  }
  return tf.reshape(t, [n, h, w, c]);
}

/** Reads a rank-4 shape attribute. */
export function shape4Attr(attrs: tf.NamedAttrMap, name: string): [number, number, number, number] {
  const list = numbersAttr(attrs, name);
  if (list === null || list.length !== 4) throw new Error(`gradients: attribute '${name}' should be a rank-4 shape`);
  return [list[0], list[1], list[2], list[3]];
}
