import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation, autoencoderEnergy, batchNorm, conv2d, convTranspose2d, countParams, dense, dropout, flatten, layerNorm, mlp, reshape, sequential } from '../../src/nn/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

describe('networks', () => {
  it('names parameters by path and computes x·W + b', () => {
    const net = sequential('G', [3], [dense(2), activation('relu'), dense(1)], new Rng(0));
    expect(net.params.map((p) => p.name)).toEqual(['G/dense0/kernel', 'G/dense0/bias', 'G/dense1/kernel', 'G/dense1/bias']);
    expect(net.outputShape).toEqual([1]);
    const [k0, b0, k1, b1] = net.params.map((p) => p.variable);
    b0.assign(tf.tensor1d([0.5, -10]));
    b1.assign(tf.tensor1d([1]));
    const x = [[1, 2, 3]];
    const W0 = k0.arraySync() as number[][];
    const W1 = k1.arraySync() as number[][];
    const h = [0, 1].map((j) => Math.max(0, x[0].reduce((s, xi, i) => s + xi * W0[i][j], 0) + [0.5, -10][j]));
    const expected = h[0] * W1[0][0] + h[1] * W1[1][0] + 1;
    const y = tf.tidy(() => net.apply(tf.tensor2d(x), { training: false }).arraySync() as number[][]);
    expect(y[0][0]).toBeCloseTo(expected, 5);
  });

  it('initializes from the seed only: same seed same weights, other seed other weights', () => {
    const a = mlp('D', 2, { hidden: [16], out: 1 }, new Rng(7));
    const b = mlp('D', 2, { hidden: [16], out: 1 }, new Rng(7));
    const c = mlp('D', 2, { hidden: [16], out: 1 }, new Rng(8));
    expect(Array.from(a.params[0].variable.dataSync())).toEqual(Array.from(b.params[0].variable.dataSync()));
    expect(Array.from(a.params[0].variable.dataSync())).not.toEqual(Array.from(c.params[0].variable.dataSync()));
    expect(countParams(a)).toBe(2 * 16 + 16 + 16 + 1);
  });

  it('He init has std √(2/fanIn); DCGAN init std 0.02', () => {
    const he = sequential('x', [400], [dense(400, { init: 'he' })], new Rng(1));
    const dc = sequential('y', [400], [dense(400, { init: 'dcgan' })], new Rng(1));
    const std = (t: tf.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.arraySync() as number));
    expect(std(he.params[0].variable)).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(std(dc.params[0].variable)).toBeCloseTo(0.02, 3);
  });

  it('pytorch init: kernels and biases U(±1/√fanIn); other inits keep zero biases', () => {
    const pt = sequential('p', [100], [dense(50, { init: 'pytorch' })], new Rng(2));
    const he = sequential('h', [100], [dense(50, { init: 'he' })], new Rng(2));
    const [k, b] = pt.params.map((p) => Array.from(p.variable.dataSync()));
    for (const values of [k, b]) {
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.1);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.09); // fills the interval
    }
    // Variance of U(±a) is a²/3.
    const variance = k.reduce((s, v) => s + v * v, 0) / k.length;
    expect(variance).toBeCloseTo(0.01 / 3, 3);
    expect(Array.from(he.params[1].variable.dataSync()).every((v) => v === 0)).toBe(true);
  });

  it('batch norm normalizes with batch moments in training, running moments in evaluation', () => {
    const net = sequential('B', [2], [batchNorm({ momentum: 0.5 })], new Rng(0));
    const x = tf.tensor2d([[1, 10], [3, 30]]);
    const y = tf.tidy(() => net.apply(x, { training: true }).arraySync() as number[][]);
    expect(y[0][0]).toBeCloseTo(-1, 3);
    expect(y[1][1]).toBeCloseTo(1, 3);
    // running mean: 0.5·0 + 0.5·[2, 20]; running var: 0.5·1 + 0.5·[1, 100]
    const [mean, variance] = net.buffers.map((b) => Array.from(b.variable.dataSync()));
    expect(mean).toEqual([1, 10]);
    expect(variance[0]).toBeCloseTo(1, 5);
    expect(variance[1]).toBeCloseTo(50.5, 4);
    const e = tf.tidy(() => net.apply(tf.tensor2d([[1, 10]]), { training: false }).arraySync() as number[][]);
    expect(e[0][0]).toBeCloseTo(0, 3);
    expect(e[0][1]).toBeCloseTo(0, 3);
  });

  it('layer norm gives each sample zero mean and unit variance', () => {
    const net = sequential('L', [4], [layerNorm()], new Rng(0));
    const y = tf.tidy(() => net.apply(tf.tensor2d([[1, 2, 3, 4], [10, 0, 10, 0]]), { training: true }));
    const { mean, variance } = tf.moments(y, 1);
    expect(Array.from(mean.dataSync()).map((v) => Math.abs(v) < 1e-5)).toEqual([true, true]);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3);
  });

  it('dropout is seeded, scales kept units by 1/(1−p), and is the identity in evaluation', () => {
    const net = sequential('Dr', [1000], [dropout(0.25)], new Rng(0));
    const x = tf.ones([1, 1000]);
    const run = (seed: number) => Array.from(tf.tidy(() => net.apply(x, { training: true, rng: new Rng(seed) })).dataSync());
    const a = run(1);
    expect(a).toEqual(run(1));
    expect(a).not.toEqual(run(2));
    const kept = a.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(kept.length / 1000).toBeGreaterThan(0.7);
    expect(kept.length / 1000).toBeLessThan(0.8);
    expect(Array.from(tf.tidy(() => net.apply(x, { training: false })).dataSync()).every((v) => v === 1)).toBe(true);
  });

  it('conv, transposed conv, reshape and flatten produce the DCGAN shapes', () => {
    const G = sequential('G', [100], [dense(7 * 7 * 8), reshape([7, 7, 8]), convTranspose2d(4, { kernelSize: 4, strides: 2 }), convTranspose2d(1, { kernelSize: 4, strides: 2 })], new Rng(0));
    const D = sequential('D', [28, 28, 1], [conv2d(4, { kernelSize: 4, strides: 2 }), activation('leakyRelu'), conv2d(8, { kernelSize: 4, strides: 2 }), flatten(), dense(1)], new Rng(0));
    expect(G.outputShape).toEqual([28, 28, 1]);
    expect(D.outputShape).toEqual([1]);
    const y = tf.tidy(() => D.apply(G.apply(tf.randomNormal([3, 100]), { training: true }), { training: true }).shape);
    expect(y).toEqual([3, 1]);
  });

  it('BEGAN autoencoder outputs per-sample mean absolute reconstruction error', () => {
    const ae = autoencoderEnergy('D', 2, { hidden: [8], codeDim: 1 }, new Rng(0));
    const x = tf.tensor2d([[1, 2], [0, 0]]);
    const e = tf.tidy(() => ae.apply(x, { training: true }).arraySync() as number[][]);
    expect(e.length).toBe(2);
    expect(e[0].length).toBe(1);
    // Zeroing every parameter makes the reconstruction 0, so the energy is mean |x|.
    for (const p of ae.params) p.variable.assign(tf.zerosLike(p.variable));
    const zero = tf.tidy(() => ae.apply(x, { training: true }).arraySync() as number[][]);
    expect(zero[0][0]).toBeCloseTo(1.5, 6);
    expect(zero[1][0]).toBeCloseTo(0, 6);
  });
});
