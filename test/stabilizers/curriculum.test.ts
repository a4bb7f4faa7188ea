import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { curriculumModes, curriculumSigma, modesCurriculum } from '../../src/stabilizers/index.ts';
import { ring8 } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { evaluate } from '../../src/train/evaluator.ts';
import { encodeCheckpoint, ganStep, restoreCheckpoint, type GanSession, type StepRecord } from '../../src/train/index.ts';
import { sampleReal } from '../../src/train/session.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const RING8 = { kind: 'ring8' } as const;
const RING8_STD = 0.02;
const centers = ring8().modes!.map((m) => m.center);

/** A real training batch of the session at its current step, as rows. */
const realBatch = (s: GanSession, n: number) => {
  const { x: t } = sampleReal(s, n);
  const values = t.arraySync() as number[][];
  t.dispose();
  return values;
};

/** Index of the ring8 mode nearest to a point. */
const nearestMode = ([x, y]: number[]) => centers.reduce((best, c, k) => (Math.hypot(x - c[0], y - c[1]) < Math.hypot(x - centers[best][0], y - centers[best][1]) ? k : best), 0);

/** Pearson's χ² of counts against equal expected shares. */
const chiSquare = (counts: number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
};

/** Per-coordinate variance of rows. */
const variances = (pts: number[][]) =>
  pts[0].map((_, j) => {
    const mean = pts.reduce((s, p) => s + p[j], 0) / pts.length;
    return pts.reduce((s, p) => s + (p[j] - mean) ** 2, 0) / pts.length;
  });

const withoutTime = ({ ms: _ms, ...rest }: StepRecord) => rest;

describe('curriculum config', () => {
  it('fills each kind’s defaults', () => {
    expect(tinyConfig({ stabilizers: [{ name: 'curriculum' }] }).stabilizers).toEqual([{ name: 'curriculum', kind: 'modes', start: 1, until: 1000 }]);
    expect(tinyConfig({ stabilizers: [{ name: 'curriculum', kind: 'noise', until: 50 }] }).stabilizers).toEqual([{ name: 'curriculum', kind: 'noise', sigma: 0.5, until: 50 }]);
  });

  it.each([
    ['unknown kind', [{ name: 'curriculum', kind: 'blur' }], /stabilizers\[0\]\.kind: got "blur"; allowed: "modes", "noise"/],
    ['sigma with modes', [{ name: 'curriculum', sigma: 0.3 }], /stabilizers\[0\]\.sigma: applies to kind "noise" only; kind "modes" takes start and until/],
    ['start with noise', [{ name: 'curriculum', kind: 'noise', start: 2 }], /stabilizers\[0\]\.start: applies to kind "modes" only; kind "noise" takes sigma and until/],
    ['zero start', [{ name: 'curriculum', start: 0 }], /stabilizers\[0\]\.start: .*(>=1|greater|too small)/i],
    ['zero until', [{ name: 'curriculum', until: 0 }], /stabilizers\[0\]\.until: .*(>0|positive|greater|too small)/i],
    ['negative sigma', [{ name: 'curriculum', kind: 'noise', sigma: -1 }], /stabilizers\[0\]\.sigma: .*(>0|positive|greater|too small)/i],
  ])('%s', (_name, stabilizers, message) => {
    expect(configErrorOf(() => tinyConfig({ stabilizers })).message).toMatch(message);
  });

  it('refuses kind modes on data without known modes, and more start modes than the data has', () => {
    const spiral = configErrorOf(() => sessionFromConfig(tinyConfig({ data: { kind: 'spiral' }, stabilizers: [{ name: 'curriculum', kind: 'modes' }] })));
    expect(spiral.message).toMatch(/stabilizers\[0\]\.kind: got "modes", but data "spiral" has no known modes .*; allowed here: "noise"/);
    expect(spiral.issues[0].field).toBe('stabilizers[0].kind');
    expect(sessionFromConfig(tinyConfig({ data: { kind: 'spiral' }, stabilizers: [{ name: 'curriculum', kind: 'noise' }] })).trainingData).toBeDefined();
    expect(configErrorOf(() => sessionFromConfig(tinyConfig({ data: RING8, stabilizers: [{ name: 'curriculum', start: 9 }] }))).message).toMatch(
      /stabilizers\[0\]\.start: got 9, but data "ring8" has 8 modes; allowed: 1 to 8/,
    );
  });
});

describe('the schedules', () => {
  it.each([
    [0, 1],
    [1, 1],
    [14, 1],
    [15, 2],
    [50, 4],
    [99, 7],
    [100, 8],
    [250, 8],
  ])('modes after %i of 100 steps, from 1 of 8: %i', (step, m) => {
    expect(curriculumModes(step, 1, 8, 100)).toBe(m);
  });

  it.each([
    [0, 0.5],
    [50, 0.25],
    [75, 0.125],
    [100, 0],
    [130, 0],
  ])('σ after %i of 100 steps from σ0 = 0.5: %f', (step, sigma) => {
    expect(curriculumSigma(step, 0.5, 100)).toBeCloseTo(sigma, 12);
  });
});

