import { describe, expect, it } from 'vitest';
import {
  diracShiftPoint,
  divergenceCurves,
  gaussianDensity,
  gaussianMixtureDensity,
  jsDivergence,
  klDivergence,
  linspace,
  meanShiftGrid,
  meanShiftJs,
  meanShiftJsDerivative,
  uniformDensity,
  uniformGrid,
  uniformShiftPoint,
  wasserstein1,
} from '../../src/theory/index.ts';

const close = (actual: number, expected: number, tol: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
const LN2 = Math.LN2;
const standard = gaussianDensity(0, 1);

describe('JS on the grid', () => {
  it.each([
    ['N(0,1)', standard, uniformGrid(-12, 12, 2000)],
    ['a mixture', gaussianMixtureDensity([{ weight: 1, mean: -2, std: 0.5 }, { weight: 1, mean: 3, std: 1 }]), uniformGrid(-12, 12, 2000)],
    ['U[0,1]', uniformDensity(0, 1), uniformGrid(-1, 2, 30)],
  ])('JS(p, p) = 0 for %s', (_name, p, grid) => {
    close(jsDivergence(p, p, grid), 0, 1e-15);
  });

  it.each([
    ['U[0,1] vs U[2,3]', uniformDensity(0, 1), uniformDensity(2, 3)],
    ['U[0,1] vs U[1,2] (touching)', uniformDensity(0, 1), uniformDensity(1, 2)],
    ['U[-0.3,0.1] vs U[0.7,3]', uniformDensity(-0.3, 0.1), uniformDensity(0.7, 3)],
  ])('JS = log 2 for disjoint uniforms: %s', (_name, p, q) => {
    close(jsDivergence(p, q, uniformGrid(-1, 4, 50)), LN2, 1e-14);
  });

  it('JS is symmetric', () => {
    const [p, q] = [gaussianDensity(0, 1), gaussianDensity(1, 2)];
    const grid = uniformGrid(-15, 16, 6000);
    const js = jsDivergence(p, q, grid);
    expect(js).toBeGreaterThan(0.05);
    close(jsDivergence(q, p, grid), js, 1e-14);
  });
});

describe('Gaussian mean shift: N(0,1) vs N(μ,1)', () => {
  it.each([0.3, 1, 2.5, -4])('numerical KL = μ²/2 and W1 = |μ| (closed forms) at μ = %s', (mu) => {
    const q = gaussianDensity(mu, 1);
    const grid = meanShiftGrid(mu);
    close(klDivergence(standard, q, grid), (mu * mu) / 2, 1e-9);
    close(wasserstein1(standard, q, grid), Math.abs(mu), 1e-9);
  });

  it.each([0.001, 0.01, 0.05])('JS ≈ μ²/8 for small μ (Fisher information 1): μ = %s', (mu) => {
    // Numerically the next term is −μ⁴/64 (relative gap μ²/8); this table pins that to 1e-6.
    close(meanShiftJs(mu) / ((mu * mu) / 8), 1 - (mu * mu) / 8, 1e-6);
  });

  it.each([0.2, 1, 2, 4, 7])('dJS/dμ under the integral matches a central difference of JS at μ = %s', (mu) => {
    const h = 1e-4;
    const central = (meanShiftJs(mu + h) - meanShiftJs(mu - h)) / (2 * h);
    close(meanShiftJsDerivative(mu), central, 1e-7);
  });

  it('JS saturates at log 2 and its slope vanishes as μ grows to 30, while KL and W1 keep growing', () => {
    const curves = divergenceCurves('gaussian', linspace(0, 30, 61));
    expect(curves).toHaveLength(61);
    for (let i = 1; i < curves.length; i++) {
      expect(curves[i].js).toBeGreaterThanOrEqual(curves[i - 1].js);
      expect(curves[i].w1 - curves[i - 1].w1).toBeCloseTo(0.5, 12);
    }
    const last = curves[60];
    close(last.js, LN2, 1e-12);
    close(last.dJs, 0, 1e-12);
    expect(last).toMatchObject({ mu: 30, kl: 450, w1: 30, dKl: 30, dW1: 1 });
    // The JS slope peaks near μ ≈ 2 and has all but gone by μ = 10; the W1 slope never moves.
    const peak = Math.max(...curves.map((c) => c.dJs));
    expect(curves.find((c) => c.mu === 10)?.dJs).toBeLessThan(1e-5 * peak);
  });

  it.each([
    [0, 0, 0, 0, 0, 0, 0],
    [2, 0.33683082034683, 2, 2, 0.22479975460334, 2, 1],
  ])('curve row at μ = %s', (mu, js, kl, w1, dJs, dKl, dW1) => {
    const [row] = divergenceCurves('gaussian', [mu]);
    close(row.js, js, 1e-10);
    close(row.dJs, dJs, 1e-10);
    expect(row).toMatchObject({ mu, kl, w1, dKl, dW1 });
  });
});

describe('disjoint supports: Diracs δ₀ vs δ_θ', () => {
  it.each([
    [0.5, LN2, Infinity, 0.5, 0, 1],
    [-3, LN2, Infinity, 3, 0, -1],
    [1e-9, LN2, Infinity, 1e-9, 0, 1],
  ])('θ = %s: JS = log 2, KL = ∞, W1 = |θ|', (theta, js, kl, w1, dJs, dW1) => {
    expect(diracShiftPoint(theta)).toMatchObject({ mu: theta, js, kl, w1, dJs, dW1 });
    expect(diracShiftPoint(theta).dKl).toBeNaN();
  });

  it('θ = 0: everything is 0, and JS has no derivative (it jumps)', () => {
    const row = diracShiftPoint(0);
    expect(row).toMatchObject({ js: 0, kl: 0, w1: 0, dW1: 0 });
    expect(row.dJs).toBeNaN();
  });
});

describe('uniforms U[0,1] vs U[θ, θ+1]', () => {
  it.each([0.1, 0.37, 0.5, 0.999, -0.6, 1, 1.7, -2.2])('closed forms match quadrature at θ = %s', (theta) => {
    const [p, q] = [uniformDensity(0, 1), uniformDensity(theta, theta + 1)];
    const grid = uniformGrid(-3, 4, 700);
    const row = uniformShiftPoint(theta);
    close(row.js, Math.min(Math.abs(theta), 1) * LN2, 0);
    close(jsDivergence(p, q, grid), row.js, 1e-14);
    close(wasserstein1(p, q, grid), row.w1, 1e-13);
    expect(klDivergence(p, q, grid)).toBe(Infinity);
    expect(row.kl).toBe(Infinity);
  });

  it.each([
    [0.4, LN2, 1],
    [-0.4, -LN2, -1],
    [1, LN2 / 2, 1],
    [1.5, 0, 1],
    [0, 0, 0],
  ])('θ = %s: dJS/dθ = %s (one-sided mean at kinks), dW1/dθ = %s', (theta, dJs, dW1) => {
    const row = uniformShiftPoint(theta);
    close(row.dJs, dJs, 1e-15);
    expect(row.dW1).toBe(dW1);
  });

  it('the JS slope matches a central difference of the quadrature JS inside the overlap', () => {
    const js = (t: number) => jsDivergence(uniformDensity(0, 1), uniformDensity(t, t + 1), uniformGrid(-3, 4, 700));
    const h = 1e-3;
    close((js(0.6 + h) - js(0.6 - h)) / (2 * h), uniformShiftPoint(0.6).dJs, 1e-10);
  });
});

describe('linspace', () => {
  it.each([
    [0, 1, 5, [0, 0.25, 0.5, 0.75, 1]],
    [-2, 2, 3, [-2, 0, 2]],
  ])('linspace(%s, %s, %s)', (start, stop, count, expected) => {
    expect(linspace(start, stop, count)).toEqual(expected);
  });
});
