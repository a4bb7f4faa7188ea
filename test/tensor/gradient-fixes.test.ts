import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKENDS, selectTestBackend } from '../helpers/backend.ts';
import { installGradientFixes } from '../../src/tensor/gradient-fixes.ts';
import {
  centralDifferences,
  conv2d64,
  conv2dInputGradient64,
  relativeError,
  seeded,
  type Array4,
} from './reference.ts';

type ActivationName = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'softplus' | 'elu';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Each activation in tfjs and in float64 with its first and second derivatives. */
const ACTIVATIONS: Record<ActivationName, { tf: (x: tf.Tensor) => tf.Tensor; f: (x: number) => number; d1: (x: number) => number; d2: (x: number) => number }> = {
  relu: { tf: (x) => tf.relu(x), f: (x) => Math.max(x, 0), d1: (x) => (x > 0 ? 1 : 0), d2: () => 0 },
  leakyRelu: { tf: (x) => tf.leakyRelu(x, 0.2), f: (x) => (x > 0 ? x : 0.2 * x), d1: (x) => (x > 0 ? 1 : 0.2), d2: () => 0 },
  tanh: { tf: (x) => tf.tanh(x), f: Math.tanh, d1: (x) => 1 - Math.tanh(x) ** 2, d2: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2) },
  sigmoid: { tf: (x) => tf.sigmoid(x), f: sigmoid, d1: (x) => sigmoid(x) * (1 - sigmoid(x)), d2: (x) => sigmoid(x) * (1 - sigmoid(x)) * (1 - 2 * sigmoid(x)) },
  softplus: { tf: (x) => tf.softplus(x), f: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), d1: sigmoid, d2: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  elu: { tf: (x) => tf.elu(x), f: (x) => (x > 0 ? x : Math.expm1(x)), d1: (x) => (x > 0 ? 1 : Math.exp(x)), d2: (x) => (x > 0 ? 0 : Math.exp(x)) },
};

const POINTS = [-2.3, -1.1, -0.4, 0.15, 0.8, 1.9];

/** The second derivative of a pointwise f at POINTS, through tfjs's gradient of a gradient. */
function secondDerivative(f: (x: tf.Tensor) => tf.Tensor): number[] {
  return tf.tidy(() => {
    const d1 = (x: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(f(z)))(x);
    return Array.from(tf.grad((x: tf.Tensor) => tf.sum(d1(x)))(tf.tensor1d(POINTS)).dataSync());
  });
}

/** A gradient penalty: where ∇ₓD is taken, and what is made of its norms. */
interface PenaltyCase {
  name: string;
  points: number[][];
  ofNorms: (norms: number[]) => number;
  ofNormsTf: (gradients: tf.Tensor) => tf.Tensor;
}

const LAMBDA = 10;

function penaltyCases(real: number[][], fake: number[][], seed: number): PenaltyCase[] {
  const alpha = seeded(real.length, seed).map((a) => (a + 1) / 2);
  const delta = seeded(real.length * real[0].length, seed + 1, 0.3);
  const flat = real[0].length;
  const gp: Pick<PenaltyCase, 'ofNorms' | 'ofNormsTf'> = {
    ofNorms: (norms) => (LAMBDA * norms.reduce((s, n) => s + (n - 1) ** 2, 0)) / norms.length,
    ofNormsTf: (g) => tf.mul(LAMBDA, tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1)))),
  };
  return [
    { name: 'WGAN-GP', points: real.map((r, i) => r.map((v, k) => alpha[i] * v + (1 - alpha[i]) * fake[i][k])), ...gp },
    { name: 'DRAGAN', points: real.map((r, i) => r.map((v, k) => v + delta[i * flat + k])), ...gp },
    {
      name: 'R1',
      points: real,
      ofNorms: (norms) => (0.5 * norms.reduce((s, n) => s + n * n, 0)) / norms.length,
      ofNormsTf: (g) => tf.mul(0.5, tf.mean(tf.sum(tf.square(g), 1))),
    },
  ];
}

/** The weight gradient of a penalty computed by tfjs: ∇θ P(∇ₓD(x; θ)), flattened in `vars` order. */
function penaltyWeightGradient(critic: (x: tf.Tensor) => tf.Tensor, vars: tf.Variable[], points: number[][], ofNorms: (g: tf.Tensor) => tf.Tensor): number[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(points);
    const penalty = () => ofNorms(tf.grad((p: tf.Tensor) => tf.sum(critic(p)))(x)) as tf.Scalar;
    const { grads } = tf.variableGrads(penalty, vars);
    // A variable the penalty does not reach (D's last bias) gets no entry: its gradient is zero.
    return vars.flatMap((v) => Array.from(grads[v.name]?.dataSync() ?? new Float32Array(v.size)));
  });
}

