import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonSaturating, relativistic } from '../../src/losses/index.ts';
import type { Loss } from '../../src/losses/types.ts';
import { mlp } from '../../src/nn/mlp.ts';
import { variablesOf, type Module } from '../../src/nn/module.ts';
import { buildOptimizer, optimizerSchema, type Optimizer } from '../../src/optim/index.ts';
import { unrolled, type Stabilizer } from '../../src/stabilizers/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const smallD = () => mlp('D', 2, { hidden: [6, 5], out: 1, act: 'tanh' }, new Rng(11));
const real = () => tf.tensor2d([0.5, 1, -1, 0.25, 2, -0.5, 0.1, 0.3], [4, 2]);
const fakeValues = [0.2, -0.3, 1.1, 0.4, -0.6, 0.9, 0.05, -1.2];

/** D and its optimizer after one real update, so the optimizer has moments and a step count. */
function trainedOnce(optimizerConfig: object): { D: Module; opt: Optimizer; config: ReturnType<typeof optimizerSchema.parse> } {
  const config = optimizerSchema.parse(optimizerConfig);
  const D = smallD();
  const opt = buildOptimizer(config);
  const fake = tf.tensor2d(fakeValues, [4, 2]);
  const { grads } = tf.variableGrads(() => nonSaturating.d(D.apply(real(), { training: true }), D.apply(fake, { training: true })), variablesOf(D));
  opt.apply(D.params, D.params.map((p) => grads[p.variable.name]));
  return { D, opt, config };
}

/** G's unrolled objective on a fake batch, through the stabilizer's own hook. */
function objective(stab: Stabilizer, D: Module, opt: Optimizer, fake: tf.Tensor, loss: Loss = nonSaturating): tf.Scalar {
  const x = real();
  const dFake = D.apply(fake, { training: true });
  const dReal = D.apply(x, { training: true });
  const own = loss.g(dFake, dReal);
  return stab.step!.gLoss!(own, { G: D, D, step: 1, fake, dFake, fakeFeatures: new Map(), real: x, dReal, realFeatures: new Map(), dOptimizer: opt });
}

const build = (steps: number, surrogate: boolean, config: ReturnType<typeof optimizerSchema.parse>, loss: Loss = nonSaturating) => {
  const stab = unrolled({ steps, surrogate }, { dOptimizer: config, rng: new Rng(0) });
  stab.build!.wrapLoss!(loss);
  return stab;
};

