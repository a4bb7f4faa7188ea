import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import {
  gridDivergences,
  histogram,
  histogram2d,
  histogramDivergences,
  jsDivergence,
  klDivergence,
  sharedRange,
  smoothedDistribution,
  type Points,
} from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** Number of bins that either histogram fills: the B of the finite-sample bias (B − 1)/n. */
function occupied(a: Float64Array, b: Float64Array): number {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (a[i] + b[i] > 0) k++;
  return k;
}

function gaussian2d(n: number, rng: Rng, shiftX = 0): Points {
  const data = rng.normalArray(2 * n);
  for (let i = 0; i < n; i++) data[2 * i] += shiftX;
  return { data, dim: 2 };
}

describe('discrete divergences', () => {
  it('match hand computations', () => {
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 14);
    expect(klDivergence([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(klDivergence([0, 1], [0.5, 0.5])).toBeCloseTo(Math.LN2, 14);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(jsDivergence([1, 0], [0, 1])).toBeCloseTo(Math.LN2, 14);
    // m = (0.75, 0.25): JS = ½[log(1/0.75)] + ½[½ log(0.5/0.75) + ½ log(0.5/0.25)].
    expect(jsDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2), 14);
    expect(() => klDivergence([1], [0.5, 0.5])).toThrow(DataError);
  });

  it('smooths counts with α pseudo-counts per bin', () => {
    expect(Array.from(smoothedDistribution([3, 0], 0.5))).toEqual([0.875, 0.125]);
    expect(Array.from(smoothedDistribution([2, 2, 0, 0], 0))).toEqual([0.5, 0.5, 0, 0]);
    expect(() => smoothedDistribution([0, 0], 0)).toThrow(DataError);
  });
});

describe('histograms', () => {
  it('bin half-open intervals, the last closed, and clamp outliers into the edge bins', () => {
    expect(Array.from(histogram([0, 0.49, 0.5, 1, -1, 2], 2, [0, 1]))).toEqual([3, 3]);
    expect(Array.from(histogram([0.1, 0.35, 0.6, 0.85], 4, [0, 1]))).toEqual([1, 1, 1, 1]);
    expect(sharedRange([0, 1], [3, -2])).toEqual([-2, 3]);
    expect(sharedRange([4, 4], [4])).toEqual([3.5, 4.5]);
    expect(() => histogram([0], 2, [1, 1])).toThrow(DataError);
  });

  it('index 2-D cells as i·binsY + j', () => {
    const counts = histogram2d({ data: Float32Array.of(0.1, 0.1, 0.1, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9, 0.9), dim: 2 }, [2, 3], [0, 1], [0, 1]);
    expect(Array.from(counts)).toEqual([1, 0, 1, 1, 0, 2]);
  });
});

describe('histogramDivergences (1-D)', () => {
  const n = 50_000;
  const bins = 50;

  it('of two samples of one Gaussian are the plug-in bias (B − 1)/n for KL and a quarter of it for JS', () => {
    const rng = new Rng(1);
    const a = rng.normalArray(n);
    const b = rng.normalArray(n);
    const d = histogramDivergences(a, b, { bins });
    const range = sharedRange(a, b);
    const B = occupied(histogram(a, bins, range), histogram(b, bins, range));
    // n·KL ≈ χ²_{B−1}/2 · 2 = χ²_{B−1} (second-order expansion; 1e-6 quantiles of χ²₄₉ are 0.31 and 2.27
    // times its mean), and JS ≈ KL/4 sample by sample, since both are the same quadratic form.
    const mean = (B - 1) / n;
    for (const kl of [d.kl, d.reverseKL]) {
      expect(kl).toBeGreaterThan(0.3 * mean);
      expect(kl).toBeLessThan(2.3 * mean);
    }
    expect(d.js / d.kl).toBeCloseTo(0.25, 1);
  });

  // N(0,1) vs N(μ,1): KL = μ²/2 both ways. With f = log p/q = μ²/2 − μx the estimate's sd is
  // √((Var_p f + Var_q(p/q)) / n) = √((μ² + e^{μ²} − 1) / n) (delta method on the two histograms);
  // binning loses about h²μ²/24 (h the bin width), and the plug-in adds about (B − 1)/n.
  it.each([0.5, 1, 2])('of N(0,1) vs N(%f,1) are μ²/2 within 5 sds plus bias', (mu) => {
    const rng = new Rng(10 + mu);
    const real = rng.normalArray(n);
    const fake = rng.normalArray(n, mu);
    const d = histogramDivergences(real, fake, { bins });
    const [lo, hi] = sharedRange(real, fake);
    const h = (hi - lo) / bins;
    const tol = 5 * Math.sqrt((mu * mu + Math.exp(mu * mu) - 1) / n) + (h * h * mu * mu) / 24 + bins / n;
    expect(Math.abs(d.kl - (mu * mu) / 2)).toBeLessThan(tol);
    expect(Math.abs(d.reverseKL - (mu * mu) / 2)).toBeLessThan(tol);
    expect(d.js).toBeLessThan(Math.LN2);
  });

  it('of N(0,1) vs N(0,2²) give KL = log(σ2/σ1) + σ1²/(2σ2²) − ½ within 5 sds plus bias', () => {
    const rng = new Rng(3);
    const real = rng.normalArray(n);
    const fake = rng.normalArray(n, 0, 2);
    const d = histogramDivergences(real, fake, { bins });
    const exact = Math.log(2) + 1 / 8 - 0.5;
    // f = log 2 − 3x²/8: Var_p f = (9/64)·2; E_q[(p/q)²] = ∫p²/q = 2√(4/7), so Var_q(p/q) = 2√(4/7) − 1.
    // Binning: E_p[f′²] = 9/16.
    const sd = Math.sqrt((18 / 64 + 2 * Math.sqrt(4 / 7) - 1) / n);
    const [lo, hi] = sharedRange(real, fake);
    const h = (hi - lo) / bins;
    expect(Math.abs(d.kl - exact)).toBeLessThan(5 * sd + (h * h * 9) / 16 / 24 + bins / n);
    // The other direction weighs N(0,4)'s tails, where N(0,1) has no samples: smoothing caps log(q/p)
    // there and the estimate falls short of the exact log(1/2) + 2 − ½ = 0.807.
    expect(d.reverseKL).toBeLessThan(Math.log(0.5) + 2 - 0.5);
  });

  it('of disjoint supports give JS ≈ log 2 within 1e-2 with light smoothing, and finite KLs', () => {
    const rng = new Rng(4);
    const d = histogramDivergences(rng.uniformArray(10_000, 0, 1), rng.uniformArray(10_000, 2, 3), { bins: 30, smoothing: 0.01 });
    expect(Math.abs(d.js - Math.LN2)).toBeLessThan(1e-2);
    expect(d.js).toBeLessThanOrEqual(Math.LN2);
    expect(Number.isFinite(d.kl) && d.kl > 5).toBe(true);
    // Without smoothing the plug-in KL of disjoint histograms is infinite; JS stays log 2.
    const raw = histogramDivergences(Float64Array.of(0, 0.1), Float64Array.of(2, 3), { bins: 4, smoothing: 0 });
    expect(raw.kl).toBe(Infinity);
    expect(raw.js).toBeCloseTo(Math.LN2, 14);
  });

  it('use a given range and refuse bad options', () => {
    const d = histogramDivergences([0.1, 0.6], [0.2, 0.7], { bins: 2, range: [0, 1], smoothing: 0 });
    expect(d).toEqual({ kl: 0, reverseKL: 0, js: 0 });
    expect(() => histogramDivergences([0], [1], { bins: 0 })).toThrow(/bins must be/);
    expect(() => histogramDivergences([0], [1], { smoothing: -1 })).toThrow(/smoothing must be/);
    expect(() => histogramDivergences([], [1])).toThrow(DataError);
  });
});

describe('gridDivergences (2-D)', () => {
  const n = 50_000;

  it('of two samples of one 2-D Gaussian are the plug-in bias (B − 1)/n', () => {
    const rng = new Rng(5);
    const a = gaussian2d(n, rng);
    const b = gaussian2d(n, rng);
    const d = gridDivergences(a, b, { bins: 20 });
    const xs = (p: Points, k: number) => p.data.filter((_, i) => i % 2 === k);
    const rx = sharedRange(xs(a, 0), xs(b, 0));
    const ry = sharedRange(xs(a, 1), xs(b, 1));
    const B = occupied(histogram2d(a, [20, 20], rx, ry), histogram2d(b, [20, 20], rx, ry));
    // χ²_{B−1} with B ≈ 260: 1e-6 quantiles are about 0.6 and 1.45 times its mean.
    expect(d.kl).toBeGreaterThan(0.6 * ((B - 1) / n));
    expect(d.kl).toBeLessThan(1.45 * ((B - 1) / n));
  });

  it('of N(0,I) vs N((1,0),I) give KL = ½ within 5 sds plus binning and plug-in bias', () => {
    const rng = new Rng(6);
    const d = gridDivergences(gaussian2d(n, rng), gaussian2d(n, rng, 1), { bins: 20 });
    // As in 1-D with μ = 1 (the y axis carries no information); cells about 0.5 wide; B ≤ 400.
    const tol = 5 * Math.sqrt(Math.E / n) + (0.5 * 0.5) / 24 + 400 / n;
    expect(Math.abs(d.kl - 0.5)).toBeLessThan(tol);
    expect(Math.abs(d.reverseKL - 0.5)).toBeLessThan(tol);
  });

  it('of disjoint squares give JS ≈ log 2 within 1e-2 with light smoothing', () => {
    const rng = new Rng(7);
    const real = { data: rng.uniformArray(20_000, 0, 1), dim: 2 };
    const fake = { data: rng.uniformArray(20_000, 2, 3), dim: 2 };
    expect(Math.abs(gridDivergences(real, fake, { smoothing: 0.01 }).js - Math.LN2)).toBeLessThan(1e-2);
    // The default α = 0.5 puts 200 pseudo-counts in 400 cells against 10,000 samples: visibly below log 2.
    expect(gridDivergences(real, fake).js).toBeLessThan(Math.LN2 - 1e-2);
  });

  it('refuses points that are not 2-D', () => {
    expect(() => gridDivergences({ data: Float32Array.of(1, 2, 3), dim: 3 }, { data: Float32Array.of(1, 2, 3), dim: 3 })).toThrow(/2-D/);
  });
});
