import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonSaturating } from '../../src/losses/index.ts';
import { createParam, type Module } from '../../src/nn/module.ts';
import {
  appendMinibatchStd,
  bceWithTarget,
  ema,
  featureMatching,
  featureMatchingLoss,
  historicalAveraging,
  instanceNoise,
  instanceNoiseSigma,
  kernelSquaredNorm,
  labelSmoothing,
  minibatchFeatures,
  minibatchStd,
  pack,
  type GStepView,
} from '../../src/stabilizers/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { ganStep } from '../../src/train/index.ts';
import { selectTestBackend, TEST_BACKENDS } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { linearModule, players, values } from './helpers.ts';

beforeAll(() => selectTestBackend('cpu'));

const logSigmoid = (l: number) => -Math.log1p(Math.exp(-l));
const log1mSigmoid = (l: number) => -Math.log1p(Math.exp(l));
/** Mean BCE of logits against target t, in plain JS. */
const bce = (logits: number[], t: number) => logits.reduce((s, l) => s - t * logSigmoid(l) - (1 - t) * log1mSigmoid(l), 0) / logits.length;

describe('packing', () => {
  it('concatenates m consecutive samples into one row of width m·dim', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2]);
    expect(pack(x, 2).shape).toEqual([3, 4]);
    expect(pack(x, 2).arraySync()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    expect(pack(x, 3).arraySync()).toEqual([
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ]);
    expect(() => pack(x, 4)).toThrow(/a batch of 6 samples cannot be packed in groups of m = 4/);
  });

  it('D sees m·dim inputs and scores n/m packs', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'packing', m: 4 }] }));
    expect(s.D.params[0].variable.shape).toEqual([8, 32]); // 4 samples × 2 coordinates
    const out = tf.tidy(() => s.D.apply(tf.zeros([64, 2]), { training: false }).shape);
    expect(out).toEqual([16, 1]);
    const r = ganStep(s);
    expect(Number.isFinite(r.dLoss)).toBe(true);
  });
});

describe('instance noise', () => {
  it.each([
    [0, 0.5],
    [25, 0.375],
    [50, 0.25],
    [99, 0.005],
    [100, 0],
    [150, 0],
  ])('σ after %i of 100 steps from σ0 = 0.5 is %f', (step, sigma) => {
    expect(instanceNoiseSigma(step, 0.5, 100)).toBeCloseTo(sigma, 12);
  });

  it('adds zero-mean Gaussian noise with the scheduled σ to what D sees, and none after the schedule', () => {
    const noise = instanceNoise({ sigma: 0.4, annealSteps: 100 }, new Rng(3));
    const x = tf.fill([20000, 2], 1);
    const noisy = noise.step!.dInput!(x, { source: 'real', player: 'd', step: 50 });
    const d = values(noisy).map((v) => v - 1);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(mean).toBeCloseTo(0, 2); // standard error 0.2/√40000 = 0.001
    expect(std).toBeGreaterThan(0.195);
    expect(std).toBeLessThan(0.205);
    expect(noise.step!.dInput!(x, { source: 'fake', player: 'g', step: 100 })).toBe(x);
    expect(noise.step!.values!(50)).toEqual({ instanceNoiseSigma: 0.2 });
    tf.dispose([x, noisy]);
  });
});

