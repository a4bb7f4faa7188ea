import { describe, expect, it } from 'vitest';
import {
  BILINEAR_METHODS,
  applyMatrix,
  bilinearEigenvalues,
  bilinearSpectralRadius,
  bilinearStateVector,
  bilinearStep,
  bilinearTrajectory,
  bilinearUpdateMatrix,
  distanceToOrigin,
  initialBilinearState,
  measuredGrowthRate,
  spectralRadius,
  type BilinearMethod,
  type BilinearParams,
  type Complex,
} from '../../src/theory/index.ts';
import { c, expectSameEigenvalues } from './expect-eigenvalues.ts';

const close = (actual: number, expected: number, tol: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);

/** λ± of optimistic GD, roots of λ² − (1 + 2iη)λ + iη, with their conjugates. */
function optimisticEigenvalues(eta: number): Complex[] {
  const d = 1 - 4 * eta * eta;
  const [re, im] = d >= 0 ? [Math.sqrt(d) / 2, 0] : [0, Math.sqrt(-d) / 2];
  const plus = c(0.5 + re, eta + im);
  const minus = c(0.5 - re, eta - im);
  return [plus, minus, c(plus.re, -plus.im), c(minus.re, -minus.im)];
}

// method, params, closed-form eigenvalues, closed-form spectral radius
const table: [BilinearMethod, BilinearParams, Complex[], number][] = [
  ['simultaneous', { lr: 0.1 }, [c(1, 0.1), c(1, -0.1)], Math.sqrt(1.01)],
  ['simultaneous', { lr: 0.5 }, [c(1, 0.5), c(1, -0.5)], Math.sqrt(1.25)],
  ['alternating', { lr: 0.1 }, [c(0.995, Math.sqrt(1 - 0.995 ** 2)), c(0.995, -Math.sqrt(1 - 0.995 ** 2))], 1],
  ['alternating', { lr: 0.3 }, [c(0.955, Math.sqrt(1 - 0.955 ** 2)), c(0.955, -Math.sqrt(1 - 0.955 ** 2))], 1],
  ['alternating', { lr: 2.5 }, [c(-4), c(-0.25)], 4],
  ['extragradient', { lr: 0.5 }, [c(0.75, 0.5), c(0.75, -0.5)], Math.sqrt(1 - 0.25 + 0.0625)],
  ['extragradient', { lr: 0.1 }, [c(0.99, 0.1), c(0.99, -0.1)], Math.sqrt(1 - 0.01 + 0.0001)],
  ['extragradient', { lr: 1.2 }, [c(1 - 1.44, 1.2), c(1 - 1.44, -1.2)], Math.sqrt(1 - 1.44 + 1.44 ** 2)],
  ['optimistic', { lr: 0.2 }, optimisticEigenvalues(0.2), Math.sqrt((1 + Math.sqrt(1 - 0.16)) / 2)],
  ['optimistic', { lr: 0.55 }, optimisticEigenvalues(0.55), Math.hypot(0.5, 0.55 + Math.sqrt(4 * 0.3025 - 1) / 2)],
  ['optimistic', { lr: 0.7 }, optimisticEigenvalues(0.7), Math.hypot(0.5, 0.7 + Math.sqrt(4 * 0.49 - 1) / 2)],
  ['consensus', { lr: 0.1, consensusWeight: 1 }, [c(0.9, 0.1), c(0.9, -0.1)], Math.hypot(0.9, 0.1)],
  ['consensus', { lr: 0.3, consensusWeight: 0.5 }, [c(0.85, 0.3), c(0.85, -0.3)], Math.hypot(0.85, 0.3)],
];

describe('bilinear game x·y: update matrices and eigenvalues against the closed forms', () => {
  it.each(table)('%s %o: eigenvalues of the update matrix', (method, params, expected) => {
    expectSameEigenvalues(bilinearEigenvalues(method, params), expected, 1e-12);
  });

  it.each(table)('%s %o: closed-form spectral radius = max |λ| of the matrix', (method, params, _eig, rho) => {
    close(bilinearSpectralRadius(method, params), rho, 1e-14);
    close(spectralRadius(bilinearUpdateMatrix(method, params)), rho, 1e-12);
  });

  it.each(BILINEAR_METHODS.map((m) => [m] as const))('%s: the step function is the update matrix', (method) => {
    const params = { lr: 0.37, consensusWeight: 0.8 };
    const step = bilinearStep(method, params);
    const m = bilinearUpdateMatrix(method, params);
    let state = initialBilinearState({ x: 0.8, y: -1.3 });
    for (let t = 0; t < 5; t++) {
      const predicted = applyMatrix(m, bilinearStateVector(method, state));
      state = step(state);
      const actual = bilinearStateVector(method, state);
      actual.forEach((v, i) => close(v, predicted[i], 1e-14));
    }
  });

  it.each([
    ['simultaneous spirals out at any η', 'simultaneous', 0.01, (rho: number) => rho > 1],
    ['alternating cycles at η < 2', 'alternating', 1.99, (rho: number) => Math.abs(rho - 1) < 1e-12],
    ['alternating spirals out at η > 2', 'alternating', 2.01, (rho: number) => rho > 1],
    ['extragradient converges at η < 1', 'extragradient', 0.99, (rho: number) => rho < 1],
    ['extragradient diverges at η > 1', 'extragradient', 1.01, (rho: number) => rho > 1],
    ['optimistic converges below 1/√3', 'optimistic', 0.577, (rho: number) => rho < 1],
    ['optimistic diverges above 1/√3', 'optimistic', 0.578, (rho: number) => rho > 1],
    ['consensus (γ = 1) converges below 2γ/(1+γ²) = 1', 'consensus', 0.99, (rho: number) => rho < 1],
    ['consensus (γ = 1) diverges above it', 'consensus', 1.01, (rho: number) => rho > 1],
  ] as [string, BilinearMethod, number, (rho: number) => boolean][])('stability boundary: %s', (_name, method, lr, holds) => {
    const params = { lr, consensusWeight: 1 };
    expect(holds(bilinearSpectralRadius(method, params))).toBe(true);
    expect(holds(spectralRadius(bilinearUpdateMatrix(method, params)))).toBe(true);
  });
});

