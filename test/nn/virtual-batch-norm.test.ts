import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm, mlp, mlpLayers, sequential, variablesOf, virtualBatchNorm, withReferenceBatch } from '../../src/nn/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { selectTestBackend, TEST_BACKENDS } from '../helpers/backend.ts';

const rows = (t: tf.Tensor) => t.arraySync() as number[][];

/** The paper's formula in plain JS: row i normalized with (R·E_ref[h] + hᵢ)/(R+1) and (R·E_ref[h²] + hᵢ²)/(R+1). */
function closedForm(x: number[][], R: number, gamma: number[], beta: number[], epsilon: number): number[][] {
  const ref = x.slice(0, R);
  const mean = (f: number, g: (v: number) => number) => ref.reduce((s, r) => s + g(r[f]), 0) / R;
  return x.map((row) =>
    row.map((h, f) => {
      const mu = (R * mean(f, (v) => v) + h) / (R + 1);
      const second = (R * mean(f, (v) => v * v) + h * h) / (R + 1);
      return ((h - mu) / Math.sqrt(second - mu * mu + epsilon)) * gamma[f] + beta[f];
    }),
  );
}

describe.each(TEST_BACKENDS)('virtual batch norm layer on %s', (backend) => {
  beforeAll(() => selectTestBackend(backend));

  it('normalizes each row with the reference rows plus itself (hand-computed, R = 2)', () => {
    const layer = sequential('V', [2], [virtualBatchNorm({ referenceRows: 2, epsilon: 0 })], new Rng(0));
    const [gamma, beta] = layer.params.map((p) => p.variable);
    gamma.assign(tf.tensor1d([2, 0.5]));
    beta.assign(tf.tensor1d([1, -1]));
    // Reference rows (1, 0) and (3, 2), then the example (2, 5).
    // Example, feature 0: {1, 3, 2} → μ = 2, so (2 − 2)·2 + 1 = 1.
    // Example, feature 1: {0, 2, 5} → μ = 7/3, E[h²] = 29/3, σ² = 38/9: (8/3)/(√38/3)·0.5 − 1 = 4/√38 − 1.
    // Reference row (1, 0): {1, 3, 1} and {0, 2, 0} both have σ² = 8/9 and h − μ = −2/3: −1/√2 each.
    const y = tf.tidy(() => rows(layer.apply(tf.tensor2d([[1, 0], [3, 2], [2, 5]]), { training: true })));
    const expected = [
      [-Math.SQRT1_2 * 2 + 1, -Math.SQRT1_2 * 0.5 - 1],
      [Math.SQRT1_2 * 2 + 1, Math.SQRT1_2 * 0.5 - 1],
      [1, 4 / Math.sqrt(38) - 1],
    ];
    y.forEach((row, i) => row.forEach((v, f) => expect(v).toBeCloseTo(expected[i][f], 5)));
  });

  it('matches the closed form on random rows, in training and evaluation alike', () => {
    const R = 5;
    const rng = new Rng(3);
    const x = Array.from({ length: R + 4 }, () => Array.from(rng.normalArray(3, 1, 2)));
    const layer = sequential('V', [3], [virtualBatchNorm({ referenceRows: R })], new Rng(0));
    layer.params[0].variable.assign(tf.tensor1d([1.5, -0.5, 2]));
    layer.params[1].variable.assign(tf.tensor1d([0.1, 0.2, -0.3]));
    const expected = closedForm(x, R, [1.5, -0.5, 2], [0.1, 0.2, -0.3], 1e-5);
    for (const training of [true, false]) {
      const y = tf.tidy(() => rows(layer.apply(tf.tensor2d(x), { training })));
      y.forEach((row, i) => row.forEach((v, f) => expect(v).toBeCloseTo(expected[i][f], 4)));
    }
  });

  it("an example's output does not change with the rest of its minibatch; with batch norm it does", () => {
    const R = 4;
    const rng = new Rng(5);
    const reference = Array.from({ length: R }, () => Array.from(rng.normalArray(3)));
    const example = [0.3, -1.2, 2.0];
    const othersA = Array.from({ length: 6 }, () => Array.from(rng.normalArray(3)));
    const othersB = Array.from({ length: 6 }, () => Array.from(rng.normalArray(3, 4, 3)));
    const vbn = sequential('V', [3], [virtualBatchNorm({ referenceRows: R })], new Rng(0));
    const bn = sequential('B', [3], [batchNorm()], new Rng(0));
    const exampleOut = (layer: typeof vbn, withReference: boolean, others: number[][]) =>
      tf.tidy(() => rows(layer.apply(tf.tensor2d([...(withReference ? reference : []), example, ...others]), { training: true, updateStats: false }))[withReference ? R : 0]);
    const a = exampleOut(vbn, true, othersA);
    const b = exampleOut(vbn, true, othersB);
    const alone = exampleOut(vbn, true, []);
    a.forEach((v, f) => {
      expect(v).toBeCloseTo(b[f], 5);
      expect(v).toBeCloseTo(alone[f], 5);
    });
    const bnA = exampleOut(bn, false, othersA);
    const bnB = exampleOut(bn, false, othersB);
    expect(Math.max(...bnA.map((v, f) => Math.abs(v - bnB[f])))).toBeGreaterThan(0.5);
  });

  it('gradients match finite differences, for the example and for the reference rows it depends on', () => {
    const R = 3;
    const rng = new Rng(11);
    const x0 = Array.from(rng.normalArray((R + 2) * 2));
    const w = Array.from(rng.normalArray((R + 2) * 2));
    const layer = sequential('V', [2], [virtualBatchNorm({ referenceRows: R })], new Rng(0));
    layer.params[0].variable.assign(tf.tensor1d([1.3, 0.7]));
    // A loss on the example rows only: whatever reaches the reference rows came through the statistics.
    const loss = (x: tf.Tensor) => tf.sum(tf.slice(tf.mul(layer.apply(x, { training: true }), tf.tensor2d(w, [R + 2, 2])), R, 2));
    const analytic = tf.tidy(() => Array.from(tf.grad(loss)(tf.tensor2d(x0, [R + 2, 2])).dataSync()));
    const h = 1e-2;
    const at = (values: number[]) => tf.tidy(() => loss(tf.tensor2d(values, [R + 2, 2])).dataSync()[0]);
    const numeric = x0.map((_, i) => {
      const plus = [...x0];
      const minus = [...x0];
      plus[i] += h;
      minus[i] -= h;
      return (at(plus) - at(minus)) / (2 * h);
    });
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 2));
    // The reference rows get gradient too (the statistics depend on them).
    expect(Math.max(...analytic.slice(0, R * 2).map(Math.abs))).toBeGreaterThan(0.05);
  });

  it('refuses inputs with fewer rows than the reference and layers on non-flat inputs', () => {
    const layer = sequential('V', [2], [virtualBatchNorm({ referenceRows: 4 })], new Rng(0));
    expect(() => tf.tidy(() => layer.apply(tf.zeros([3, 2]), { training: true }))).toThrow(/expected \[4 reference rows \+ n, features\], got \[3, 2\]/);
    expect(() => sequential('V', [2, 2], [virtualBatchNorm({ referenceRows: 4 })], new Rng(0))).toThrow(/expects flat features/);
    expect(() => virtualBatchNorm({ referenceRows: 0 })).toThrow(/referenceRows must be an integer ≥ 1, got 0/);
  });
});

