import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { medianBandwidth, mmd2, toPoints, type Points } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

function gaussian2d(n: number, rng: Rng, shiftX = 0): Points {
  const data = rng.normalArray(2 * n);
  for (let i = 0; i < n; i++) data[2 * i] += shiftX;
  return { data, dim: 2 };
}

/** Sample variance of g over the rows of `p`. */
function variance(p: Points, g: (x: number, y: number) => number): number {
  const n = p.data.length / 2;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = g(p.data[2 * i], p.data[2 * i + 1]);
    s += v;
    s2 += v * v;
  }
  return s2 / n - (s / n) ** 2;
}

describe('mmd2', () => {
  it('of a set with itself is −2(1 − A)/m, A the mean off-diagonal kernel value', () => {
    // Both within-set sums are A; the cross sum also holds the m diagonal terms k(x, x) = 1.
    const m = 300;
    const a = gaussian2d(m, new Rng(1));
    const h = medianBandwidth(a, a);
    let A = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const d2 = (a.data[2 * i] - a.data[2 * j]) ** 2 + (a.data[2 * i + 1] - a.data[2 * j + 1]) ** 2;
        A += Math.exp(-d2 / (2 * h * h)) / (m * (m - 1));
      }
    }
    expect(mmd2(a, a)).toBeCloseTo((-2 * (1 - A)) / m, 12);
  });

  it('of two samples of one distribution is 0 within 5 sds of the degenerate U-statistic', () => {
    // Under equal distributions Var(MMD²ᵤ) = 2E[h²]/(m(m − 1)), and |h| ≤ 2 since 0 < k ≤ 1.
    const m = 500;
    const rng = new Rng(2);
    const v = mmd2(gaussian2d(m, rng), gaussian2d(m, rng));
    expect(Math.abs(v)).toBeLessThan(5 * Math.sqrt(8 / (m * (m - 1))));
  });

  it('of N(0,I) vs N((1,0),I) with h = 1 is 2(h²/(h²+2))^{d/2}(1 − e^{−μ²/(2(h²+2))}) within 5 sds', () => {
    // E k(x, x′) for x − x′ ~ N(δ, 2I) is (h²/(h²+2))^{d/2} e^{−‖δ‖²/(2(h²+2))}; with d = 2, h = 1:
    // MMD² = (2/3)(1 − e^{−1/6}). First-order U-statistic variance (Serfling): 4(Var_P g + Var_Q g)/m,
    // g(x) = E_P k(x, X) − E_Q k(x, Y) = ½[e^{−‖x‖²/4} − e^{−‖x−μ‖²/4}] in closed form, its
    // variances estimated on the samples themselves.
    const m = 1000;
    const rng = new Rng(3);
    const x = gaussian2d(m, rng);
    const y = gaussian2d(m, rng, 1);
    const exact = (2 / 3) * (1 - Math.exp(-1 / 6));
    const g = (u: number, w: number) => 0.5 * (Math.exp(-(u * u + w * w) / 4) - Math.exp(-((u - 1) ** 2 + w * w) / 4));
    const sd = Math.sqrt((4 * (variance(x, g) + variance(y, g))) / m);
    expect(Math.abs(mmd2(x, y, { bandwidth: 1 }) - exact)).toBeLessThan(5 * sd);
  });

  it('increases with the shift', () => {
    const m = 400;
    const rng = new Rng(4);
    const x = gaussian2d(m, rng);
    const h = medianBandwidth(x, gaussian2d(m, new Rng(5)));
    const values = [0, 1, 2, 4].map((s) => mmd2(x, gaussian2d(m, rng, s), { bandwidth: h }));
    const nullBound = 5 * Math.sqrt(8 / (m * (m - 1))); // as in the test above
    expect(Math.abs(values[0])).toBeLessThan(nullBound);
    expect(values[1]).toBeGreaterThan(nullBound);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
  });

  it('uses the median heuristic by default', () => {
    const rng = new Rng(6);
    const x = gaussian2d(200, rng);
    const y = gaussian2d(150, rng, 1);
    expect(mmd2(x, y)).toBe(mmd2(x, y, { bandwidth: medianBandwidth(x, y) }));
  });

  it('refuses sets of one point, mismatched dims and a bad bandwidth', () => {
    const a = toPoints([[0, 0], [1, 1]]);
    expect(() => mmd2(toPoints([[0, 0]]), a)).toThrow(/at least 2/);
    expect(() => mmd2(a, toPoints([[0], [1]]))).toThrow(/different dims/);
    expect(() => mmd2(a, a, { bandwidth: 0 })).toThrow(DataError);
  });
});

describe('medianBandwidth', () => {
  it('is the median pairwise distance of the pooled points', () => {
    // Distances 1, 3, 2 → median 2; with a fourth point at 10: 1, 3, 10, 2, 9, 7 → (3 + 7)/2 = 5.
    expect(medianBandwidth(toPoints([[0], [1]]), toPoints([[3]]))).toBe(2);
    expect(medianBandwidth(toPoints([[0], [1]]), toPoints([[3], [10]]))).toBe(5);
  });

  it('strides through large sets deterministically and falls back to 1 when all points coincide', () => {
    const rng = new Rng(7);
    const x = gaussian2d(3000, rng);
    const y = gaussian2d(3000, rng);
    const h = medianBandwidth(x, y, 500);
    expect(h).toBe(medianBandwidth(x, y, 500));
    // For two N(0, I₂) points ‖x − x′‖² is 2χ²₂, whose median is 4 ln 2: median distance 2√(ln 2) ≈ 1.665.
    expect(h).toBeCloseTo(2 * Math.sqrt(Math.LN2), 1);
    expect(medianBandwidth(toPoints([[1, 1], [1, 1]]), toPoints([[1, 1]]))).toBe(1);
  });
});