/** Slices a flat parameter vector into the layout's pieces. */
function unflatten(theta: readonly number[], sizes: readonly number[]): number[][] {
  let at = 0;
  return sizes.map((size) => theta.slice(at, (at += size)));
}

// The MLP critic 2 → 16 → 16 → 1: weights [in, out] row-major, then biases.
const MLP_SHAPES = [[2, 16], [16], [16, 16], [16], [16, 1], [1]];
const MLP_SIZES = MLP_SHAPES.map((s) => s.reduce((a, b) => a * b, 1));

/** ∇ₓD at x for the float64 MLP critic. */
function mlpInputGradient64(theta: readonly number[], act: ActivationName, x: readonly number[]): number[] {
  const [w1, b1, w2, b2, w3] = unflatten(theta, MLP_SIZES);
  const { f, d1 } = ACTIVATIONS[act];
  const z1 = b1.map((b, j) => b + x[0] * w1[j] + x[1] * w1[16 + j]);
  const h1 = z1.map(f);
  const z2 = b2.map((b, j) => h1.reduce((s, h, i) => s + h * w2[i * 16 + j], b));
  const g2 = z2.map((z, j) => w3[j] * d1(z));
  const g1 = z1.map((z, i) => d1(z) * g2.reduce((s, g, j) => s + w2[i * 16 + j] * g, 0));
  return [0, 1].map((k) => g1.reduce((s, g, i) => s + w1[k * 16 + i] * g, 0));
}

function mlpCritic(vars: tf.Variable[], act: ActivationName): (x: tf.Tensor) => tf.Tensor {
  const [w1, b1, w2, b2, w3, b3] = vars;
  const f = ACTIVATIONS[act].tf;
  return (x) => tf.add(tf.matMul(f(tf.add(tf.matMul(f(tf.add(tf.matMul(x, w1), b1)), w2), b2)), w3), b3);
}

// The conv critic: conv 1→4 3×3 stride 2 'same' on 8×8×1, leakyRelu(0.2), dense 4·4·4 → 1.
const CONV_SHAPES = [[3, 3, 1, 4], [4], [64, 1], [1]];
const CONV_SIZES = CONV_SHAPES.map((s) => s.reduce((a, b) => a * b, 1));

/** ∇ₓD at one 8×8×1 image for the float64 conv critic. */
function convInputGradient64(theta: readonly number[], image: readonly number[]): number[] {
  const [kernel, bias, dense] = unflatten(theta, CONV_SIZES);
  const filter: Array4 = { data: kernel, shape: [3, 3, 1, 4] };
  const z = conv2d64({ data: [...image], shape: [1, 8, 8, 1] }, filter, 2, 'same');
  const dz: Array4 = { data: z.data.map((v, i) => dense[i] * ACTIVATIONS.leakyRelu.d1(v + bias[i % 4])), shape: z.shape };
  return conv2dInputGradient64([1, 8, 8, 1], filter, dz, 2, 'same').data;
}

function convCritic(vars: tf.Variable[]): (x: tf.Tensor) => tf.Tensor {
  const [kernel, bias, dense, denseBias] = vars;
  return (x) => {
    const h = tf.leakyRelu(tf.add(tf.conv2d(tf.reshape<tf.Rank.R4>(x, [-1, 8, 8, 1]), tf.reshape<tf.Rank.R4>(kernel, [3, 3, 1, 4]), 2, 'same'), bias), 0.2);
    return tf.add(tf.matMul(tf.reshape(h, [-1, 64]), dense), denseBias);
  };
}