describe('label smoothing', () => {
  const dReal = [2, -1, 0.5];
  const dFake = [-3, 0.2];
  it.each([
    ['one-sided', 0.9, 0],
    ['two-sided', 0.9, 0.1],
  ])('%s: D’s loss equals the hand-computed BCE with soft targets, G’s is unchanged', (_name, real, fake) => {
    const loss = labelSmoothing({ real, fake }).build!.wrapLoss!(nonSaturating);
    const r = tf.tensor2d(dReal, [3, 1]);
    const f = tf.tensor2d(dFake, [2, 1]);
    expect(loss.d(r, f).dataSync()[0]).toBeCloseTo(bce(dReal, real) + bce(dFake, fake), 5);
    expect(loss.g(f, r).dataSync()[0]).toBeCloseTo(nonSaturating.g(f, r).dataSync()[0], 6);
    // Smoothing changes the loss: the unsmoothed value differs.
    expect(Math.abs(nonSaturating.d(r, f).dataSync()[0] - loss.d(r, f).dataSync()[0])).toBeGreaterThan(0.01);
    expect(loss.output).toBe('logit');
  });

  it('bceWithTarget is finite for extreme logits', () => {
    const v = bceWithTarget(tf.tensor1d([1000, -1000]), 0.9).dataSync()[0];
    expect(v).toBeCloseTo((0.1 * 1000 + 0.9 * 1000) / 2, 3);
  });
});

describe('historical averaging', () => {
  function setup(weight = 0.5) {
    const G = linearModule('G', [2, 2], new Rng(1)).module;
    const { module: D, kernel } = linearModule('D', [3, 2], new Rng(2));
    const h = historicalAveraging({ weight, players: ['d'] });
    h.build!.attach!(players(G, D));
    return { h, D, kernel };
  }

  it('is 0 at the running mean, and its gradient points away from it (descent goes to it)', () => {
    const { h, D, kernel } = setup();
    const view = { ...players(D, D), real: tf.zeros([1]), fake: tf.zeros([1]), dReal: tf.zeros([1]), dFake: tf.zeros([1]) };
    expect(h.step!.dTerm!(view).dataSync()[0]).toBe(0);
    const theta0 = values(kernel.variable);
    const delta = [0.1, -0.2, 0.3, 0, 0.05, -0.4];
    kernel.variable.assign(tf.tensor(theta0.map((t, i) => t + delta[i]), [3, 2]));
    const { value, grads } = tf.variableGrads(() => h.step!.dTerm!(view), [kernel.variable]);
    expect(value.dataSync()[0]).toBeCloseTo(0.5 * delta.reduce((s, d) => s + d * d, 0), 6);
    // ∇ = 2λ(θ − θ̄): −∇ points from θ to the mean.
    values(grads[kernel.variable.name]).forEach((g, i) => expect(g).toBeCloseTo(2 * 0.5 * delta[i], 5));
  });

  it('tracks the mean of every value the parameters have had', () => {
    const { h, D, kernel } = setup();
    const seen = [values(kernel.variable)];
    for (const shift of [1, 2, -0.5]) {
      kernel.variable.assign(tf.add(kernel.variable, shift));
      seen.push(values(kernel.variable));
      h.step!.afterDStep!(players(D, D));
    }
    const mean = seen[0].map((_, i) => seen.reduce((s, v) => s + v[i], 0) / seen.length);
    values(h.meanOf('d')!.means.get(kernel.name)!.mean).forEach((m, i) => expect(m).toBeCloseTo(mean[i], 5));
    // At the mean the penalty vanishes again.
    kernel.variable.assign(tf.tensor(mean, [3, 2]));
    const view = { ...players(D, D), real: tf.zeros([1]), fake: tf.zeros([1]), dReal: tf.zeros([1]), dFake: tf.zeros([1]) };
    expect(h.step!.dTerm!(view).dataSync()[0]).toBeCloseTo(0, 8);
  });
});

describe('EMA of G', () => {
  it('is exactly β^k θ0 + (1−β) Σ β^(k−i) θi after k updates, and the evaluator weight is it', () => {
    const G = { name: 'G', params: [createParam('G/dense0/kernel', 'kernel', Float32Array.from([1, -2]), [2])], buffers: [], apply: (x: tf.Tensor) => x } satisfies Module;
    const beta = 0.9;
    const avg = ema(beta);
    avg.build!.attach!(players(G, G));
    const thetas = [
      [1, -2],
      [3, 0],
      [-1, 4],
      [2, 2],
    ];
    for (const t of thetas.slice(1)) {
      G.params[0].variable.assign(tf.tensor1d(t));
      avg.step!.afterGStep!(players(G, G));
    }
    const k = thetas.length - 1;
    const expected = [0, 1].map((j) => beta ** k * thetas[0][j] + (1 - beta) * thetas.slice(1).reduce((s, t, i) => s + beta ** (k - 1 - i) * t[j], 0));
    values(avg.evaluation!.generatorWeight!(G.params[0])!).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    expect(expected[0]).not.toBeCloseTo(thetas[k][0], 1);
  });
});

