import { beforeAll, describe, expect, it } from 'vitest';
import {
  autodiffLogitGradients,
  diracGan,
  diracGanVerdict,
  jsVsWasserstein,
  jsVsWassersteinVerdict,
  logit,
  minimaxLogitGradient,
  nonSaturatingLogitGradient,
  resolveSettings,
  saturationCurve,
  saturationVerdict,
  xyGame,
  xyGameVerdict,
  type ScenarioDefinition,
  type ScenarioOutput,
} from '../../src/scenarios/index.ts';
import { minimax, nonSaturating } from '../../src/losses/index.ts';
import { BILINEAR_METHODS, bilinearEigenvalues, complexAbs, gaussianDensity, klDivergence, meanShiftGrid, wasserstein1 } from '../../src/theory/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

async function runDefault(scenario: ScenarioDefinition, overrides: Record<string, number> = {}): Promise<ScenarioOutput> {
  return scenario.run({ settings: resolveSettings(scenario, overrides), log: () => {}, tick: async () => {} });
}

beforeAll(() => selectTestBackend('cpu'));

describe('saturation-curve', () => {
  it('autodiff through the minimax and non-saturating losses gives D and 1 − D to 1e-6', () => {
    const ds = [1e-6, 1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9, 0.999];
    const mm = autodiffLogitGradients(minimax, ds.map(logit));
    const ns = autodiffLogitGradients(nonSaturating, ds.map(logit));
    ds.forEach((d, i) => {
      expect(mm[i]).toBeCloseTo(minimaxLogitGradient(d), 6);
      expect(ns[i]).toBeCloseTo(nonSaturatingLogitGradient(d), 6);
    });
  });

  it('logit inverts the sigmoid', () => {
    for (const d of [1e-9, 0.3, 0.5, 0.999]) expect(1 / (1 + Math.exp(-logit(d)))).toBeCloseTo(d, 12);
  });

  it('holds at its defaults with the issue’s numbers', async () => {
    const out = await runDefault(saturationCurve);
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.minimaxGradient).toBeCloseTo(1e-3, 6);
    expect(out.measured.nonSaturatingGradient).toBeCloseTo(0.999, 6);
    expect(out.measured.maxAutodiffError).toBeLessThan(1e-6);
    expect(out.verdict.text).toMatch(/^holds: minimax .* = 1\.000e-3 < 0\.01; non-saturating .* = 0\.999 > 0\.99$/);
  });

  it('does not hold where D is not confident (D = 0.1), and says so with the number', async () => {
    const out = await runDefault(saturationCurve, { at: 0.1 });
    expect(out.verdict.holds).toBe(false);
    expect(out.verdict.text).toContain('= 0.1 ≥ 0.01');
  });

  it.each([
    [{ at: 1e-3, minimaxGradient: 0.02, nonSaturatingGradient: 0.999 }],
    [{ at: 1e-3, minimaxGradient: 1e-3, nonSaturatingGradient: 0.98 }],
    [{ at: 1e-3, minimaxGradient: Number.NaN, nonSaturatingGradient: 0.999 }],
  ])('a doctored measurement %j flips the verdict', (m) => {
    expect(saturationVerdict({ at: 1e-3, minimaxGradient: 1e-3, nonSaturatingGradient: 0.999 }).holds).toBe(true);
    expect(saturationVerdict(m).holds).toBe(false);
  });
});

describe('js-vs-wasserstein', () => {
  it('quadrature matches the closed forms: W1 = |μ| and KL = μ²/2 to 1e-6', () => {
    for (const mu of [0.5, 2, 5]) {
      const p = gaussianDensity(0, 1);
      const q = gaussianDensity(mu, 1);
      expect(wasserstein1(p, q, meanShiftGrid(mu))).toBeCloseTo(mu, 6);
      expect(klDivergence(p, q, meanShiftGrid(mu))).toBeCloseTo((mu * mu) / 2, 6);
    }
  });

  it('holds at its defaults: JS at log 2 to 1e-6 with no gradient, W1 slope 1, W1 = |μ| on the whole curve', async () => {
    const out = await runDefault(jsVsWasserstein);
    expect(out.verdict.holds).toBe(true);
    expect(out.measured.js).toBeCloseTo(Math.LN2, 6);
    expect(out.measured.w1).toBeCloseTo(30, 6);
    expect(out.measured.dW1).toBeCloseTo(1, 6);
    expect(out.measured.uniformJs).toBeCloseTo(Math.LN2, 9);
    expect(out.measured.uniformDW1).toBeCloseTo(1, 6);
    expect(out.measured.w1MaxErrorVsAbsMu).toBeLessThan(1e-6);
    // dJS/dμ ≈ 0.2 near μ = 2 and below 1e-3 once the Gaussians barely overlap (measured at μ = 7.5).
    expect(out.measured.muWhereDJsBelow1e3).toBe(7.5);
  });

  it('does not hold when the shift is too small for JS to saturate (μ = 3)', async () => {
    const out = await runDefault(jsVsWasserstein, { muMax: 3, points: 7 });
    expect(out.verdict.holds).toBe(false);
    expect(out.verdict.text).toMatch(/\|JS − log 2\| at μ = 3 = 0\.\d+ ≥ 1\.000e-6/);
  });

  it('a doctored W1 slope flips the verdict', () => {
    const good = { muMax: 30, js: Math.LN2, dJs: 0, dW1: 1, uniformJs: Math.LN2, uniformDJs: 0, uniformDW1: 1 };
    expect(jsVsWassersteinVerdict(good).holds).toBe(true);
    expect(jsVsWassersteinVerdict({ ...good, dW1: 0.5 }).holds).toBe(false);
    expect(jsVsWassersteinVerdict({ ...good, dJs: 1e-3 }).holds).toBe(false);
  });
});

