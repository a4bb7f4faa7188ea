import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createParam } from '../../src/nn/module.ts';
import { buildOptimizer, optimisticAdam, optimisticSgd, optimizerSchema, type Optimizer } from '../../src/optim/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Applies the gradients `gs` in turn to a parameter starting at `start`; the values after each update. */
function trajectory(opt: Optimizer, start: number[], gs: number[][]): number[][] {
  const p = createParam('w', 'kernel', Float32Array.from(start), [start.length]);
  const out: number[][] = [];
  for (const g of gs) {
    const grad = tf.tensor1d(g);
    opt.apply([p], [grad]);
    grad.dispose();
    out.push(Array.from(p.variable.dataSync()));
  }
  p.variable.dispose();
  return out;
}

function expectClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], digits)));
}

describe('optimistic gradient descent', () => {
  it('θ ← θ − lr·(2gₜ − gₜ₋₁), the first step a plain gradient step', () => {
    // θ₀ = 1, lr = 0.1. g₁ = 2: θ₁ = 1 − 0.2 = 0.8. g₂ = −1: θ₂ = 0.8 − 0.1·(−2 − 2) = 1.2.
    // g₃ = 0.5: θ₃ = 1.2 − 0.1·(1 + 1) = 1.0.
    expectClose(trajectory(optimisticSgd({ lr: 0.1 }), [1], [[2], [-1], [0.5]]), [[0.8], [1.2], [1.0]]);
  });

  it('acts per coordinate and keeps gₜ₋₁ in a named slot', () => {
    const opt = optimisticSgd({ lr: 0.5 });
    // (0, 4) − 0.5·(1, −2) = (−0.5, 5); then − 0.5·(2·(3, 0) − (1, −2)) = (−0.5 − 2.5, 5 − 1) = (−3, 4).
    expectClose(trajectory(opt, [0, 4], [[1, -2], [3, 0]]), [[-0.5, 5], [-3, 4]]);
    const state = opt.state();
    expect([...state.tensors.keys()]).toEqual(['w/prevGrad']);
    expect(Array.from(state.tensors.get('w/prevGrad')!.dataSync())).toEqual([3, 0]);
    expect(state.scalars).toEqual({ t: 2 });
    opt.dispose();
  });
});

describe('optimistic Adam (Daskalakis et al. 2018, Algorithm 1)', () => {
  it('θ ← θ − 2·lr·m̂ₜ/(√v̂ₜ+ε) + lr·m̂ₜ₋₁/(√v̂ₜ₋₁+ε), by hand for two steps', () => {
    const lr = 0.1;
    // β1 = 0.5, β2 = 0.9, θ₀ = 1.
    // t = 1, g = 2: m = 1, v = 0.4, m̂ = 1/0.5 = 2, v̂ = 0.4/0.1 = 4: step₁ = 2/√4 = 1, m̂₀ = 0.
    //   θ₁ = 1 − 2·0.1·1 = 0.8.
    // t = 2, g = 1: m = 0.5 + 0.5 = 1, v = 0.36 + 0.1 = 0.46, m̂ = 1/0.75, v̂ = 0.46/0.19.
    //   θ₂ = 0.8 − 2·0.1·step₂ + 0.1·step₁.
    const step2 = 1 / 0.75 / Math.sqrt(0.46 / 0.19);
    const expected = [[0.8], [0.8 - 2 * lr * step2 + lr * 1]];
    expectClose(trajectory(optimisticAdam({ lr, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }), [1], [[2], [1]]), expected);
  });

  it('a reversing gradient: the optimistic term takes back part of the last step', () => {
    // g = 2 then −2 (β1 = 0.5, β2 = 0.9): step₁ = 1, θ₁ = 0.8. Then m = 0.5·1 + 0.5·(−2) = −0.5,
    // m̂ = −0.5/0.75 = −2/3; v = 0.9·0.4 + 0.1·4 = 0.76, v̂ = 0.76/0.19 = 4; step₂ = (−2/3)/2 = −1/3.
    // θ₂ = 0.8 − 2·0.1·(−1/3) + 0.1·1 = 0.8 + 1/15 + 0.1.
    expectClose(trajectory(optimisticAdam({ lr: 0.1 }), [1], [[2], [-2]]), [[0.8], [0.8 + 1 / 15 + 0.1]]);
  });

  it('defaults: lr 1e-4, β1 0.5, β2 0.9 (the paper’s WGAN settings)', () => {
    expect(optimizerSchema.parse({ name: 'optimistic-adam' })).toEqual({ name: 'optimistic-adam', lr: 1e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
    expect(optimizerSchema.parse({ name: 'optimistic-sgd' })).toEqual({ name: 'optimistic-sgd', lr: 1e-2 });
    expect(buildOptimizer({ name: 'optimistic-adam', lr: 1e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }).name).toBe('optimistic-adam');
    expect(buildOptimizer({ name: 'optimistic-sgd', lr: 1e-2 }).name).toBe('optimistic-sgd');
  });

  it.each([
    ['optimistic-sgd', () => optimisticSgd({ lr: 0.05 })],
    ['optimistic-adam', () => optimisticAdam({ lr: 0.05 })],
  ])('%s: state round-trips, so a restored optimizer continues identically', (_name, make) => {
    const a = make();
    const p = createParam('w', 'kernel', Float32Array.from([1, 2]), [2]);
    for (const g of [[0.3, -1], [0.2, 0.5]]) {
      const grad = tf.tensor1d(g);
      a.apply([p], [grad]);
      grad.dispose();
    }
    const saved = a.state();
    const b = make();
    b.restore({ tensors: new Map([...saved.tensors].map(([k, t]) => [k, t.clone()])), scalars: { ...saved.scalars } });
    const start = Float32Array.from(p.variable.dataSync());
    const q = createParam('w', 'kernel', start, [2]);
    const r = createParam('w', 'kernel', start, [2]);
    const grad = tf.tensor1d([1, -0.7]);
    a.apply([p], [grad]);
    b.apply([q], [grad]);
    expect(Array.from(q.variable.dataSync())).toEqual(Array.from(p.variable.dataSync()));
    // Without the restored slots the same update differs: the state is what makes it optimistic.
    const fresh = make();
    fresh.apply([r], [grad]);
    expect(Array.from(r.variable.dataSync())).not.toEqual(Array.from(p.variable.dataSync()));
    tf.dispose([grad, p.variable, q.variable, r.variable]);
    for (const o of [a, b, fresh]) o.dispose();
  });

  it('reads lr at each update, so a schedule can change it', () => {
    const opt = optimisticSgd({ lr: 0.1 });
    const p = createParam('w', 'kernel', Float32Array.from([0]), [1]);
    const g = tf.tensor1d([1]);
    opt.apply([p], [g]); // −0.1
    opt.lr = 0.2;
    opt.apply([p], [g]); // −0.2·(2 − 1)
    expect(p.variable.dataSync()[0]).toBeCloseTo(-0.3, 6);
    tf.dispose([g, p.variable]);
    opt.dispose();
  });
});
