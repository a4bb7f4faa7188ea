import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { points, type Mode } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const rows = [
  [0, 0.5],
  [1, 2],
  [2, 0],
  [5, -5],
];

describe('points', () => {
  it('samples the given rows uniformly with replacement', () => {
    const ds = points(rows, 2, { name: 'quad' });
    expect(ds.name).toBe('quad');
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toBeUndefined();
    const N = 20_000;
    const xs = ds.sampleArray(N, new Rng(1)).x;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      const k = rows.findIndex(([x, y]) => x === xs[2 * i] && y === xs[2 * i + 1]);
      expect(k).toBeGreaterThanOrEqual(0);
      counts[k]++;
    }
    const se = Math.sqrt(N * 0.25 * 0.75);
    for (const c of counts) {
      expect(c).toBeGreaterThan(N / 4 - 5 * se);
      expect(c).toBeLessThan(N / 4 + 5 * se);
    }
  });

  it('accepts a flat Float32Array and draws as the rows form does', () => {
    const flat = Float32Array.from(rows.flat());
    const a = points(flat, 2).sampleArray(64, new Rng(2)).x;
    expect(a).toEqual(points(rows, 2).sampleArray(64, new Rng(2)).x);
    expect(points(flat, 2).name).toBe('points');
    expect(points(flat, 4).shape).toEqual([4]);
  });

  it('keeps its own copy of the data', () => {
    const mine = rows.map((r) => [...r]);
    const flat = Float32Array.from(rows.flat());
    const fromRows = points(mine, 2);
    const fromFlat = points(flat, 2);
    const before = fromRows.sampleArray(32, new Rng(3)).x;
    mine[0][0] = 99;
    flat.fill(99);
    expect(fromRows.sampleArray(32, new Rng(3)).x).toEqual(before);
    expect(fromFlat.sampleArray(32, new Rng(3)).x).toEqual(before);
  });

  it('is deterministic in the rng state, and sample is [n, dim]', () => {
    const ds = points(rows, 2);
    const a = ds.sampleArray(50, new Rng(4)).x;
    expect(ds.sampleArray(50, new Rng(4)).x).toEqual(a);
    expect(ds.sampleArray(50, new Rng(5)).x).not.toEqual(a);
    const t = ds.sample(50, new Rng(4)).x;
    expect(t.shape).toEqual([50, 2]);
    expect(t.dataSync()).toEqual(a);
    t.dispose();
  });

  it('carries a modes hint with normalised weights', () => {
    const modes: Mode[] = [
      { center: [0, 0], std: 0.1, weight: 3 },
      { center: [5, -5], std: 0.2, weight: 1 },
    ];
    const ds = points(rows, 2, { modes });
    expect(ds.modes).toEqual([
      { center: [0, 0], std: 0.1, weight: 0.75 },
      { center: [5, -5], std: 0.2, weight: 0.25 },
    ]);
  });

  it.each<[string, () => unknown, string]>([
    ['no rows', () => points([], 2, { name: 'mine' }), 'mine: no points given'],
    ['an empty Float32Array', () => points(new Float32Array(0), 2), 'points: no points given'],
    ['a row of the wrong length', () => points([[1, 2], [3, 4, 5]], 2), 'points: point 1 has 3 values, expected 2 (dim)'],
    ['a NaN coordinate', () => points([[1, Number.NaN]], 2), 'points: point 0, coordinate 1 must be a finite number, got NaN'],
    ['a value beyond float32', () => points([[1, 1e39]], 2), 'points: point 0, coordinate 1 is not a finite float32 value'],
    ['a flat length not a multiple of dim', () => points(new Float32Array(5), 2), 'points: flat data has 5 values, which is not a multiple of dim 2'],
    ['dim 0', () => points(rows, 0), 'points: dim must be an integer ≥ 1, got 0'],
    ['a mode centre of the wrong length', () => points(rows, 2, { modes: [{ center: [0], std: 1, weight: 1 }] }), 'points: modes[0].center must be 2 finite numbers (dim)'],
    ['a mode with std 0', () => points(rows, 2, { modes: [{ center: [0, 0], std: 0, weight: 1 }] }), 'points: modes[0].std must be a finite number > 0, got 0'],
  ])('rejects %s', (_what, build, message) => {
    expect(build).toThrow(DataError);
    expect(build).toThrow(message);
  });
});
