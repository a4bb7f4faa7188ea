import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createParam, weightOf, type Module } from '../../src/nn/module.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { generatorSensitivity, MAX_CONDITION, spectralHealth } from '../../src/train/health.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** G(z) = act(z·W): with act = identity the Jacobian is Wᵀ at every z. */
function linearG(w: number[], dz: number, dx: number, act: (t: tf.Tensor) => tf.Tensor = (t) => t): Module {
  const kernel = createParam('G/dense0/kernel', 'kernel', Float32Array.from(w), [dz, dx]);
  return { name: 'G', params: [kernel], buffers: [], apply: (x, ctx) => act(tf.matMul(x, weightOf(kernel, ctx))) };
}

describe('generatorSensitivity', () => {
  it('of a linear G is ‖W‖_F, and its conditioning σ_max/σ_min of W', () => {
    // W = [[3, 0], [0, 1], [0, 0]] (dz 3 → dx 2): singular values 3 and 1, ‖W‖_F = √10.
    const G = linearG([3, 0, 0, 1, 0, 0], 3, 2);
    const h = generatorSensitivity(G, { dim: 3, distribution: 'normal' }, new Rng(1), { samples: 8 });
    expect(h.sensitivity).toBeCloseTo(Math.sqrt(10), 4);
    expect(h.jacobianCondition!).toBeCloseTo(3, 3);
  });

  it('of a G that ignores z is 0, with the conditioning capped', () => {
    const G = linearG([0, 0, 0, 0], 2, 2, (t) => tf.add(tf.mul(t, 0), 1));
    const h = generatorSensitivity(G, { dim: 2, distribution: 'uniform' }, new Rng(2), { samples: 4 });
    expect(h.sensitivity).toBe(0);
    expect(h.jacobianCondition).toBe(MAX_CONDITION);
  });

  it('estimates ‖W‖_F with random probes for a wide latent, and gives no conditioning', () => {
    const dz = 40;
    const w = Array.from(new Rng(3).normalArray(dz * 3));
    const G = linearG(w, dz, 3);
    const h = generatorSensitivity(G, { dim: dz, distribution: 'normal' }, new Rng(4), { samples: 64 });
    const frob = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    // 64 × 8 probes of ‖Wᵀv‖² ~ a weighted χ²: the mean of the per-sample roots is within ~5 % of ‖W‖_F.
    expect(h.sensitivity).toBeGreaterThan(0.9 * frob);
    expect(h.sensitivity).toBeLessThan(1.05 * frob);
    expect(h.jacobianCondition).toBeUndefined();
  });

  it('is deterministic for a seed and does not leak tensors', () => {
    const G = linearG([1, 2, 3, 4, 5, 6], 2, 3, tf.relu);
    const before = tf.memory().numTensors;
    const a = generatorSensitivity(G, { dim: 2, distribution: 'normal' }, new Rng(5));
    const b = generatorSensitivity(G, { dim: 2, distribution: 'normal' }, new Rng(5));
    expect(a).toEqual(b);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('spectralHealth', () => {
  it('gives the top singular value of each kernel and skips biases', () => {
    const k1 = createParam('D/dense0/kernel', 'kernel', Float32Array.of(3, 0, 0, 4, 0, 0), [3, 2]);
    const k2 = createParam('D/dense1/kernel', 'kernel', Float32Array.of(1, 2, 2, 4), [2, 2]);
    const bias = createParam('D/dense1/bias', 'bias', Float32Array.of(100, 100), [2]);
    const D: Module = { name: 'D', params: [k1, k2, bias], buffers: [], apply: (x) => x };
    const s = spectralHealth(D, new Rng(6));
    expect(Object.keys(s)).toEqual(['D/dense0/kernel', 'D/dense1/kernel']);
    expect(s['D/dense0/kernel']).toBeCloseTo(4, 4);
    expect(s['D/dense1/kernel']).toBeCloseTo(5, 4);
  });
});
