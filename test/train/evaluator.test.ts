import { sessionFromConfig } from '../../src/run/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/train/evaluator.ts';
import { ganStep, HEALTH_FIELDS, rngStates } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

beforeAll(() => selectTestBackend('cpu'));

describe('evaluator', () => {
  it('is deterministic and leaves the training streams untouched', () => {
    const s = sessionFromConfig(tinyConfig({ data: { kind: 'ring8' } }));
    ganStep(s);
    const streams = JSON.stringify(rngStates(s.rngs));
    const a = evaluate(s, { samples: 500, seed: 1 });
    const b = evaluate(s, { samples: 500, seed: 1 });
    expect(JSON.stringify(rngStates(s.rngs))).toBe(streams);
    const { ms: _a, ...ra } = a.record;
    const { ms: _b, ...rb } = b.record;
    expect(ra).toEqual(rb);
    expect(a.snapshot).toEqual(b.snapshot);
  });

  it('reports mode metrics, divergences, W1 and D health for a 2-D dataset with modes', () => {
    const s = sessionFromConfig(tinyConfig({ data: { kind: 'ring8' } }));
    const { record, snapshot } = evaluate(s, { samples: 500, seed: 1, snapshotPoints: 100, surfaceResolution: 10 });
    expect(record).toMatchObject({ kind: 'eval', step: 0, samples: 500, modesTotal: 8 });
    for (const k of ['highQuality', 'js', 'kl', 'w1', 'mmd', 'dAccuracy', 'dReal', 'dFake'] as const) expect(Number.isFinite(record[k])).toBe(true);
    expect(record.js!).toBeGreaterThan(0);
    expect(record.js!).toBeLessThanOrEqual(Math.log(2));
    expect(snapshot.real).toHaveLength(100);
    expect(snapshot.fake[0]).toHaveLength(2);
    expect(snapshot.surface!.x).toHaveLength(10);
    expect((snapshot.surface!.d as number[][])[9]).toHaveLength(10);
    // Logit loss: the surface holds probabilities.
    expect((snapshot.surface!.d as number[][]).flat().every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('uses exact 1-D W1 and a 1-D surface for 1-D data, and critic gaps for Wasserstein losses', () => {
    const s = sessionFromConfig(tinyConfig({ data: { kind: 'mixture1d', weights: [1], means: [3], stds: [0.1] }, loss: { name: 'wgan-gp' } }));
    const { record, snapshot } = evaluate(s, { samples: 400, seed: 2, surfaceResolution: 10 });
    // G starts near 0 and the data sits at 3: W1 ≈ the distance between them.
    expect(record.w1!).toBeGreaterThan(2);
    expect(record.w1!).toBeLessThan(4);
    expect(record.highQuality!).toBeLessThan(0.05);
    expect(record.dAccuracy).toBeUndefined();
    expect(Number.isFinite(record.criticGap)).toBe(true);
    expect(snapshot.surface!.y).toBeUndefined();
    expect(snapshot.surface!.d).toHaveLength(40);
  });

  it('adds the health signals without changing any other field, and leaves them out when asked', () => {
    const s = sessionFromConfig(tinyConfig({ data: { kind: 'ring8' } }));
    for (let i = 0; i < 3; i++) ganStep(s);
    const { ms: _a, ...on } = evaluate(s, { samples: 500, seed: 3, surfaceResolution: 4 }).record;
    const { ms: _b, ...off } = evaluate(s, { samples: 500, seed: 3, surfaceResolution: 4, health: false }).record;
    const stripped = Object.fromEntries(Object.entries(on).filter(([k]) => !(HEALTH_FIELDS as readonly string[]).includes(k)));
    expect(stripped).toEqual(off);
    for (const k of HEALTH_FIELDS) expect(off).not.toHaveProperty(k);
    // An untrained G makes a diffuse blob inside the ring: a smaller spread than the ring's, but NN
    // distances far above those within ring8's tight modes (std 0.02), and almost nothing on the data.
    expect(on.diversityPairwise!).toBeGreaterThan(0.1);
    expect(on.diversityPairwise!).toBeLessThan(1);
    expect(on.diversityNN!).toBeGreaterThan(3);
    expect(on.diversityNN!).toBeLessThan(100);
    for (const k of ['coverage', 'precision'] as const) {
      expect(on[k]!).toBeGreaterThanOrEqual(0);
      expect(on[k]!).toBeLessThan(0.1);
    }
    expect(on.rt!).toBeGreaterThanOrEqual(-1);
    expect(on.rt!).toBeLessThanOrEqual(1);
    expect(Math.abs(on.dTrainGap!)).toBeLessThan(0.5);
    expect(on.sensitivity!).toBeGreaterThan(0);
    expect(on.jacobianCondition!).toBeGreaterThanOrEqual(1);
    expect(Object.keys(on.spectra!).sort()).toEqual(['D/dense0/kernel', 'D/dense1/kernel', 'D/dense2/kernel', 'G/dense0/kernel', 'G/dense1/kernel', 'G/dense2/kernel']);
    expect(on.sigmaD).toBe(Math.max(on.spectra!['D/dense0/kernel'], on.spectra!['D/dense1/kernel'], on.spectra!['D/dense2/kernel']));
    expect(Number.isInteger(on.duplicates)).toBe(true);
  });
});