describe('measured growth rate of trajectories = spectral radius', () => {
  // Scaled rotations (simultaneous, extragradient, consensus) and optimistic GD (a scalar complex
  // recursion in z = x + iy) scale the distance by exactly ρ every step once transients are gone.
  // Alternating GD is not normal: its distance swings within the ellipse x² − ηxy + y² = const by
  // a factor κ = √((1 + η/2)/(1 − η/2)), so a tail of k steps is off by at most log(κ)/k.
  it.each([
    ['simultaneous', { lr: 0.1 }, 400],
    ['simultaneous', { lr: 0.5 }, 200],
    ['extragradient', { lr: 0.5 }, 400],
    ['extragradient', { lr: 1.2 }, 200],
    ['optimistic', { lr: 0.2 }, 1000],
    ['optimistic', { lr: 0.55 }, 600],
    ['optimistic', { lr: 0.7 }, 300],
    ['consensus', { lr: 0.1, consensusWeight: 1 }, 1000],
    ['alternating', { lr: 2.5 }, 60],
    ['alternating', { lr: 0.1 }, 200_000],
    ['alternating', { lr: 0.3 }, 400_000],
  ] as [BilinearMethod, BilinearParams, number][])('%s %o over %i steps', (method, params, steps) => {
    const trajectory = bilinearTrajectory(method, params, { x: 1, y: -0.3 }, steps);
    expect(trajectory).toHaveLength(steps + 1);
    close(measuredGrowthRate(trajectory), bilinearSpectralRadius(method, params), 1e-6);
  });

  it('alternating GD at η < 2 cycles: the distance neither grows nor shrinks beyond the ellipse bound', () => {
    const eta = 0.5;
    const kappa = Math.sqrt((1 + eta / 2) / (1 - eta / 2));
    const distances = bilinearTrajectory('alternating', { lr: eta }, { x: 1, y: 0 }, 5000).map(distanceToOrigin);
    expect(Math.max(...distances)).toBeLessThanOrEqual(kappa + 1e-12);
    expect(Math.min(...distances)).toBeGreaterThanOrEqual(1 / kappa - 1e-12);
    // x² − ηxy + y² is conserved exactly.
    const last = bilinearTrajectory('alternating', { lr: eta }, { x: 1, y: 0 }, 5000).at(-1);
    close(last ? last.x ** 2 - eta * last.x * last.y + last.y ** 2 : NaN, 1, 1e-12);
  });

  it('simultaneous GDA scales the distance by exactly √(1 + η²) at every step', () => {
    const distances = bilinearTrajectory('simultaneous', { lr: 0.2 }, { x: 0.3, y: 0.4 }, 50).map(distanceToOrigin);
    for (let t = 1; t < distances.length; t++) close(distances[t] / distances[t - 1], Math.sqrt(1.04), 1e-14);
  });

  it('measures over the tail only: a trajectory that changes regime is judged by its end', () => {
    const distances = [...Array.from({ length: 11 }, (_, t) => 2 ** t), ...Array.from({ length: 10 }, (_, t) => 1024 * 0.5 ** (t + 1))];
    close(measuredGrowthRate(distances, { tailFraction: 0.5 }), 0.5, 1e-15);
    close(measuredGrowthRate(distances, { tailFraction: 1 }), 1, 1e-15);
  });

  it.each([
    ['one point', [1], {}, /at least 2 points/],
    ['a zero distance', [1, 0.5, 0], {}, /must be finite and > 0/],
    ['a bad tail fraction', [1, 2], { tailFraction: 0 }, /tailFraction/],
  ] as [string, number[], { tailFraction?: number }, RegExp][])('rejects %s', (_name, distances, options, message) => {
    expect(() => measuredGrowthRate(distances, options)).toThrow(message);
  });

  it.each([
    ['lr 0', { lr: 0 }, /lr must be/],
    ['negative consensus weight', { lr: 0.1, consensusWeight: -1 }, /consensusWeight/],
  ] as [string, BilinearParams, RegExp][])('rejects %s', (_name, params, message) => {
    expect(() => bilinearUpdateMatrix('consensus', params)).toThrow(message);
  });
});
