import * as tf from '@tensorflow/tfjs-core';
import { numberAttr, numbersAttr, pairsAttr, several, single } from './util.ts';

function requiredNumbers(attrs: tf.NamedAttrMap, name: string): number[] {
  const list = numbersAttr(attrs, name);
  if (list === null) throw new Error(`gradients: attribute '${name}' is missing`);
  return list;
}

/** An axis attribute made non-negative for a tensor of the given rank. */
function axisOf(attrs: tf.NamedAttrMap, name: string, rank: number): number {
  const axis = numberAttr(attrs, name);
  return axis < 0 ? axis + rank : axis;
}

/** Kernels that only move data around: their gradient moves dy back. */
const MOVES: tf.GradConfig[] = [
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => tf.clone(single(dy)) }) },
  // A cast passes the gradient through, as tfjs does (and backprop requires float32 gradients).
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => tf.clone(single(dy)) }) },
  { kernelName: tf.Reshape, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(single(dy), x.shape) }) },
  { kernelName: tf.ExpandDims, inputsToSave: ['input'], gradFunc: (dy, [input]) => ({ input: () => tf.reshape(single(dy), input.shape) }) },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => {
      const perm = requiredNumbers(attrs, 'perm');
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(single(dy), inverse) };
    },
  },
  {
    kernelName: tf.Reverse,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.reverse(single(dy), requiredNumbers(attrs, 'dims')) }),
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const g = single(dy);
        const [begin] = tf.slice_util.parseSliceParams(x, requiredNumbers(attrs, 'begin'), requiredNumbers(attrs, 'size'));
        return tf.pad(g, begin.map((b, i): [number, number] => [b, x.shape[i] - b - g.shape[i]]));
      },
    }),
  },
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => tf.slice(single(dy), pairsAttr(attrs, 'paddings').map(([before]) => before), x.shape),
    }),
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(numberAttr(attrs, 'axis'), saved[0].shape)[0];
      const parts = tf.split(single(dy), saved.map((t) => t.shape[axis]), axis);
      return Object.fromEntries(parts.map((part, i) => [String(i), () => part]));
    },
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const parts = tf.unstack(single(dy), axisOf(attrs, 'axis', saved[0].rank + 1));
      return Object.fromEntries(parts.map((part, i) => [String(i), () => part]));
    },
  },
  {
    kernelName: tf.Unpack,
    gradFunc: (dy, _saved, attrs) => {
      const parts = several(dy);
      return { value: () => tf.stack(parts, axisOf(attrs, 'axis', parts[0].rank + 1)) };
    },
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => {
      const parts = several(dy);
      return { x: () => tf.concat(parts, axisOf(attrs, 'axis', parts[0].rank)) };
    },
  },
  {
    // Tiling repeats the whole tensor, so dy reshaped to [r0, s0, r1, s1, …] sums over the r axes.
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const reps = requiredNumbers(attrs, 'reps');
        const split = x.shape.flatMap((size, i) => [reps[i], size]);
        return tf.sum(tf.reshape(single(dy), split), reps.map((_, i) => 2 * i));
      },
    }),
  },
  {
    kernelName: tf.BroadcastTo,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => {
        const g = single(dy);
        const inputShape = requiredNumbers(attrs, 'inputShape');
        const axes = g.shape.map((d, i) => (inputShape[i] === 1 && d !== 1 ? i : -1)).filter((i) => i >= 0);
        return tf.reshape(axes.length > 0 ? tf.sum(g, axes, true) : g, inputShape);
      },
    }),
  },
  {
    // Gathering along an axis; the gradient scatters dy back, summing over repeated indices.
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => {
      if (numberAttr(attrs, 'batchDims') !== 0) throw new Error('gradients: GatherV2 with batchDims is not supported');
      return {
        x: () => {
          const axis = tf.util.parseAxisParam(numberAttr(attrs, 'axis'), x.shape)[0];
          const g = single(dy);
          const outer = x.shape.slice(0, axis);
          const inner = x.shape.slice(axis + 1);
          // dy is [outer…, indices…, inner…]; bring the index axes to the front and flatten them.
          const indexAxes = indices.shape.map((_, i) => outer.length + i);
          const rest = g.shape.map((_, i) => i).filter((i) => !indexAxes.includes(i));
          const flat = tf.reshape(tf.transpose(g, [...indexAxes, ...rest]), [indices.size, -1]);
          // A one-hot product sums rows that share an index; unlike a segment sum it exists on every
          // backend (wasm has no UnsortedSegmentSum).
          const selector = tf.cast(tf.oneHot(tf.reshape(tf.cast(indices, 'int32'), [indices.size]), x.shape[axis]), 'float32');
          const summed = tf.reshape(tf.matMul(tf.transpose(selector), flat), [x.shape[axis], ...outer, ...inner]);
          // summed is [axis, outer…, inner…]; put the axis back in its place.
          const back = [...outer.map((_, i) => i + 1), 0, ...inner.map((_, i) => outer.length + 1 + i)];
          return tf.transpose(summed, back);
        },
        indices: () => tf.zeros(indices.shape),
      };
    },
  },
];

/** Gradients of kernels that reshape, slice, join, tile, pad or gather. */
export function shapeGradients(): tf.GradConfig[] {
  return MOVES;
}