function norm(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function variablesFrom(theta: readonly number[], shapes: number[][]): tf.Variable[] {
  return unflatten(theta, shapes.map((s) => s.reduce((a, b) => a * b, 1))).map((values, i) => tf.variable(tf.tensor(values, shapes[i])));
}

describe.each(TEST_BACKENDS)('gradient fixes on %s', (backend) => {
  beforeAll(async () => {
    await selectTestBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  describe('second derivatives match their closed forms', () => {
    it.each(Object.keys(ACTIVATIONS) as ActivationName[])('%s', (name) => {
      const got = secondDerivative(ACTIVATIONS[name].tf);
      POINTS.forEach((x, i) => expect(got[i]).toBeCloseTo(ACTIVATIONS[name].d2(x), 4));
    });

    it.each([
      ['softmax', (t: tf.Tensor) => tf.reshape(tf.slice(tf.softmax(tf.stack([t, tf.mul(t, 0.5)], 1)), [0, 0], [-1, 1]), [-1]), (x: number) => 0.25 * ACTIVATIONS.sigmoid.d2(0.5 * x)],
      ['pow(2, x)', (t: tf.Tensor) => tf.pow(tf.fill(t.shape, 2), t), (x: number) => Math.LN2 ** 2 * 2 ** x],
      ['clipByValue(x, −1, 1)·x', (t: tf.Tensor) => tf.mul(tf.clipByValue(t, -1, 1), t), (x: number) => (Math.abs(x) < 1 ? 2 : 0)],
      ['where(x > 0, x², 3x)', (t: tf.Tensor) => tf.where(tf.greater(t, 0), tf.square(t), tf.mul(t, 3)), (x: number) => (x > 0 ? 2 : 0)],
      ['maximum(x, 0.1x)²', (t: tf.Tensor) => tf.square(tf.maximum(t, tf.mul(t, 0.1))), (x: number) => (x > 0 ? 2 : 0.02)],
    ])('%s', (_name, f, d2) => {
      const got = secondDerivative(f);
      POINTS.forEach((x, i) => expect(got[i]).toBeCloseTo(d2(x), 4));
    });
  });

  describe('penalty weight gradients of an MLP critic match float64 finite differences', () => {
    const real = Array.from({ length: 8 }, (_, i) => seeded(2, 100 + i, 1.5));
    const fake = Array.from({ length: 8 }, (_, i) => seeded(2, 200 + i, 1.5));
    const theta0 = MLP_SHAPES.flatMap((shape, i) => seeded(MLP_SIZES[i], 300 + i, shape.length === 2 ? Math.sqrt(6 / shape[0]) : 0.3));
    const cases = penaltyCases(real, fake, 400).flatMap((penalty) =>
      (['relu', 'leakyRelu', 'tanh', 'sigmoid', 'softplus', 'elu'] as const).map((act) => ({ penalty, act })),
    );

    it.each(cases.map((c) => [`${c.penalty.name}, ${c.act}`, c] as const))('%s', (_label, { penalty, act }) => {
      const reference = centralDifferences(
        (theta) => penalty.ofNorms(penalty.points.map((x) => norm(mlpInputGradient64(theta, act, x)))),
        theta0,
        1e-6,
      );
      const vars = variablesFrom(theta0, MLP_SHAPES);
      const got = penaltyWeightGradient(mlpCritic(vars, act), vars, penalty.points, penalty.ofNormsTf);
      tf.dispose(vars);
      expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1e-3);
      expect(relativeError(got, reference)).toBeLessThanOrEqual(1e-3);
    });
  });

  it('the WGAN-GP weight gradient of a conv critic matches float64 finite differences', () => {
    const real = Array.from({ length: 4 }, (_, i) => seeded(64, 500 + i));
    const fake = Array.from({ length: 4 }, (_, i) => seeded(64, 600 + i));
    const [gp] = penaltyCases(real, fake, 700);
    const theta0 = CONV_SHAPES.flatMap((shape, i) => seeded(CONV_SIZES[i], 800 + i, i === 0 ? 0.8 : i === 2 ? 0.4 : 0.2));
    const reference = centralDifferences((theta) => gp.ofNorms(gp.points.map((x) => norm(convInputGradient64(theta, x)))), theta0, 1e-6);
    const vars = variablesFrom(theta0, CONV_SHAPES);
    const got = penaltyWeightGradient(convCritic(vars), vars, gp.points, gp.ofNormsTf);
    tf.dispose(vars);
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1e-3);
    expect(relativeError(got, reference)).toBeLessThanOrEqual(1e-3);
  });

  it('a penalty step leaves no tensors behind', () => {
    const vars = variablesFrom(seeded(337, 900, 0.5), MLP_SHAPES);
    const points = Array.from({ length: 8 }, (_, i) => seeded(2, 901 + i));
    const before = tf.memory().numTensors;
    penaltyWeightGradient(mlpCritic(vars, 'leakyRelu'), vars, points, (g) => tf.mean(tf.square(g)));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });

  it('installing twice changes nothing', () => {
    const once = secondDerivative(ACTIVATIONS.tanh.tf);
    installGradientFixes();
    installGradientFixes();
    const twice = secondDerivative(ACTIVATIONS.tanh.tf);
    twice.forEach((v, i) => expect(v).toBeCloseTo(once[i], 6));
    POINTS.forEach((x, i) => expect(twice[i]).toBeCloseTo(ACTIVATIONS.tanh.d2(x), 4));
  });
});