describe('unrolled GAN', () => {
  /** g(D_K(fake)) computed the slow way: a copy of D and of its optimizer, stepped K times for real. */
  function reference(D: Module, opt: Optimizer, config: ReturnType<typeof optimizerSchema.parse>, loss: Loss, K: number): number {
    const ref = smallD();
    ref.params.forEach((p, i) => p.variable.assign(D.params[i].variable));
    const refOpt = buildOptimizer(config);
    refOpt.restore(opt.state());
    const fake = tf.tensor2d(fakeValues, [4, 2]);
    for (let k = 0; k < K; k++) {
      const { grads } = tf.variableGrads(() => loss.d(ref.apply(real(), { training: true }), ref.apply(fake, { training: true })), variablesOf(ref));
      refOpt.apply(ref.params, ref.params.map((p) => grads[p.variable.name]));
    }
    return loss.g(ref.apply(fake, { training: true }), ref.apply(real(), { training: true })).dataSync()[0];
  }

  it.each([
    { name: 'adam', lr: 0.05, beta1: 0.5, beta2: 0.9 },
    { name: 'rmsprop', lr: 0.02 },
    { name: 'sgd', lr: 0.3, momentum: 0.5 },
  ])('G’s loss is g(D_K(G(z))) with D_K the result of K real updates of D’s own optimizer ($name)', (optimizerConfig) => {
    const K = 3;
    const { D, opt, config } = trainedOnce(optimizerConfig);
    const expected = reference(D, opt, config, nonSaturating, K);
    const fake = tf.tensor2d(fakeValues, [4, 2]);
    const before = D.params.map((p) => Array.from(p.variable.dataSync()));
    const got = objective(build(K, true, config), D, opt, fake).dataSync()[0];
    expect(got).toBeCloseTo(expected, 5);
    expect(Math.abs(got - nonSaturating.g(D.apply(fake, { training: true }), fake).dataSync()[0])).toBeGreaterThan(1e-3);
    // D's real weights and moments are untouched.
    expect(D.params.map((p) => Array.from(p.variable.dataSync()))).toEqual(before);
    expect(opt.state().scalars.t ?? 0).toBe(config.name === 'adam' ? 1 : 0);
  });

  it('the surrogate gradient matches finite differences of f_K; the look-ahead one of f with D_K frozen', () => {
    const { D, opt, config } = trainedOnce({ name: 'sgd', lr: 0.5 });
    const K = 2;
    const f = (stab: Stabilizer, v: number[]) => tf.tidy(() => objective(stab, D, opt, tf.tensor2d(v, [4, 2])).dataSync()[0]);
    const grad = (stab: Stabilizer) => Array.from(tf.grad((x: tf.Tensor) => objective(stab, D, opt, x))(tf.tensor2d(fakeValues, [4, 2])).dataSync());
    const surrogate = build(K, true, config);
    const lookahead = build(K, false, config);
    const eps = 1e-2;
    const numeric = fakeValues.map((_, i) => {
      const plus = fakeValues.map((v, j) => (j === i ? v + eps : v));
      const minus = fakeValues.map((v, j) => (j === i ? v - eps : v));
      return (f(surrogate, plus) - f(surrogate, minus)) / (2 * eps);
    });
    const gs = grad(surrogate);
    const gl = grad(lookahead);
    const maxAbs = Math.max(...numeric.map(Math.abs));
    numeric.forEach((n, i) => expect(Math.abs(gs[i] - n)).toBeLessThan(2e-3 * maxAbs + 1e-4));
    // Freezing D_K drops the dθ_D^K/dG term: the look-ahead gradient differs measurably.
    const gap = Math.max(...gl.map((g, i) => Math.abs(g - gs[i])));
    expect(gap).toBeGreaterThan(0.05 * maxAbs);
  });

  it('serves a loss whose G term needs D(real) (relativistic): both D outputs come from D_K', () => {
    const loss = relativistic('standard');
    const { D, opt, config } = trainedOnce({ name: 'adam', lr: 0.05 });
    const expected = reference(D, opt, config, loss, 2);
    expect(objective(build(2, true, config, loss), D, opt, tf.tensor2d(fakeValues, [4, 2]), loss).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('trains in a session without growing the tensor count, K = 3', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'unrolled', steps: 3 }] }));
    ganStep(s);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) expect(Number.isFinite(ganStep(s).gLoss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('warns that the unrolled updates leave out the loss’s gradient penalty', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, stabilizers: [{ name: 'unrolled' }] }));
    expect(s.warnings).toEqual([expect.stringMatching(/^stabilizers\[0\] unrolled: the unrolled D updates leave out wgan-gp/)]);
  });

  it('refuses a D optimizer it cannot replay, naming it', () => {
    const err = configErrorOf(() => sessionFromConfig(tinyConfig({ optim: { d: { name: 'optimistic-adam' } }, stabilizers: [{ name: 'unrolled' }] })));
    expect(err.message).toMatch(/stabilizers\[0\]\.name: "unrolled" replays D's optimizer inside G's step and knows adam, rmsprop and sgd; optim\.d\.name is "optimistic-adam"/);
  });

  it('refuses K outside 1..100, naming the field', () => {
    expect(configErrorOf(() => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'unrolled', steps: 0 }] }))).message).toMatch(/stabilizers\[0\]\.steps/);
  });
});
