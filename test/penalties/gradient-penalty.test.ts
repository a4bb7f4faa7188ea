import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParam, type Module } from '../../src/nn/module.ts';
import { mlp } from '../../src/nn/mlp.ts';
import { variablesOf } from '../../src/nn/module.ts';
import { gradientPenalty, type GradientPenaltyKind } from '../../src/penalties/index.ts';
import { weightClip } from '../../src/penalties/weight-clip.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { selectTestBackend, TEST_BACKENDS } from '../helpers/backend.ts';
import { expectGradientsMatchFiniteDifferences } from '../helpers/finite-differences.ts';

/** D(x) = w·x, a critic whose input gradient is w everywhere. */
function linearCritic(w: number[]): Module {
  const kernel = createParam('lin/kernel', 'kernel', Float32Array.from(w), [w.length, 1]);
  return { name: 'lin', params: [kernel], buffers: [], apply: (x) => tf.matMul(x, kernel.variable) };
}

function penaltyValue(kind: GradientPenaltyKind, D: Module, weight: number, seed = 1): number {
  return tf.tidy(() => {
    const rng = new Rng(seed);
    const real = tf.tensor2d(rng.normalArray(32 * 2), [32, 2]);
    const fake = tf.tensor2d(rng.normalArray(32 * 2, 3), [32, 2]);
    const p = gradientPenalty({ kind, weight }).compute({ D: (x) => D.apply(x, { training: true }), real, fake, rng });
    return p.arraySync() as number;
  });
}

describe.each(TEST_BACKENDS)('gradient penalties on %s', (backend) => {
  beforeAll(() => selectTestBackend(backend));
  afterAll(() => selectTestBackend('cpu'));

  it('is 0 for a 1-Lipschitz linear critic with ‖w‖ = 1 and λ(‖w‖ − 1)² otherwise', () => {
    const unit = linearCritic([0.6, 0.8]);
    const double = linearCritic([1.2, 1.6]);
    for (const kind of ['wgan-gp', 'dragan', 'wgan-gp-one-sided'] as const) {
      expect(penaltyValue(kind, unit, 10)).toBeCloseTo(0, 5);
      expect(penaltyValue(kind, double, 10)).toBeCloseTo(10, 3);
    }
    // One-sided: a critic with ‖w‖ = 0.5 is not penalized; two-sided it is, by λ·0.25.
    const half = linearCritic([0.3, 0.4]);
    expect(penaltyValue('wgan-gp-one-sided', half, 10)).toBeCloseTo(0, 5);
    expect(penaltyValue('wgan-gp', half, 10)).toBeCloseTo(2.5, 3);
  });

  it('R1 and R2 are (γ/2)·‖w‖² for a linear critic', () => {
    const D = linearCritic([1.2, 1.6]);
    expect(penaltyValue('r1', D, 10)).toBeCloseTo(5 * 4, 3);
    expect(penaltyValue('r2', D, 2)).toBeCloseTo(4, 4);
  });

  it.each(['wgan-gp', 'dragan', 'r1'] as const)('%s: the weight gradient through the input gradient matches finite differences', (kind) => {
    // Smooth activations: finite differences across a leakyRelu kink would measure the jump, not
    // the derivative (piecewise-linear critics are covered by the closed-form tests in test/tensor).
    const Dt = mlp('Dt', 2, { hidden: [8, 8], out: 1, act: 'tanh' }, new Rng(3));
    const Ds = mlp('Ds', 2, { hidden: [8], out: 1, act: 'softplus' }, new Rng(4));
    for (const net of [Dt, Ds]) {
      const value = () => {
        const rng = new Rng(1);
        const real = tf.tensor2d(rng.normalArray(32 * 2), [32, 2]);
        const fake = tf.tensor2d(rng.normalArray(32 * 2, 3), [32, 2]);
        return gradientPenalty({ kind, weight: 10 }).compute({ D: (x) => net.apply(x, { training: true }), real, fake, rng });
      };
      // A parameter the penalty does not depend on (the output bias) gets no gradient entry, and its differences are 0.
      expect(expectGradientsMatchFiniteDifferences(variablesOf(net), value)).toBe(3 * net.params.length);
    }
  });
});

describe('weight clipping', () => {
  beforeAll(() => selectTestBackend('cpu'));
  it('clips every trainable parameter into [−c, c] and leaves values inside alone', () => {
    const D = linearCritic([0.5, -0.003, 0.004]);
    weightClip(0.01).apply(D);
    expect(Array.from(D.params[0].variable.dataSync())).toEqual(Array.from(Float32Array.from([0.01, -0.003, 0.004])));
  });
});