describe('curriculum over modes', () => {
  const session = () => sessionFromConfig(tinyConfig({ data: RING8, stabilizers: [{ name: 'curriculum', start: 1, until: 100 }] }));

  it('at step 0 every real training batch lies within 4σ of the first mode', () => {
    const s = session();
    expect(s.trainingData).toBeDefined();
    for (let b = 0; b < 4; b++) {
      for (const [x, y] of realBatch(s, 256)) {
        expect(Math.abs(x - 2)).toBeLessThan(4 * RING8_STD);
        expect(Math.abs(y)).toBeLessThan(4 * RING8_STD);
      }
    }
  });

  it('half way, batches come from the first 4 modes in equal shares', () => {
    const s = session();
    s.step = 50;
    const counts = new Array(8).fill(0);
    for (const p of realBatch(s, 4000)) counts[nearestMode(p)]++;
    expect(counts.slice(4)).toEqual([0, 0, 0, 0]);
    expect(chiSquare(counts.slice(0, 4))).toBeLessThan(16.3); // χ²(3) at p = 0.001
  });

  it('from `until` on, batches are the data itself: the same draws, in all modes’ proportions', () => {
    const s = session();
    s.step = 100;
    const rngState = s.rngs.data.getState();
    const batch = realBatch(s, 4000);
    const replay = new Rng(0);
    replay.setState(rngState);
    expect(batch.flat()).toEqual(Array.from(s.data.sampleArray(4000, replay).x));
    const counts = new Array(8).fill(0);
    for (const p of batch) counts[nearestMode(p)]++;
    expect(chiSquare(counts)).toBeLessThan(24.3); // χ²(7) at p = 0.001
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('logs the number of modes in each step record, and the schedule follows a restored step', async () => {
    const s = sessionFromConfig(tinyConfig({ data: RING8, stabilizers: [{ name: 'curriculum', until: 8 }] }));
    const counts = Array.from({ length: 4 }, () => ganStep(s).extras?.curriculumModes);
    expect(counts).toEqual([1, 1, 2, 3]);
    const ckpt = await encodeCheckpoint(s);
    const b = sessionFromConfig(tinyConfig({ data: RING8, stabilizers: [{ name: 'curriculum', until: 8 }] }));
    restoreCheckpoint(b, ckpt, 'memory');
    const next = (x: GanSession) => Array.from({ length: 5 }, () => withoutTime(ganStep(x)));
    const continued = next(b);
    expect(continued).toEqual(next(s));
    expect(continued.map((r) => r.extras?.curriculumModes)).toEqual([4, 5, 6, 7, 8]);
  });

  it('evaluation measures against the true data, all modes, not the curriculum’s', () => {
    const s = session();
    const plain = sessionFromConfig(tinyConfig({ data: RING8 }));
    const options = { samples: 800, seed: 3, snapshotPoints: 800, surfaceResolution: 4 };
    const real = evaluate(s, options).snapshot.real;
    expect(real).toEqual(evaluate(plain, options).snapshot.real);
    expect(new Set(real.map(nearestMode)).size).toBe(8);
    expect(s.data.name).toBe('ring8');
  });

  it('renormalizes the weights of the modes it keeps', () => {
    const data = { kind: 'mixture1d', weights: [3, 1, 4], means: [-10, 0, 10], stds: [0.1, 0.1, 0.1] };
    const s = sessionFromConfig(tinyConfig({ data, stabilizers: [{ name: 'curriculum', kind: 'modes', start: 2, until: 100 }] }));
    const xs = realBatch(s, 8000).map(([x]) => x);
    const left = xs.filter((x) => x < -5).length / xs.length;
    expect(xs.every((x) => x < 5)).toBe(true);
    expect(left).toBeGreaterThan(0.75 - 0.02); // 3/(3+1); standard error 0.005
    expect(left).toBeLessThan(0.75 + 0.02);
  });

  it('a modes curriculum built by hand wraps any dataset with modes', () => {
    const c = modesCurriculum({ modes: ring8().modes!, start: 2, until: 10 });
    let step = 0;
    const data = c.build!.wrapData!(ring8(), () => step);
    const near = (d: typeof data) => {
      const flat = d.sampleArray(300, new Rng(1)).x;
      return Array.from({ length: 300 }, (_, i) => nearestMode([flat[2 * i], flat[2 * i + 1]]));
    };
    expect(new Set(near(data))).toEqual(new Set([0, 1]));
    step = 10;
    expect(new Set(near(data)).size).toBe(8);
  });
});

describe('curriculum over noise', () => {
  // The tiny data: one Gaussian at (3, 0), std 0.1 per coordinate.
  const session = (sigma: number) => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'curriculum', kind: 'noise', sigma, until: 100 }] }));

  it('blurs real batches: at step 0 the variance grows by σ0², half way by (σ0/2)², at `until` not at all', () => {
    const s = session(0.5);
    // Var = 0.1² + σ²; with 20,000 points its standard error is Var·√(2/20000) = Var/100.
    for (const [step, expected] of [
      [0, 0.01 + 0.25],
      [50, 0.01 + 0.0625],
      [100, 0.01],
    ] as const) {
      s.step = step;
      for (const v of variances(realBatch(s, 20000))) {
        expect(v).toBeGreaterThan(expected * 0.95);
        expect(v).toBeLessThan(expected * 1.05);
      }
    }
  });

  it('keeps the mean, logs σ, and leaves G’s samples and evaluation alone', () => {
    const s = session(0.5);
    const pts = realBatch(s, 20000);
    expect(pts.reduce((a, p) => a + p[0], 0) / pts.length).toBeCloseTo(3, 1);
    expect(ganStep(s).extras).toEqual({ curriculumSigma: 0.5 });
    expect(ganStep(s).extras).toEqual({ curriculumSigma: 0.495 });
    const plain = sessionFromConfig(tinyConfig());
    const options = { samples: 300, seed: 2, snapshotPoints: 300, surfaceResolution: 4 };
    expect(evaluate(s, options).snapshot.real).toEqual(evaluate(plain, options).snapshot.real);
  });

  it('draws no tensors it does not free over training steps', () => {
    const s = session(0.3);
    ganStep(s);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) ganStep(s);
    expect(tf.memory().numTensors).toBe(before);
  });
});