describe('minibatch standard deviation', () => {
  it('appends the mean over features of the per-feature batch std', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 6],
      [5, 4],
    ]);
    // Per-feature population std: feature 0 of {1, 3, 5} is √(8/3), feature 1 of {2, 6, 4} is √(8/3) too.
    const std = Math.sqrt(8 / 3);
    expect(minibatchStd(x).dataSync()[0]).toBeCloseTo(std, 5);
    const y = tf.tensor2d([
      [0, 0],
      [2, 10],
    ]);
    expect(minibatchStd(y).dataSync()[0]).toBeCloseTo((1 + 5) / 2, 5);
    expect(appendMinibatchStd(y).arraySync()).toEqual([
      [0, 0, expect.closeTo(3, 5)],
      [2, 10, expect.closeTo(3, 5)],
    ]);
  });

  it.each([
    ['last', [33, 1], [2, 32]],
    ['input', [32, 1], [3, 32]],
  ] as const)('at %s: D’s layer after the feature is one wider', (at, outputKernel, firstKernel) => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'minibatch-std', at }] }));
    const kernels = s.D.params.filter((p) => p.role === 'kernel').map((p) => p.variable.shape);
    expect(kernels[0]).toEqual(firstKernel);
    expect(kernels[kernels.length - 1]).toEqual(outputKernel);
    expect(Number.isFinite(ganStep(s).gLoss)).toBe(true);
  });
});

describe('minibatch discrimination', () => {
  it('computes o(x_i)_b = mean over j ≠ i of exp(−‖M_i,b − M_j,b‖₁)', () => {
    const f = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 3],
    ]);
    // B = 1, C = 2, T = I: M_i = f_i.
    const o = values(minibatchFeatures(f, tf.eye(2), 1, 2));
    const c = (a: number[], b: number[]) => Math.exp(-(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])));
    const rows = [
      [0, 0],
      [1, 0],
      [0, 3],
    ];
    rows.forEach((r, i) => expect(o[i]).toBeCloseTo(rows.filter((_, j) => j !== i).reduce((s, q) => s + c(r, q), 0) / 2, 6));
    // Identical samples are maximally close: o = 1.
    expect(values(minibatchFeatures(tf.ones([4, 2]), tf.eye(2), 1, 2))).toEqual([1, 1, 1, 1]);
  });

  it.each(TEST_BACKENDS)('on %s: has the gradient of the same features written as tfjs ops', async (backend) => {
    await selectTestBackend(backend);
    try {
      const reference = (f: tf.Tensor, T: tf.Tensor, B: number, C: number) => {
        const n = f.shape[0];
        const M = tf.reshape(tf.matMul(f, T), [n, B, C]);
        const c = tf.exp(tf.neg(tf.sum(tf.abs(tf.sub(tf.expandDims(M, 1), tf.expandDims(M, 0))), 3)));
        return tf.div(tf.sub(tf.sum(c, 1), 1), n - 1);
      };
      const rng = new Rng(7);
      const f = tf.variable(tf.tensor2d(rng.normalArray(9 * 4), [9, 4]));
      const T = tf.variable(tf.tensor2d(rng.normalArray(4 * 6, 0, 0.5), [4, 6]));
      const weights = tf.tensor2d(rng.normalArray(9 * 3), [9, 3]);
      const lossOf = (features: typeof reference) => () => tf.sum(tf.mul(features(f, T, 3, 2), weights)) as tf.Scalar;
      const ours = tf.variableGrads(lossOf(minibatchFeatures), [f, T]);
      const theirs = tf.variableGrads(lossOf(reference), [f, T]);
      expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0], 5);
      for (const v of [f, T]) {
        const a = values(ours.grads[v.name]);
        const b = values(theirs.grads[v.name]);
        expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.01);
        a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 5));
      }
    } finally {
      await selectTestBackend('cpu');
    }
  });

  it('appends B features before D’s output layer', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'minibatch-discrimination', B: 6, C: 2 }] }));
    const byName = new Map(s.D.params.map((p) => [p.name, p.variable.shape]));
    expect(byName.get('D/mbdisc0/T')).toEqual([32, 12]);
    expect(byName.get('D/dense2/kernel')).toEqual([38, 1]);
    expect(Number.isFinite(ganStep(s).dLoss)).toBe(true);
  });
});

