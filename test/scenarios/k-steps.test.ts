import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kSteps, kStepsVerdict, resolveSettings, type KStepsMeasurement } from '../../src/scenarios/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

describe('k-steps', () => {
  it('runs three variants × seeds with the run evaluator and reports each run (reduced: 60 steps, tiny nets)', async () => {
    const before = tf.memory().numTensors;
    const settings = resolveSettings(kSteps, { steps: 60, seeds: 2, width: 8, evalEvery: 30 });
    const out = await kSteps.run({ settings, log: () => {}, tick: async () => {} });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.tables![0].rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['k = 1/0', 'k = 1/1', 'k = 5/0', 'k = 5/1', 'TTUR (lrD = 4·lrG)/0', 'TTUR (lrD = 4·lrG)/1']);
    for (const key of ['k=1.seed0', 'k=5.seed1', 'ttur.seed0']) {
      expect(out.measured[`${key}.modes`]).toBeGreaterThanOrEqual(0);
      expect(out.measured[`${key}.modes`]).toBeLessThanOrEqual(8);
      expect(out.measured[`${key}.w1`]).toBeGreaterThan(0);
    }
    // The verdict's means are the means of the per-seed numbers.
    expect(out.measured.modesK).toBeCloseTo((out.measured['k=5.seed0.modes'] + out.measured['k=5.seed1.modes']) / 2, 12);
    expect(out.measured.w1Ttur).toBeCloseTo((out.measured['ttur.seed0.w1'] + out.measured['ttur.seed1.w1']) / 2, 12);
    expect(out.charts.map((c) => c.name)).toEqual(['over-training', 'final-samples']);
    // Two evaluations per run (step 30 and the last step) feed the curves.
    expect(JSON.stringify(out.charts[0].spec)).toContain('"x":60');
  });

  it('the same seed and settings give the same numbers', async () => {
    const settings = resolveSettings(kSteps, { steps: 50, seeds: 1, width: 8, evalEvery: 50 });
    const run = async () => (await kSteps.run({ settings, log: () => {}, tick: async () => {} })).measured;
    const strip = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !/seconds/i.test(k)));
    expect(strip(await run())).toEqual(strip(await run()));
  });

  it('the verdict follows the numbers: k = 5 buys no extra modes at over twice the time; TTUR costs about k = 1', () => {
    const good: KStepsMeasurement = { seeds: 3, modesK1: 4.3, modesK: 2.3, modesTtur: 4.7, w1K1: 0.53, w1K: 0.91, w1Ttur: 0.51, secondsK1: 10, secondsK: 30, secondsTtur: 11 };
    const v = kStepsVerdict(good, 5);
    expect(v.holds).toBe(true);
    expect(v.text).toContain('TTUR: 4.7 modes, W1 0.51; k = 5: W1 0.91 against 0.53 for k = 1');
    expect(kStepsVerdict({ ...good, modesK: 4.9 }, 5).holds).toBe(false);
    expect(kStepsVerdict({ ...good, secondsK: 19 }, 5).holds).toBe(false);
    expect(kStepsVerdict({ ...good, secondsTtur: 16 }, 5).holds).toBe(false);
    // TTUR's coverage is reported, not judged.
    expect(kStepsVerdict({ ...good, modesTtur: 1 }, 5).holds).toBe(true);
});
});
