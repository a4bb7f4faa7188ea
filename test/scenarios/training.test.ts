import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bestLinearW1,
  classicDensity,
  classicDensityModes,
  linear1d,
  linear1dVerdict,
  modeCollapse1d,
  modeCollapseVerdict,
  resolveSettings,
  signChanges,
  vanishingGradients,
  vanishingGradientsVerdict,
  type ScenarioDefinition,
} from '../../src/scenarios/index.ts';
import { wasserstein1d } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { linspace } from '../../src/theory/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

async function runReduced(scenario: ScenarioDefinition, overrides: Record<string, number>) {
  const before = tf.memory().numTensors;
  const out = await scenario.run({ settings: resolveSettings(scenario, overrides), log: () => {}, tick: async () => {} });
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('vanishing-gradients (reduced: 100 steps)', () => {
  it('holds: with a confident D the minimax gradient is a small fraction of the non-saturating one; ReLU never goes negative', async () => {
    const out = await runReduced(vanishingGradients, { steps: 100 });
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.confidentDFake).toBeLessThan(0.05);
    expect(out.measured.confidentRatio).toBeLessThan(0.05);
    expect(out.measured.generatedNegativeShare).toBe(0);
    // The real batch is 2,000 N(0, 1) draws: about half negative.
    expect(out.measured.realNegativeShare).toBeGreaterThan(0.45);
    expect(out.measured.realNegativeShare).toBeLessThan(0.55);
    expect(out.verdict.text).toMatch(/Also measured: with the networks exactly as the classic example writes them \(linear D\), D\(G\(z\)\) ends at [\d.]+/);
  });

  it('a doctored measurement flips the verdict', () => {
    const good = { confidentDFake: 0.008, confidentRatio: 0.01, realNegativeShare: 0.51, generatedNegativeShare: 0, classicFinalDFake: 0.5, classicRatio: 0.9 };
    expect(vanishingGradientsVerdict(good).holds).toBe(true);
    expect(vanishingGradientsVerdict({ ...good, confidentRatio: 0.5 }).holds).toBe(false);
    expect(vanishingGradientsVerdict({ ...good, generatedNegativeShare: 0.01 }).holds).toBe(false);
    expect(vanishingGradientsVerdict({ ...good, confidentDFake: 0.3 }).holds).toBe(false);
    // The classic run is reported from its numbers, in both directions.
    expect(vanishingGradientsVerdict(good).text).toContain('D never gets confident');
    expect(vanishingGradientsVerdict({ ...good, classicFinalDFake: 0.001 }).text).toContain('D does get confident there');
  });
});

describe('linear-1d (reduced: 300 steps)', () => {
  it('holds: the offset and D’s slope oscillate, W1 stays far above the best linear fit', async () => {
    const out = await runReduced(linear1d, { steps: 300 });
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.offsetSignChanges).toBeGreaterThan(2);
    expect(out.measured.finalW1 / out.measured.bestW1).toBeGreaterThan(2);
  });

  it.each([
    [[1, -1, 1, -1], 3],
    [[0.2, 0.01, -0.01, 0.02, 0.2], 0],
    [[0.2, -0.2, -0.01, 0.03, -0.3], 1],
    [[0.2, -0.2, -0.01, 0.08, -0.3], 3],
    [[0, 0, 0], 0],
  ])('signChanges(%j) = %d (jitter inside ±0.05 does not count)', (values, expected) => {
    expect(signChanges(values)).toBe(expected);
  });

  it('bestLinearW1 finds the minimum of W1 over the slope (checked against a grid search)', () => {
    const z = new Rng(1).normalArray(2000);
    const data = Float32Array.from(linspace(-2, 2, 100));
    const best = bestLinearW1(z, data);
    const grid = linspace(0.5, 2, 301).map((a) => wasserstein1d(z.map((v) => a * v), data));
    expect(best.w1).toBeLessThanOrEqual(Math.min(...grid) + 1e-6);
    expect(best.w1).toBeGreaterThan(Math.min(...grid) - 1e-3);
  });

  it('a doctored measurement flips the verdict', () => {
    const good = { offsetSignChanges: 12, dSlopeSignChanges: 13, finalW1: 0.98, bestW1: 0.16 };
    expect(linear1dVerdict(good).holds).toBe(true);
    expect(linear1dVerdict({ ...good, offsetSignChanges: 1 }).holds).toBe(false);
    expect(linear1dVerdict({ ...good, finalW1: 0.2 }).holds).toBe(false);
  });
});

describe('mode-collapse-1d', () => {
  it('the classic data density is (Φ(x+2.5) − Φ(x−2.5))/5 with one mode', () => {
    // Φ(2.5) = 0.9937903346742238 (tables): f(0) = (2Φ(2.5) − 1)/5.
    expect(classicDensity(0)).toBeCloseTo((2 * 0.9937903346742238 - 1) / 5, 6);
    expect(classicDensity(2.5)).toBeCloseTo((0.9999999990134123 - 0.5) / 5, 6);
    expect(classicDensityModes()).toBe(1);
  });

  it('runs (reduced: 400 steps, 4 seeds) and holds: one classic mode, at least one bimodal seed collapses', async () => {
    const out = await runReduced(modeCollapse1d, { steps: 400, seeds: 4, remedySeeds: 1 });
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.classicModes).toBe(1);
    expect(out.measured.collapsed).toBeGreaterThan(0);
    expect(out.charts.map((c) => c.name)).toEqual(['classic-data', 'bimodal', 'bimodal-packing']);
    expect(out.measured.remedySeeds).toBe(1);
    expect(out.measured['pac2.seed0.modes']).toBeGreaterThanOrEqual(0);
  });

  it('a doctored measurement flips the verdict', () => {
    const good = { classicModes: 1, collapsed: 1, seeds: 5, remedyCollapsed: 0, remedySeeds: 0 };
    expect(modeCollapseVerdict(good).holds).toBe(true);
    expect(modeCollapseVerdict({ ...good, classicModes: 2 }).holds).toBe(false);
    expect(modeCollapseVerdict({ ...good, collapsed: 0 }).holds).toBe(false);
    expect(modeCollapseVerdict({ ...good, remedyCollapsed: 1, remedySeeds: 5 }).text).toContain('with PacGAN packing (m = 2) 1 of 5 seeds collapsed, against 1 of 5 without it');
  });
});
