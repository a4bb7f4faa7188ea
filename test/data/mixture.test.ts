import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { mixture1d, type Mixture1dParams } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const params: Mixture1dParams = { weights: [1, 2, 1], means: [-3, 0, 4], stds: [0.5, 1, 0.25] };

/** Mean, variance and fourth central moment of a Gaussian mixture with normalised weights `w`. */
function moments(w: number[], m: readonly number[], s: readonly number[]): { mean: number; variance: number; m4: number } {
  const mean = w.reduce((a, wi, i) => a + wi * m[i], 0);
  const variance = w.reduce((a, wi, i) => a + wi * (s[i] ** 2 + m[i] ** 2), 0) - mean ** 2;
  // E[(Y − μ)⁴] for Y ~ N(m, s²) is d⁴ + 6d²s² + 3s⁴ with d = m − μ.
  const m4 = w.reduce((a, wi, i) => {
    const d = m[i] - mean;
    return a + wi * (d ** 4 + 6 * d ** 2 * s[i] ** 2 + 3 * s[i] ** 4);
  }, 0);
  return { mean, variance, m4 };
}

describe('mixture1d', () => {
  it('exposes its components as modes with normalised weights', () => {
    const ds = mixture1d(params);
    expect(ds.name).toBe('mixture1d');
    expect(ds.shape).toEqual([1]);
    expect(ds.modes).toEqual([
      { center: [-3], std: 0.5, weight: 0.25 },
      { center: [0], std: 1, weight: 0.5 },
      { center: [4], std: 0.25, weight: 0.25 },
    ]);
  });

  it('matches the analytic mean and variance within five standard errors', () => {
    const N = 50_000;
    const xs = mixture1d(params).sampleArray(N, new Rng(21)).x;
    expect(xs).toHaveLength(N);
    const { mean, variance, m4 } = moments([0.25, 0.5, 0.25], params.means, params.stds);
    let s = 0;
    for (const x of xs) s += x;
    const empMean = s / N;
    let v = 0;
    for (const x of xs) v += (x - empMean) ** 2;
    const empVar = v / (N - 1);
    expect(Math.abs(empMean - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
    expect(Math.abs(empVar - variance)).toBeLessThan(5 * Math.sqrt((m4 - variance ** 2) / N));
  });

  it('draws each component in proportion to its weight', () => {
    const N = 20_000;
    const xs = mixture1d({ weights: [3, 1], means: [-10, 10], stds: [1, 1] }).sampleArray(N, new Rng(4)).x;
    const left = xs.filter((x) => x < 0).length;
    const se = Math.sqrt(N * 0.75 * 0.25);
    expect(left).toBeGreaterThan(0.75 * N - 5 * se);
    expect(left).toBeLessThan(0.75 * N + 5 * se);
  });

  it('gives each well-separated component its own mean and std, within five standard errors', () => {
    const N = 50_000;
    const xs = mixture1d({ weights: [3, 1], means: [-10, 10], stds: [1, 0.5] }).sampleArray(N, new Rng(6)).x;
    for (const [side, mean, std] of [[-1, -10, 1], [1, 10, 0.5]] as const) {
      const part = xs.filter((x) => Math.sign(x) === side);
      const m = part.reduce((a, x) => a + x, 0) / part.length;
      const sd = Math.sqrt(part.reduce((a, x) => a + (x - m) ** 2, 0) / (part.length - 1));
      expect(Math.abs(m - mean)).toBeLessThan((5 * std) / Math.sqrt(part.length));
      // The sample std of n normal draws has standard error ≈ σ/√(2n).
      expect(Math.abs(sd - std)).toBeLessThan((5 * std) / Math.sqrt(2 * part.length));
    }
  });

  it('is deterministic in the rng state, and sample is [n, 1]', () => {
    const ds = mixture1d(params);
    const a = ds.sampleArray(50, new Rng(9)).x;
    expect(ds.sampleArray(50, new Rng(9)).x).toEqual(a);
    expect(ds.sampleArray(50, new Rng(10)).x).not.toEqual(a);
    const t = ds.sample(50, new Rng(9)).x;
    expect(t.shape).toEqual([50, 1]);
    expect(t.dataSync()).toEqual(a);
    t.dispose();
  });

  it.each<[string, Mixture1dParams, string]>([
    ['unequal lengths', { weights: [1, 1], means: [0], stds: [1, 1] }, 'mixture1d: weights, means and stds must have equal lengths, got 2, 1 and 2'],
    ['no components', { weights: [], means: [], stds: [] }, 'mixture1d: weights must have at least one component'],
    ['a negative weight', { weights: [1, -1], means: [0, 1], stds: [1, 1] }, 'mixture1d: weights[1] must be a finite number ≥ 0, got -1'],
    ['weights summing to 0', { weights: [0, 0], means: [0, 1], stds: [1, 1] }, 'mixture1d: weights must have a positive sum, got 0'],
    ['a zero std', { weights: [1], means: [0], stds: [0] }, 'mixture1d: stds[0] must be a finite number > 0, got 0'],
    ['a NaN mean', { weights: [1], means: [Number.NaN], stds: [1] }, 'mixture1d: means[0] must be a finite number, got NaN'],
  ])('rejects %s', (_what, bad, message) => {
    expect(() => mixture1d(bad)).toThrow(DataError);
    expect(() => mixture1d(bad)).toThrow(message);
  });
});