describe('xy-game', () => {
  it.each(BILINEAR_METHODS)('%s: the closed-form spectral radius equals the largest |eigenvalue| of the update matrix to 1e-6', async (method) => {
    const out = await runDefault(xyGame, { lr: 0.35 });
    expect(out.measured[`${method}.rho`]).toBeCloseTo(out.measured[`${method}.rhoFromEigenvalues`], 6);
    expect(out.measured[`${method}.rhoFromEigenvalues`]).toBeCloseTo(Math.max(...bilinearEigenvalues(method, { lr: 0.35 }).map(complexAbs)), 12);
  });

  it('holds at its defaults with the closed forms of η = 0.2', async () => {
    const out = await runDefault(xyGame);
    expect(out.verdict.holds).toBe(true);
    expect(out.measured['simultaneous.growth']).toBeCloseTo(Math.sqrt(1.04), 6);
    expect(out.measured['extragradient.growth']).toBeCloseTo(Math.sqrt(1 - 0.04 + 0.0016), 6);
    expect(out.measured['consensus.growth']).toBeCloseTo(Math.sqrt(0.64 + 0.04), 6);
    expect(out.measured['optimistic.growth']).toBeCloseTo(Math.sqrt((1 + Math.sqrt(0.84)) / 2), 6);
    expect(Math.abs(out.measured['alternating.growth'] - 1)).toBeLessThan(1e-3);
    expect(out.tables?.[0].rows.map((r) => r[6])).toEqual(['spirals out', 'cycles', 'converges', 'converges', 'converges']);
  });

  it('does not hold at η = 0.9, where optimistic GD diverges (ρ > 1), and names it', async () => {
    const out = await runDefault(xyGame, { lr: 0.9 });
    expect(out.verdict.holds).toBe(false);
    expect(out.verdict.text).toMatch(/^does not hold \(1 of 10 checks fail\): optimistic GD growth per step = 1\.7225 ≥ 1;/);
  });

  it('a doctored growth rate flips the verdict', () => {
    const methods = [
      { method: 'simultaneous' as const, rho: 1.02, growth: 1.02 },
      { method: 'alternating' as const, rho: 1, growth: 1.0004 },
      { method: 'consensus' as const, rho: 0.82, growth: 0.82 },
    ];
    expect(xyGameVerdict(0.2, methods).holds).toBe(true);
    expect(xyGameVerdict(0.2, [...methods.slice(0, 2), { method: 'consensus', rho: 0.82, growth: 0.9 }]).holds).toBe(false);
    expect(xyGameVerdict(0.2, [{ method: 'simultaneous', rho: 1.02, growth: 0.99 }]).holds).toBe(false);
  });
});

describe('dirac-gan', () => {
  it('holds at its defaults: R1 and instance noise converge, the others do not', async () => {
    const out = await runDefault(diracGan);
    expect(out.verdict.holds).toBe(true);
    for (const v of ['r1', 'instance-noise']) expect(out.measured[`${v}.shrink`]).toBeLessThan(1e-3);
    for (const v of ['minimax', 'non-saturating', 'wasserstein', 'wgan-gp']) expect(out.measured[`${v}.shrink`]).toBeGreaterThan(0.1);
    // The paper's eigenvalues: ±f'(0)i = ±i/2 unregularized; −γ/2 ± √(γ²/4 − ¼) for R1 with γ = ½.
    expect(out.measured['minimax.maxRealPart']).toBe(0);
    expect(out.measured['r1.maxRealPart']).toBeCloseTo(-0.25, 12);
    expect(out.measured['instance-noise.maxRealPart']).toBeCloseTo(-0.25, 12);
    // One simultaneous step of the unregularized GAN: |1 ± h·i/2| = √(1 + h²/4), h = 0.1.
    expect(out.measured['minimax.updateSpectralRadius']).toBeCloseTo(Math.sqrt(1 + 0.0025), 6);
    expect(out.measured['r1.updateSpectralRadius']).toBeCloseTo(Math.hypot(1 - 0.025, 0.1 * Math.sqrt(0.25 - 0.0625)), 6);
  });

  it('does not hold when too few steps leave R1 short of converging', async () => {
    const out = await runDefault(diracGan, { steps: 50 });
    expect(out.verdict.holds).toBe(false);
    expect(out.verdict.text).toMatch(/R1 penalty final\/start distance = [\d.e-]+ ≥ 0\.001/);
  });

  it('a doctored measurement flips the verdict', () => {
    const ok = [
      { variant: 'minimax' as const, maxRealPart: 0, shrink: 2, eigenvalueError: 0 },
      { variant: 'r1' as const, maxRealPart: -0.25, shrink: 1e-11, eigenvalueError: 0 },
      { variant: 'wgan-gp' as const, maxRealPart: Number.NaN, shrink: 0.9, eigenvalueError: Number.NaN },
    ];
    expect(diracGanVerdict(ok).holds).toBe(true);
    expect(diracGanVerdict([{ ...ok[0], shrink: 1e-5 }, ok[1], ok[2]]).holds).toBe(false);
    expect(diracGanVerdict([ok[0], { ...ok[1], shrink: 0.5 }, ok[2]]).holds).toBe(false);
    expect(diracGanVerdict([ok[0], { ...ok[1], eigenvalueError: 1e-3 }, ok[2]]).holds).toBe(false);
  });
});
