import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { activation, batchNorm, conv2d, countParams, dcganDiscriminator, dcganGenerator, dcganLadder, dense, flatten, layerNorm, sequential, variablesOf, type Module } from '../../src/nn/index.ts';
import { gradientPenalty, type GradientPenaltyKind } from '../../src/penalties/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { selectTestBackend, TEST_BACKENDS } from '../helpers/backend.ts';
import { expectGradientsMatchFiniteDifferences } from '../helpers/finite-differences.ts';

describe('the DCGAN builders', () => {
  beforeAll(() => selectTestBackend('cpu'));

  it('reach 28, 32 and 64 pixels from the sides Radford et al. start from', () => {
    expect(dcganLadder([28, 28, 1])).toEqual({ start: [7, 7], steps: 2 });
    expect(dcganLadder([32, 32, 3])).toEqual({ start: [4, 4], steps: 3 });
    expect(dcganLadder([64, 64, 3])).toEqual({ start: [4, 4], steps: 4 });
    expect(() => dcganLadder([7, 7, 1])).toThrow(ConfigError);
    expect(() => dcganLadder([2])).toThrow(/needs image data/);
  });

  it.each([
    [[28, 28, 1], 64],
    [[28, 28, 3], 32],
    [[32, 32, 3], 16],
    [[64, 64, 3], 8],
  ] as const)('G maps z to %j images in [−1, 1] and D maps them to one logit (F = %i)', (shape, filters) => {
    const G = sequential('G', [100], dcganGenerator(shape, { filters }), new Rng(1));
    const D = sequential('D', [...shape], [...dcganDiscriminator(shape, { filters }), dense(1)], new Rng(2));
    expect(G.outputShape).toEqual([...shape]);
    expect(D.outputShape).toEqual([1]);
    const y = tf.tidy(() => {
      const x = G.apply(tf.randomNormal([3, 100], 0, 1, 'float32', 5), { training: true });
      const logits = D.apply(x, { training: true });
      return { x: x.shape, range: [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]], logits: logits.shape };
    });
    expect(y.x).toEqual([3, ...shape]);
    expect(y.logits).toEqual([3, 1]);
    expect(y.range[0]).toBeGreaterThanOrEqual(-1);
    expect(y.range[1]).toBeLessThanOrEqual(1);
  });

  it('has the paper’s layers for 28×28×1 at F = 64: parameter counts by hand, no bias before a batch norm', () => {
    const G = sequential('G', [100], dcganGenerator([28, 28, 1], { filters: 64 }), new Rng(1));
    const D = sequential('D', [28, 28, 1], [...dcganDiscriminator([28, 28, 1], { filters: 64 }), dense(1)], new Rng(2));
    // G: dense 100→7·7·128 (no bias) + BN(128) + convT 4·4·128·64 (no bias) + BN(64) + convT 4·4·64·1 + bias.
    expect(countParams(G)).toBe(100 * 6272 + 2 * 128 + 16 * 128 * 64 + 2 * 64 + 16 * 64 + 1);
    // D: conv 4·4·1·64 + bias (no norm on the input layer) + conv 4·4·64·128 (no bias) + BN(128) + dense 6272→1.
    expect(countParams(D)).toBe(16 * 64 + 64 + 16 * 64 * 128 + 2 * 128 + 6272 + 1);
    expect(D.params.filter((p) => p.role === 'scale')).toHaveLength(1);
    // Without a norm every layer has its bias again.
    const plain = sequential('D', [28, 28, 1], [...dcganDiscriminator([28, 28, 1], { filters: 64, norm: 'none' }), dense(1)], new Rng(2));
    expect(countParams(plain)).toBe(16 * 64 + 64 + 16 * 64 * 128 + 128 + 6272 + 1);
  });

  it('uses N(0, 0.02²) weights unless told otherwise', () => {
    const D = sequential('D', [32, 32, 3], dcganDiscriminator([32, 32, 3], { filters: 64, norm: 'none' }), new Rng(3));
    const kernel = D.params.find((p) => p.name === 'D/conv1/kernel')!.variable;
    const std = tf.tidy(() => Math.sqrt(tf.moments(kernel).variance.dataSync()[0]));
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
  });
});

/** A small conv critic with smooth activations (finite differences across a leakyRelu kink would measure the jump). */
function convCritic(norm: 'layer' | 'batch', seed: number): Module {
  return sequential(
    'Dc',
    [8, 8, 1],
    [conv2d(3, { kernelSize: 3, strides: 2, init: 'glorot' }), activation('softplus'), conv2d(4, { kernelSize: 3, strides: 2, init: 'glorot', bias: false }), norm === 'layer' ? layerNorm() : batchNorm(), activation('tanh'), flatten(), dense(1, { init: 'glorot' })],
    new Rng(seed),
  );
}

function penaltyOn(kind: GradientPenaltyKind, D: Module): tf.Scalar {
  const rng = new Rng(1);
  const real = tf.tensor4d(rng.normalArray(6 * 64), [6, 8, 8, 1]);
  const fake = tf.tensor4d(rng.normalArray(6 * 64, 0.5), [6, 8, 8, 1]);
  return gradientPenalty({ kind, weight: 10 }).compute({ D: (x) => D.apply(x, { training: true, updateStats: false }), real, fake, rng });
}

describe.each(TEST_BACKENDS)('gradient penalties on conv critics on %s', (backend) => {
  beforeAll(() => selectTestBackend(backend));
  afterAll(() => selectTestBackend('cpu'));

  it.each([
    ['wgan-gp', 'layer'],
    ['dragan', 'layer'],
    ['r1', 'batch'],
    ['wgan-gp', 'batch'],
  ] as const)('%s with %s norm: the weight gradient through the input gradient matches finite differences', (kind, norm) => {
    const net = convCritic(norm, 7);
    const checked = expectGradientsMatchFiniteDifferences(variablesOf(net), () => penaltyOn(kind, net));
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});
