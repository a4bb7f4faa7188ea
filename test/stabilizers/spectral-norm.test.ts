import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { spectralNorm, type SpectralNorm } from '../../src/stabilizers/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { ganStep } from '../../src/train/index.ts';
import { selectTestBackend, TEST_BACKENDS } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { fixedD, linearModule, players, trueSpectralNorm, values } from './helpers.ts';

/** True σ of a kernel tensor viewed as `[fanIn, out]`. */
function sigmaOf(kernel: tf.Tensor): number {
  const out = kernel.shape[kernel.shape.length - 1];
  return trueSpectralNorm(kernel.dataSync(), kernel.size / out, out);
}

describe.each(TEST_BACKENDS)('spectral normalization on %s', (backend) => {
  beforeAll(() => selectTestBackend(backend));

  it.each([
    ['dense [6, 4]', [6, 4]],
    ['conv [3, 3, 2, 4]', [3, 3, 2, 4]],
  ])('%s: the normalized kernel has largest singular value 1 (±1e-2), and D uses it', (_name, shape) => {
    const { module, kernel } = linearModule('D', shape, new Rng(5));
    const raw = sigmaOf(kernel.variable);
    expect(Math.abs(raw - 1)).toBeGreaterThan(0.5); // the test would notice a no-op
    const sn: SpectralNorm = spectralNorm({ iterations: 1 }, new Rng(1));
    const D = sn.build!.wrapD!(fixedD(module), { inputShape: shape, beforeOutput: [] });
    for (let i = 0; i < 10; i++) sn.step!.beforeDStep!(players(module, D));
    const normalized = tf.tidy(() => sn.normalizedKernel(kernel)!.clone());
    expect(sigmaOf(normalized)).toBeCloseTo(1, 2);
    expect(Math.abs(sigmaOf(normalized) - 1)).toBeLessThan(1e-2);
    // Through the wrapped D, x·(K/σ) is what comes out: with x = I it is the normalized kernel itself.
    const fanIn = kernel.variable.size / shape[shape.length - 1];
    const through = tf.tidy(() => values(D.apply(tf.eye(fanIn), { training: true })));
    const expected = values(normalized);
    through.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // The raw weights are untouched.
    expect(sigmaOf(kernel.variable)).toBeCloseTo(raw, 6);
    tf.dispose([normalized, kernel.variable]);
    sn.dispose!();
  });

  it('holds σ ≈ 1 for every D kernel while training, with one power iteration per D step', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'spectral-norm' }] }));
    for (let i = 0; i < 50; i++) ganStep(s);
    const sn = s.stabilizers![0] as SpectralNorm;
    const kernels = s.D.params.filter((p) => p.role === 'kernel');
    expect(kernels.length).toBe(3);
    for (const k of kernels) {
      const normalized = tf.tidy(() => sn.normalizedKernel(k)!.clone());
      expect(Math.abs(sigmaOf(normalized) - 1)).toBeLessThan(1e-2);
      normalized.dispose();
    }
    // Biases are not normalized, and the raw kernels are not spectrally normalized themselves.
    expect(sn.normalizedKernel(s.D.params.find((p) => p.role === 'bias')!)).toBeUndefined();
    expect(Math.max(...kernels.map((k) => Math.abs(sigmaOf(k.variable) - 1)))).toBeGreaterThan(0.1);
  });
});
