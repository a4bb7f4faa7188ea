import * as tf from '@tensorflow/tfjs-core';
import { float, reduceTo, single, zeroGradient } from './util.ts';

/** ∂f/∂a and ∂f/∂b of a broadcasting binary op, at full (broadcast) shape, before multiplying by dy. */
interface Partials {
  a: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  b: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const PARTIALS: Record<string, Partials> = {
  [tf.Multiply]: { a: (_a, b) => b, b: (a) => a },
  [tf.RealDiv]: { a: (_a, b) => tf.reciprocal(b), b: (a, b) => tf.neg(tf.div(a, tf.square(b))) },
  [tf.Maximum]: { a: (a, b) => tf.cast(tf.greaterEqual(a, b), 'float32'), b: (a, b) => tf.cast(tf.less(a, b), 'float32') },
  [tf.Minimum]: { a: (a, b) => tf.cast(tf.lessEqual(a, b), 'float32'), b: (a, b) => tf.cast(tf.greater(a, b), 'float32') },
  [tf.SquaredDifference]: { a: (a, b) => tf.mul(2, tf.sub(a, b)), b: (a, b) => tf.mul(-2, tf.sub(a, b)) },
  [tf.Mod]: { a: () => tf.scalar(1), b: (a, b) => tf.neg(tf.floor(tf.div(a, b))) },
  [tf.Atan2]: {
    a: (a, b) => tf.div(b, tf.add(tf.square(a), tf.square(b))),
    b: (a, b) => tf.neg(tf.div(a, tf.add(tf.square(a), tf.square(b)))),
  },
  [tf.Pow]: {
    // d(aᵇ)/db = aᵇ·log a, recomputed rather than read from the saved output (which would cut
    // the dependence on a and b out of a second derivative). log of 1 where a ≤ 0, so the
    // masked-out branch stays finite in the backward pass too.
    a: (a, b) => tf.mul(b, tf.pow(a, tf.sub(b, 1))),
    b: (a, b) => {
      const positive = tf.greater(a, 0);
      const safeLog = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
      return tf.mul(tf.pow(a, b), safeLog);
    },
  },
};

/** Gradients of broadcasting binary ops, AddN, Select (where) and Prelu. */
export function binaryGradients(): tf.GradConfig[] {
  const binary = Object.entries(PARTIALS).map(
    ([kernelName, partial]): tf.GradConfig => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => {
        const g = single(dy);
        return {
          a: () => reduceTo(tf.mul(g, partial.a(float(a), float(b))), a.shape),
          b: () => reduceTo(tf.mul(g, partial.b(float(a), float(b))), b.shape),
        };
      },
    }),
  );
  return [...binary, add, sub, addN, select, prelu];
}

const add: tf.GradConfig = {
  kernelName: tf.Add,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(single(dy), a.shape), b: () => reduceTo(single(dy), b.shape) }),
};

const sub: tf.GradConfig = {
  kernelName: tf.Sub,
  inputsToSave: ['a', 'b'],
  // Reduce before negating: for a broadcast b (a bias, a mean) the negation then touches only b's elements.
  gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(single(dy), a.shape), b: () => tf.neg(reduceTo(single(dy), b.shape)) }),
};

const addN: tf.GradConfig = {
  kernelName: tf.AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(single(dy))])),
};

const select: tf.GradConfig = {
  kernelName: tf.Select,
  inputsToSave: ['condition'],
  gradFunc: (dy, [condition]) => {
    const g = single(dy);
    const mask = tf.cast(condition, 'float32');
    return {
      condition: zeroGradient(condition.shape),
      t: () => tf.mul(g, mask),
      e: () => tf.mul(g, tf.sub(1, mask)),
    };
  },
};

const prelu: tf.GradConfig = {
  kernelName: tf.Prelu,
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, [x, alpha]) => {
    const g = single(dy);
    const positive = tf.step(x);
    return {
      x: () => tf.mul(g, tf.add(positive, tf.mul(alpha, tf.sub(1, positive)))),
      alpha: () => reduceTo(tf.mul(g, tf.mul(x, tf.sub(1, positive))), alpha.shape),
    };
  },
};
