import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimalDiscriminatorScenario, optimalDiscriminatorVerdict, resolveSettings } from '../../src/scenarios/index.ts';
import { centralInterval } from '../../src/scenarios/optimal-discriminator.ts';
import { gaussianDensity, jsDivergence, uniformGrid, valueAtOptimum } from '../../src/theory/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

describe('optimal-discriminator', () => {
  it('V(G, D*) = 2·JS − 2 log 2 by quadrature, to 1e-6', () => {
    const pr = gaussianDensity(0, 1);
    const pg = gaussianDensity(2, 0.5);
    const grid = uniformGrid(-8, 6, 4000);
    expect(valueAtOptimum(pr, pg, grid)).toBeCloseTo(2 * jsDivergence(pr, pg, grid) - 2 * Math.LN2, 6);
  });

  it('the comparison window holds 99 % of the samples D trains on', () => {
    const [lo, hi] = centralInterval(gaussianDensity(0, 1), gaussianDensity(2, 0.5), 0.99);
    // ½Φ(x) + ½Φ((x − 2)/0.5) is 0.005 at x ≈ −2.33 and 0.995 at x ≈ 3.18 (Φ tables).
    expect(lo).toBeCloseTo(-2.326, 2);
    expect(hi).toBeCloseTo(3.178, 2);
  });

  it('a briefly trained MLP D (reduced settings) reaches D* within the bound and V(G, D) ≤ V(G, D*); no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const settings = resolveSettings(optimalDiscriminatorScenario, { steps: 600, batch: 256, hidden: 32, lr: 0.01 });
    const out = await optimalDiscriminatorScenario.run({ settings, log: () => {}, tick: async () => {} });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.maxError).toBeLessThan(0.05);
    expect(out.measured.valueTrained).toBeLessThanOrEqual(out.measured.valueAtOptimum);
    expect(out.measured.valueAtOptimum - out.measured.valueTrained).toBeLessThan(0.01);
    expect(out.measured.twoJsMinus2Log2).toBeCloseTo(out.measured.valueAtOptimum, 6);
    expect(out.charts.map((c) => c.name)).toEqual(['discriminator', 'value']);
  });

  it('an untrained D does not hold (10 steps), and a doctored error flips the verdict', async () => {
    const settings = resolveSettings(optimalDiscriminatorScenario, { steps: 10, batch: 64, hidden: 8 });
    const out = await optimalDiscriminatorScenario.run({ settings, log: () => {}, tick: async () => {} });
    expect(out.verdict.holds).toBe(false);
    const good = { maxError: 0.03, valueAtOptimum: -0.4377, twoJsMinus2Log2: -0.4377, valueTrained: -0.439 };
    expect(optimalDiscriminatorVerdict(good).holds).toBe(true);
    expect(optimalDiscriminatorVerdict({ ...good, maxError: 0.2 }).holds).toBe(false);
    expect(optimalDiscriminatorVerdict({ ...good, twoJsMinus2Log2: -0.43 }).holds).toBe(false);
    // A D scoring above the optimum would contradict Proposition 1: the verdict must not hold.
    expect(optimalDiscriminatorVerdict({ ...good, valueTrained: -0.43 }).holds).toBe(false);
  });
});