describe('networks with a reference batch', () => {
  beforeAll(() => selectTestBackend('cpu'));

  const R = 8;
  const reference = new Rng(21).normalArray(R * 3);
  const build = () => withReferenceBatch(mlp('G', 3, { hidden: [16, 16], out: 2, norm: 'virtual-batch', referenceRows: R }, new Rng(2)), reference, R);

  it("mlp norm 'virtual-batch' puts a vbn layer (scale, offset) after each hidden dense layer, which has no bias", () => {
    const net = mlp('G', 3, { hidden: [16, 16], out: 2, norm: 'virtual-batch', referenceRows: R }, new Rng(2));
    expect(net.params.map((p) => p.name)).toEqual([
      'G/dense0/kernel',
      'G/vbn0/gamma',
      'G/vbn0/beta',
      'G/dense1/kernel',
      'G/vbn1/gamma',
      'G/vbn1/beta',
      'G/dense2/kernel',
      'G/dense2/bias',
    ]);
    expect(() => mlpLayers({ hidden: [4], out: 1, norm: 'virtual-batch' })).toThrow(/norm 'virtual-batch' needs referenceRows/);
  });

  it('returns one output per input row, each independent of the other rows, and records only the input rows', () => {
    const G = build();
    const z = new Rng(4).normalArray(5 * 3);
    const recorded = new Map<string, number[]>();
    const batch = tf.tidy(() =>
      rows(G.apply(tf.tensor2d(z, [5, 3]), { training: true, record: (layer, a) => recorded.set(layer, a.shape) })),
    );
    expect(batch).toHaveLength(5);
    expect(recorded.get('G/dense0')).toEqual([5, 16]);
    expect(recorded.get('G/dense2')).toEqual([5, 2]);
    for (let i = 0; i < 5; i++) {
      const alone = tf.tidy(() => rows(G.apply(tf.tensor2d(z.subarray(i * 3, (i + 1) * 3), [1, 3]), { training: false }))[0]);
      alone.forEach((v, f) => expect(v).toBeCloseTo(batch[i][f], 5));
    }
  });

  it('the weights get gradient through the reference rows too (finite differences on a kernel entry)', () => {
    const G = build();
    const x = tf.tensor2d(new Rng(6).normalArray(4 * 3), [4, 3]);
    const w = tf.tensor2d(new Rng(7).normalArray(4 * 2), [4, 2]);
    const loss = () => tf.sum(tf.mul(G.apply(x, { training: true }), w)) as tf.Scalar;
    const kernel = G.params[0].variable;
    const analytic = tf.tidy(() => Array.from(tf.variableGrads(loss, variablesOf(G)).grads[kernel.name].dataSync()));
    const base = Array.from(kernel.dataSync());
    const h = 1e-2;
    const setKernel = (values: number[]) => {
      const t = tf.tensor(values, kernel.shape);
      kernel.assign(t);
      t.dispose();
    };
    const at = (i: number, delta: number) => {
      const values = [...base];
      values[i] += delta;
      setKernel(values);
      return tf.tidy(() => loss().dataSync()[0]);
    };
    for (const i of [0, 5, 17, 30]) {
      const numeric = (at(i, h) - at(i, -h)) / (2 * h);
      expect(analytic[i]).toBeCloseTo(numeric, 2);
    }
    setKernel(base);
  });
});