describe('feature matching', () => {
  it('is ‖E f(x) − E f(G(z))‖², zero when the features coincide', () => {
    const real = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const fake = tf.tensor2d([
      [0, 0],
      [2, 2],
    ]);
    expect(featureMatchingLoss(real, fake).dataSync()[0]).toBeCloseTo(1 + 4, 6);
    expect(featureMatchingLoss(real, real).dataSync()[0]).toBe(0);
    // Only the means matter: a permuted batch with the same mean matches exactly.
    expect(featureMatchingLoss(real, tf.tensor2d([[3, 4], [1, 2]])).dataSync()[0]).toBe(0);
  });

  it('replaces or adds to G’s loss on the chosen layer (default: the last hidden one)', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'feature-matching' }] }));
    const fm = s.stabilizers![0] as ReturnType<typeof featureMatching>;
    expect(fm.layerName()).toBe('D/dense1');
    const f = tf.tensor2d([[1, 2]]);
    const g = tf.tensor2d([[0, 0]]);
    const view = (real: tf.Tensor, fake: tf.Tensor): GStepView => ({
      ...players(s.G, s.D),
      fake,
      dFake: fake,
      realFeatures: new Map([['D/dense1', real]]),
      fakeFeatures: new Map([['D/dense1', fake]]),
      real,
    });
    expect(fm.step!.gLoss!(tf.scalar(7), view(f, f)).dataSync()[0]).toBe(0);
    expect(fm.step!.gLoss!(tf.scalar(7), view(f, g)).dataSync()[0]).toBeCloseTo(5, 6);
    const add = featureMatching({ layer: 'D/dense0', mode: 'add', weight: 2 }, [2], 64);
    add.build!.attach!(players(s.G, s.D));
    const v = { ...view(f, g), realFeatures: new Map([['D/dense0', f]]), fakeFeatures: new Map([['D/dense0', g]]) };
    expect(tf.add(7, add.step!.gTerm!(v)).dataSync()[0]).toBeCloseTo(7 + 2 * 5, 5);
    expect(Number.isFinite(ganStep(s).gLoss)).toBe(true);
  });
});

describe('weight penalty', () => {
  it('adds λ·Σ‖W‖² over D’s kernels (not biases) to D’s loss, reported in dPenalty', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'weight-penalty', weight: 0.01 }] }));
    s.D.params.filter((p) => p.role === 'bias').forEach((p) => p.variable.assign(tf.onesLike(p.variable)));
    const kernels = s.D.params.filter((p) => p.role === 'kernel').flatMap((p) => values(p.variable));
    const sumSq = kernels.reduce((a, v) => a + v * v, 0);
    expect(kernelSquaredNorm(s.D).dataSync()[0]).toBeCloseTo(sumSq, 2);
    const r = ganStep(s);
    expect(r.dPenalty / (0.01 * sumSq)).toBeCloseTo(1, 5);
  });
});
