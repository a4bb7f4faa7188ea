import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { began, buildObjective, hinge, leastSquares, LOSS_NAMES, lossSchema, minimax, nonSaturating, relativistic, wasserstein } from '../../src/losses/index.ts';
import type { Loss } from '../../src/losses/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const real = [2, -1, 0.5];
const fake = [-3, 0.2, 1];

function evaluate(loss: Loss, which: 'd' | 'g', r: number[], f: number[]): number {
  return tf.tidy(() => {
    const dr = tf.tensor2d(r, [r.length, 1]);
    const df = tf.tensor2d(f, [f.length, 1]);
    return (which === 'd' ? loss.d(dr, df) : loss.g(df, dr)).arraySync() as number;
  });
}

beforeAll(() => selectTestBackend('cpu'));

describe('losses against values computed by hand', () => {
  const bceD = -mean(real.map((x) => Math.log(sig(x)))) - mean(fake.map((x) => Math.log(1 - sig(x))));
  it.each([
    ['minimax D', minimax, 'd', bceD],
    ['minimax G = E log(1 − D(G(z)))', minimax, 'g', mean(fake.map((x) => Math.log(1 - sig(x))))],
    ['non-saturating D', nonSaturating, 'd', bceD],
    ['non-saturating G = −E log D(G(z))', nonSaturating, 'g', -mean(fake.map((x) => Math.log(sig(x))))],
    ['least-squares D (a=0,b=1)', leastSquares(0, 1, 1), 'd', 0.5 * mean(real.map((x) => (x - 1) ** 2)) + 0.5 * mean(fake.map((x) => x ** 2))],
    ['least-squares G (c=1)', leastSquares(0, 1, 1), 'g', 0.5 * mean(fake.map((x) => (x - 1) ** 2))],
    ['least-squares D (a=-1,b=1)', leastSquares(-1, 1, 0), 'd', 0.5 * mean(real.map((x) => (x - 1) ** 2)) + 0.5 * mean(fake.map((x) => (x + 1) ** 2))],
    ['least-squares G (c=0)', leastSquares(-1, 1, 0), 'g', 0.5 * mean(fake.map((x) => x ** 2))],
    ['wasserstein D', wasserstein, 'd', mean(fake) - mean(real)],
    ['wasserstein G', wasserstein, 'g', -mean(fake)],
    ['hinge D', hinge, 'd', mean(real.map((x) => Math.max(0, 1 - x))) + mean(fake.map((x) => Math.max(0, 1 + x)))],
    ['hinge G', hinge, 'g', -mean(fake)],
    ['RSGAN D', relativistic('standard'), 'd', -mean(real.map((x, i) => Math.log(sig(x - fake[i]))))],
    ['RSGAN G', relativistic('standard'), 'g', -mean(fake.map((x, i) => Math.log(sig(x - real[i]))))],
    [
      'RaGAN D',
      relativistic('average'),
      'd',
      -mean(real.map((x) => Math.log(sig(x - mean(fake))))) - mean(fake.map((x) => Math.log(1 - sig(x - mean(real))))),
    ],
    [
      'RaGAN G',
      relativistic('average'),
      'g',
      -mean(fake.map((x) => Math.log(sig(x - mean(real))))) - mean(real.map((x) => Math.log(1 - sig(x - mean(fake))))),
    ],
  ] as const)('%s', (_name, loss, which, expected) => {
    expect(evaluate(loss, which, [...real], [...fake])).toBeCloseTo(expected, 5);
  });

  it('stays finite for extreme logits (softplus forms, never log(sigmoid))', () => {
    const huge = [80, -80, 200];
    for (const loss of [minimax, nonSaturating]) {
      for (const which of ['d', 'g'] as const) expect(Number.isFinite(evaluate(loss, which, huge, huge.map((x) => -x)))).toBe(true);
    }
    // −log σ(−200) = 200 exactly in the softplus form; log(sigmoid) would give Infinity.
    expect(evaluate(nonSaturating, 'g', [0], [-200])).toBeCloseTo(200, 3);
  });

  it('minimax G saturates where non-saturating does not: gradients at D(G(z)) ≈ 0', () => {
    const grads = [minimax, nonSaturating].map((loss) =>
      tf.tidy(() => tf.grad((f: tf.Tensor) => loss.g(f, f))(tf.tensor2d([-8], [1, 1])).arraySync() as number[][]),
    );
    // d/dl log(1−σ(l)) = −σ(l) ≈ −3.4e-4; d/dl −log σ(l) = σ(l) − 1 ≈ −1.
    expect(grads[0][0][0]).toBeCloseTo(-sig(-8), 6);
    expect(grads[1][0][0]).toBeCloseTo(sig(-8) - 1, 6);
  });
});

describe('BEGAN', () => {
  it('D loss is L(x) − k·L(G(z)); k follows k + λk(γL(x) − L(G(z))) clipped to [0, 1]', () => {
    const loss = began({ gamma: 0.5, lambdaK: 0.1, k0: 0.2 });
    expect(evaluate(loss, 'd', [1, 3], [2, 2])).toBeCloseTo(2 - 0.2 * 2, 6);
    expect(evaluate(loss, 'g', [1, 3], [2, 4])).toBeCloseTo(3, 6);
    loss.state!.update({ dRealMean: 2, dFakeMean: 0.5 }); // balance 0.5·2 − 0.5 = 0.5
    expect(loss.state!.values().k).toBeCloseTo(0.25, 10);
    expect(loss.state!.values().convergence).toBeCloseTo(2.5, 10);
    loss.state!.update({ dRealMean: 0, dFakeMean: 100 });
    expect(loss.state!.values().k).toBe(0);
    loss.state!.restore({ k: 0.7, convergence: 1 });
    expect(evaluate(loss, 'd', [1], [1])).toBeCloseTo(0.3, 6);
  });
});

describe('registry', () => {
  it('builds every named loss with its defaults', () => {
    for (const name of LOSS_NAMES) {
      const objective = buildObjective(lossSchema.parse({ name }));
      expect(objective.loss).toBeDefined();
    }
    expect(buildObjective(lossSchema.parse({ name: 'wgan-gp' })).penalties.map((p) => p.name)).toEqual(['wgan-gp']);
    expect(buildObjective(lossSchema.parse({ name: 'wasserstein' })).constraints.map((c) => c.name)).toEqual(['weight-clip']);
    expect(buildObjective(lossSchema.parse({ name: 'dragan' })).penalties.map((p) => p.name)).toEqual(['dragan']);
    expect(buildObjective(lossSchema.parse({ name: 'began', codeDim: 3 })).discriminator).toEqual({ kind: 'autoencoder', codeDim: 3 });
  });
});
