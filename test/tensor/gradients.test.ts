import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKENDS, selectTestBackend } from '../helpers/backend.ts';
import { seeded } from './reference.ts';

/** One input of an op under test: its shape and the open interval its values are drawn from. */
interface Input {
  shape: number[];
  range?: [number, number];
}

interface OpCase {
  name: string;
  inputs: Input[];
  op: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Also check the gradient of the gradient (off where it is identically zero and so disconnected). */
  secondOrder?: boolean;
}

const unary = (name: string, op: (x: tf.Tensor) => tf.Tensor, range: [number, number] = [-2, 2], secondOrder = true): OpCase => ({
  name,
  inputs: [{ shape: [2, 3], range }],
  op,
  secondOrder,
});

const binary = (name: string, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, range: [number, number] = [-2, 2], secondOrder = true): OpCase[] =>
  [
    [[2, 3], [2, 3]],
    [[2, 3], [3]],
    [[2, 1], [1, 3]],
  ].map(([a, b]) => ({ name: `${name} [${a}]∘[${b}]`, inputs: [{ shape: a, range }, { shape: b, range }], op, secondOrder }));

const CASES: OpCase[] = [
  unary('abs', tf.abs, [0.1, 2], false),
  unary('acos', tf.acos, [-0.8, 0.8]),
  unary('acosh', tf.acosh, [1.2, 3]),
  unary('asin', tf.asin, [-0.8, 0.8]),
  unary('asinh', tf.asinh),
  unary('atan', tf.atan),
  unary('atanh', tf.atanh, [-0.8, 0.8]),
  unary('cos', tf.cos),
  unary('cosh', tf.cosh),
  unary('elu', tf.elu),
  unary('erf', tf.erf),
  unary('exp', tf.exp),
  unary('expm1', tf.expm1),
  unary('leakyRelu', (x) => tf.leakyRelu(x, 0.2), [-2, 2], false),
  unary('log', tf.log, [0.2, 3]),
  unary('log1p', tf.log1p, [-0.5, 3]),
  unary('neg', tf.neg, [-2, 2], false),
  unary('reciprocal', tf.reciprocal, [0.3, 3]),
  unary('relu', tf.relu, [-2, 2], false),
  unary('relu6', tf.relu6, [-2, 8], false),
  unary('rsqrt', tf.rsqrt, [0.3, 3]),
  unary('selu', tf.selu),
  unary('sigmoid', tf.sigmoid),
  unary('sin', tf.sin),
  unary('sinh', tf.sinh),
  unary('softplus', tf.softplus),
  unary('sqrt', tf.sqrt, [0.3, 3]),
  unary('square', tf.square),
  unary('tan', tf.tan, [-1, 1]),
  unary('tanh', tf.tanh),
  unary('clipByValue', (x) => tf.clipByValue(x, -1, 1), [-2, 2], false),
  unary('logSigmoid', tf.logSigmoid),
  ...binary('add', tf.add, [-2, 2], false),
  ...binary('sub', tf.sub, [-2, 2], false),
  ...binary('mul', tf.mul),
  ...binary('div', tf.div, [0.5, 2]),
  ...binary('maximum', tf.maximum, [-2, 2], false),
  ...binary('minimum', tf.minimum, [-2, 2], false),
  ...binary('squaredDifference', tf.squaredDifference),
  ...binary('pow', tf.pow, [0.5, 2]),
  ...binary('atan2', tf.atan2, [0.5, 2]),
  { name: 'prelu', inputs: [{ shape: [2, 3] }, { shape: [3] }], op: (x, a) => tf.prelu(x, a) },
  { name: 'addN', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }], op: (a, b, c) => tf.mul(tf.addN([a, b, c]), a), secondOrder: true },
  { name: 'where', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], op: (a, b) => tf.where(tf.greater(a, b), tf.square(a), tf.mul(a, b)), secondOrder: true },
  { name: 'sum all', inputs: [{ shape: [2, 3] }], op: (x) => tf.square(tf.sum(x)), secondOrder: true },
  { name: 'sum axis 1 keepDims', inputs: [{ shape: [2, 3] }], op: (x) => tf.square(tf.sum(x, 1, true)), secondOrder: true },
  { name: 'mean axis −1', inputs: [{ shape: [2, 3, 2] }], op: (x) => tf.square(tf.mean(x, -1)), secondOrder: true },
  { name: 'mean axes [0, 2]', inputs: [{ shape: [2, 3, 2] }], op: (x) => tf.square(tf.mean(x, [0, 2])), secondOrder: true },
  { name: 'max axis 0', inputs: [{ shape: [3, 2] }], op: (x) => tf.max(x, 0) },
  { name: 'min all', inputs: [{ shape: [3, 2] }], op: (x) => tf.min(x) },
  { name: 'cumsum', inputs: [{ shape: [2, 4] }], op: (x) => tf.cumsum(x, 1) },
  { name: 'cumsum exclusive reverse', inputs: [{ shape: [2, 4] }], op: (x) => tf.cumsum(x, 1, true, true) },
  { name: 'reshape', inputs: [{ shape: [2, 3] }], op: (x) => tf.square(tf.reshape(x, [3, 2])), secondOrder: true },
  { name: 'expandDims', inputs: [{ shape: [2, 3] }], op: (x) => tf.expandDims(x, 1) },
  { name: 'transpose', inputs: [{ shape: [2, 3, 4] }], op: (x) => tf.transpose(x, [2, 0, 1]) },
  { name: 'reverse', inputs: [{ shape: [2, 3] }], op: (x) => tf.reverse(x, [1]) },
  { name: 'slice', inputs: [{ shape: [3, 4] }], op: (x) => tf.slice(x, [1, 1], [2, -1]) },
  { name: 'pad', inputs: [{ shape: [2, 3] }], op: (x) => tf.pad(x, [[1, 0], [2, 1]], 0.5) },
  { name: 'concat axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], op: (a, b) => tf.concat([a, b], 1) },
  { name: 'concat axis −1 of three', inputs: [{ shape: [2, 1] }, { shape: [2, 2] }, { shape: [2, 1] }], op: (a, b, c) => tf.concat([a, b, c], -1) },
  { name: 'stack axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], op: (a, b) => tf.stack([a, b], 1) },
  { name: 'unstack', inputs: [{ shape: [3, 2] }], op: (x) => tf.mul(tf.unstack(x)[0], tf.unstack(x)[2]), secondOrder: true },
  { name: 'split', inputs: [{ shape: [2, 5] }], op: (x) => tf.mul(tf.split(x, [2, 3], 1)[0], 2) },
  { name: 'tile', inputs: [{ shape: [2, 3] }], op: (x) => tf.tile(x, [2, 3]) },
  { name: 'broadcastTo', inputs: [{ shape: [1, 3] }], op: (x) => tf.broadcastTo(x, [4, 3]) },
  { name: 'gather axis 0', inputs: [{ shape: [4, 2] }], op: (x) => tf.gather(x, tf.tensor1d([3, 0, 3], 'int32')) },
  { name: 'gather axis 1, 2-D indices', inputs: [{ shape: [2, 4, 2] }], op: (x) => tf.gather(x, tf.tensor2d([[1, 3], [3, 0]], [2, 2], 'int32'), 1) },
  { name: 'matMul', inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], op: (a, b) => tf.square(tf.matMul(a, b)), secondOrder: true },
  { name: 'matMul aᵀ', inputs: [{ shape: [3, 2] }, { shape: [3, 4] }], op: (a, b) => tf.matMul(a, b, true, false) },
  { name: 'matMul bᵀ', inputs: [{ shape: [2, 3] }, { shape: [4, 3] }], op: (a, b) => tf.matMul(a, b, false, true) },
  { name: 'matMul aᵀbᵀ', inputs: [{ shape: [3, 2] }, { shape: [4, 3] }], op: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'batched matMul', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 3, 2] }], op: (a, b) => tf.matMul(a, b) },
  { name: 'softmax', inputs: [{ shape: [2, 4] }], op: (x) => tf.softmax(x), secondOrder: true },
  {
    name: 'batchNorm',
    inputs: [{ shape: [2, 2, 2, 3] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }, { shape: [3] }, { shape: [3] }],
    op: (x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
    secondOrder: true,
  },
  { name: 'avgPool', inputs: [{ shape: [1, 4, 4, 2] }], op: (x) => tf.avgPool(tf.reshape<tf.Rank.R4>(x, [1, 4, 4, 2]), 2, 2, 'valid') },
  { name: 'maxPool', inputs: [{ shape: [1, 4, 4, 2] }], op: (x) => tf.maxPool(tf.reshape<tf.Rank.R4>(x, [1, 4, 4, 2]), 2, 2, 'same') },
  { name: 'resizeNearestNeighbor', inputs: [{ shape: [1, 2, 2, 1] }], op: (x) => tf.image.resizeNearestNeighbor(tf.reshape<tf.Rank.R4>(x, [1, 2, 2, 1]), [4, 4]) },
  { name: 'resizeBilinear', inputs: [{ shape: [1, 2, 2, 1] }], op: (x) => tf.image.resizeBilinear(tf.reshape<tf.Rank.R4>(x, [1, 2, 2, 1]), [3, 3]) },
];

