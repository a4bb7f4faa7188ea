import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { grid, grid25 } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('grid25', () => {
  const ds = grid25();

  it('has exactly the 25 centres {−4, −2, 0, 2, 4}², std 0.05, equal weights', () => {
    const coords = [-4, -2, 0, 2, 4];
    const expected = coords.flatMap((x) => coords.map((y) => [x, y]));
    expect(ds.name).toBe('grid25');
    expect(ds.shape).toEqual([2]);
    expect(ds.modes?.map((m) => m.center)).toEqual(expected);
    for (const m of ds.modes ?? []) {
      expect(m.std).toBe(0.05);
      expect(m.weight).toBeCloseTo(1 / 25, 15);
    }
  });

  it('gives every mode 4% of 20k samples within five standard errors, with per-coordinate std 0.05', () => {
    const N = 20_000;
    const xs = ds.sampleArray(N, new Rng(11)).x;
    const counts = new Array<number>(25).fill(0);
    let sq = 0;
    for (let i = 0; i < N; i++) {
      // Nearest centre on a spacing-2 grid: round each coordinate to the nearest even number.
      const cx = Math.min(4, Math.max(-4, 2 * Math.round(xs[2 * i] / 2)));
      const cy = Math.min(4, Math.max(-4, 2 * Math.round(xs[2 * i + 1] / 2)));
      counts[((cx + 4) / 2) * 5 + (cy + 4) / 2]++;
      sq += (xs[2 * i] - cx) ** 2 + (xs[2 * i + 1] - cy) ** 2;
    }
    const se = Math.sqrt(N * 0.04 * 0.96);
    for (const c of counts) {
      expect(c).toBeGreaterThan(N * 0.04 - 5 * se);
      expect(c).toBeLessThan(N * 0.04 + 5 * se);
    }
    const std = Math.sqrt(sq / (2 * N));
    expect(std).toBeGreaterThan(0.0475);
    expect(std).toBeLessThan(0.0525);
  });

  it('draws the same numbers as grid() with its defaults, and differently for another seed', () => {
    const a = ds.sampleArray(100, new Rng(2)).x;
    expect(grid().sampleArray(100, new Rng(2)).x).toEqual(a);
    expect(ds.sampleArray(100, new Rng(4)).x).not.toEqual(a);
  });

  it('sample gives a [n, 2] tensor', () => {
    const t = ds.sample(10, new Rng(2)).x;
    expect(t.shape).toEqual([10, 2]);
    t.dispose();
  });
});

describe('grid', () => {
  it('centres an even-sized grid on the origin', () => {
    const ds = grid({ size: 4, spacing: 1, std: 0.1 });
    const coords = [-1.5, -0.5, 0.5, 1.5];
    expect(ds.modes?.map((m) => m.center)).toEqual(coords.flatMap((x) => coords.map((y) => [x, y])));
    expect(ds.modes?.[0].weight).toBe(1 / 16);
  });

  it('has a single mode at the origin when size is 1', () => {
    expect(grid({ size: 1 }).modes?.map((m) => m.center)).toEqual([[0, 0]]);
  });

  it.each([
    [{ size: 0 }, 'grid: size must be an integer ≥ 1, got 0'],
    [{ spacing: 0 }, 'grid: spacing must be a finite number > 0, got 0'],
    [{ std: -0.1 }, 'grid: std must be a finite number > 0, got -0.1'],
  ])('rejects %j', (params, message) => {
    expect(() => grid(params)).toThrow(DataError);
    expect(() => grid(params)).toThrow(message);
  });
});