/** Inputs drawn away from kinks: each value is offset from its neighbours so max/min have no ties. */
function draw(inputs: Input[], seed: number): tf.Tensor[] {
  return inputs.map(({ shape, range = [-2, 2] }, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = range;
    const values = seeded(size, seed + i).map((u, k) => lo + ((u + 1) / 2) * (hi - lo) * 0.9 + (hi - lo) * 0.05 + k * 1e-3);
    return tf.tensor(values.map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)), shape);
  });
}

/** The gradient of a scalar function of several tensors; inputs it does not reach get zeros. */
function gradientsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const { grads } = tf.engine().gradients(() => f(...xs), xs, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
}

/** ⟨op(x), w⟩ for fixed weights w: a scalar whose gradient is op's vector-Jacobian product. */
function weighted(op: OpCase['op'], xs: tf.Tensor[]): (...args: tf.Tensor[]) => tf.Tensor {
  const w = tf.tensor(seeded(op(...xs).size, 99), op(...xs).shape);
  return (...args) => tf.sum(tf.mul(op(...args), w));
}

/** Central differences of a scalar tfjs function, in float32 (hence the coarse step). */
function numericGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], h = 1e-2): number[][] {
  return xs.map((x, i) => {
    const base = Array.from(x.dataSync());
    return base.map((_, k) => {
      const at = (delta: number) => {
        const shifted = [...base];
        shifted[k] += delta;
        const args = xs.map((other, j) => (j === i ? tf.tensor(shifted, x.shape) : other));
        return f(...args).dataSync()[0];
      };
      return (at(h) - at(-h)) / (2 * h);
    });
  });
}

function expectClose(analytic: tf.Tensor[], numeric: number[][]): void {
  analytic.forEach((g, i) => {
    const got = Array.from(g.dataSync());
    const scale = Math.max(1, ...numeric[i].map(Math.abs));
    got.forEach((v, k) => expect(Math.abs(v - numeric[i][k]) / scale).toBeLessThanOrEqual(2e-3));
  });
}

describe.each(TEST_BACKENDS)('gradients on %s', (backend) => {
  beforeAll(async () => {
    await selectTestBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s matches finite differences', (_name, c) => {
    tf.tidy(() => {
      const xs = draw(c.inputs, 10);
      const loss = weighted(c.op, xs);
      expectClose(gradientsOf(loss, xs), numericGradients(loss, xs));
    });
  });

  it.each(CASES.filter((c) => c.secondOrder).map((c) => [c.name, c] as const))('%s: its gradient differentiates correctly', (_name, c) => {
    tf.tidy(() => {
      const xs = draw(c.inputs, 20);
      const loss = weighted(c.op, xs);
      const directions = xs.map((x, i) => tf.tensor(seeded(x.size, 30 + i), x.shape));
      // s(x) = Σᵢ ⟨∇ᵢ loss(x), vᵢ⟩, a directional derivative; its gradient is a Hessian-vector product.
      const directional = (...args: tf.Tensor[]) => tf.addN(gradientsOf(loss, args).map((g, i) => tf.sum(tf.mul(g, directions[i]))));
      expectClose(gradientsOf(directional, xs), numericGradients(directional, xs));
    });
  });
});
