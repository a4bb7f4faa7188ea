import { describe, expect, it } from 'vitest';
import {
  diracGanEquilibriumEigenvalues,
  diracGanJacobian,
  diracGanPaperEigenvalues,
  diracGanTrajectory,
  diracGanUpdateJacobian,
  diracGanVectorField,
  distanceToEquilibrium,
  eigenvalues2x2,
  gaussianDensity,
  measuredGrowthRate,
  simpson,
  spectralRadius,
  uniformGrid,
  type Complex,
  type DiracGanMethod,
  type DiracGanVariant,
} from '../../src/theory/index.ts';
import { c, expectSameEigenvalues } from './expect-eigenvalues.ts';

const close = (actual: number, expected: number, tol: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);

/** f'(t) for f(t) = −log(1 + e^{−t}), written independently of the library: e^{−t}/(1 + e^{−t}). */
const fp = (t: number) => Math.exp(-t) / (1 + Math.exp(-t));
const FP0 = 0.5;
const FPP0 = -0.25;

/** center ± √disc as a conjugate pair or two reals. */
const pm = (center: number, disc: number): Complex[] =>
  disc < 0 ? [c(center, Math.sqrt(-disc)), c(center, -Math.sqrt(-disc))] : [c(center + Math.sqrt(disc)), c(center - Math.sqrt(disc))];

// The paper's closed forms (Mescheder, Geiger & Nowozin 2018): Lemma 2.2 (±f'(0)i), WGAN (±i),
// Lemma 3.2 (instance noise: f''(0)σ² ± √(f''(0)²σ⁴ − f'(0)²)), Lemma 3.3 (R1: −γ/2 ± √(γ²/4 − f'(0)²)).
const paperTable: [string, DiracGanVariant, Complex[]][] = [
  ['minimax', { kind: 'minimax' }, [c(0, FP0), c(0, -FP0)]],
  ['non-saturating', { kind: 'non-saturating' }, [c(0, FP0), c(0, -FP0)]],
  ['wasserstein', { kind: 'wasserstein', clip: 1 }, [c(0, 1), c(0, -1)]],
  ['r1 γ = 0.3 (complex pair)', { kind: 'r1', weight: 0.3 }, pm(-0.15, 0.0225 - FP0 ** 2)],
  ['r1 γ = 3 (two negative reals)', { kind: 'r1', weight: 3 }, pm(-1.5, 2.25 - FP0 ** 2)],
  ['instance noise σ = 0.7', { kind: 'instance-noise', sigma: 0.7 }, pm(FPP0 * 0.49, FPP0 ** 2 * 0.49 ** 2 - FP0 ** 2)],
  ['instance noise σ = 2.5', { kind: 'instance-noise', sigma: 2.5 }, pm(FPP0 * 6.25, FPP0 ** 2 * 6.25 ** 2 - FP0 ** 2)],
];

describe('Dirac-GAN: Jacobian at the equilibrium (0, 0)', () => {
  it.each(paperTable)('%s: eigenvalues of the numerical Jacobian match the paper', (_name, variant, expected) => {
    expectSameEigenvalues(diracGanEquilibriumEigenvalues(variant), expected, 1e-6);
  });

  it.each(paperTable)('%s: the library quotes the same closed form', (_name, variant, expected) => {
    const quoted = diracGanPaperEigenvalues(variant);
    expect(quoted).not.toBeNull();
    expectSameEigenvalues(quoted ?? [], expected, 1e-15);
  });

  it.each([
    ['minimax', { kind: 'minimax' }, [[0, -FP0], [FP0, 0]]],
    ['wasserstein', { kind: 'wasserstein', clip: 0.5 }, [[0, -1], [1, 0]]],
    ['r1 γ = 0.3', { kind: 'r1', weight: 0.3 }, [[0, -FP0], [FP0, -0.3]]],
    ['instance noise σ = 0.7', { kind: 'instance-noise', sigma: 0.7 }, [[0, -FP0], [FP0, 2 * FPP0 * 0.49]]],
  ] as [string, DiracGanVariant, number[][]][])('%s: Jacobian entries', (_name, variant, expected) => {
    const j = diracGanJacobian(variant);
    for (let r = 0; r < 2; r++) for (let k = 0; k < 2; k++) close(j[r][k], expected[r][k], 1e-9);
  });

  it('unregularised: the eigenvalues are purely imaginary, so the flow has no pull towards (0, 0)', () => {
    for (const variant of [{ kind: 'minimax' }, { kind: 'non-saturating' }] as DiracGanVariant[]) {
      for (const l of diracGanEquilibriumEigenvalues(variant)) close(l.re, 0, 1e-9);
    }
  });

  it.each([
    ['r1', { kind: 'r1', weight: 0.05 }],
    ['instance noise', { kind: 'instance-noise', sigma: 0.2 }],
  ] as [string, DiracGanVariant][])('%s: even a weak regulariser gives eigenvalues with negative real part', (_name, variant) => {
    for (const l of diracGanEquilibriumEigenvalues(variant)) expect(l.re).toBeLessThan(-1e-3);
  });

  it('WGAN-GP has no Jacobian at (0, 0): its field jumps across ψ = 0', () => {
    const variant: DiracGanVariant = { kind: 'wgan-gp', weight: 1, target: 1 };
    expect(() => diracGanJacobian(variant)).toThrow(/jumps across ψ = 0/);
    expect(diracGanPaperEigenvalues(variant)).toBeNull();
    const above = diracGanVectorField(variant, { theta: 0, psi: 1e-9 });
    const below = diracGanVectorField(variant, { theta: 0, psi: -1e-9 });
    close(above.psi - below.psi, 2, 1e-8);
  });
});

describe('Dirac-GAN: vector fields against the formulas', () => {
  const [theta, psi] = [0.7, -1.2];
  it.each([
    ['minimax', { kind: 'minimax' }, -psi * fp(psi * theta), theta * fp(psi * theta)],
    ['non-saturating', { kind: 'non-saturating' }, -psi * fp(-psi * theta), theta * fp(psi * theta)],
    ['wasserstein', { kind: 'wasserstein', clip: 2 }, -psi, theta],
    ['wgan-gp', { kind: 'wgan-gp', weight: 2, target: 0.3 }, -psi, theta - 2 * (Math.abs(psi) - 0.3) * -1],
    ['wgan-gp, target defaults to 1', { kind: 'wgan-gp', weight: 2 }, -psi, theta - 2 * (Math.abs(psi) - 1) * -1],
    ['r1', { kind: 'r1', weight: 0.4 }, -psi * fp(psi * theta), theta * fp(psi * theta) - 0.4 * psi],
  ] as [string, DiracGanVariant, number, number][])('%s at (0.7, −1.2)', (_name, variant, vTheta, vPsi) => {
    const v = diracGanVectorField(variant, { theta, psi });
    close(v.theta, vTheta, 1e-15);
    close(v.psi, vPsi, 1e-15);
  });

  it.each([
    [0.7, -1.2, 0.5],
    [2, 1.5, 1.3],
    [-0.4, 3, 2],
  ])('instance noise at (%s, %s), σ = %s: expectations agree with an independent Simpson quadrature', (th, ps, sigma) => {
    const noise = gaussianDensity(0, sigma);
    const grid = uniformGrid(-12 * sigma, 12 * sigma, 4000);
    const vTheta = -simpson((e) => noise(e) * ps * fp(ps * (th + e)), grid);
    const vPsi = simpson((e) => noise(e) * ((th + e) * fp(ps * (th + e)) - e * fp(-ps * e)), grid);
    const v = diracGanVectorField({ kind: 'instance-noise', sigma }, { theta: th, psi: ps });
    close(v.theta, vTheta, 1e-10);
    close(v.psi, vPsi, 1e-10);
  });
});

describe('Dirac-GAN: discrete updates at the equilibrium (paper Lemmas 2.3 and 2.4)', () => {
  const alternating = (alpha: number) => pm(1 - alpha ** 2 / 2, (1 - alpha ** 2 / 2) ** 2 - 1);
  it.each([
    ['minimax, simultaneous, h = 0.1: 1 ± h f\'(0) i', { kind: 'minimax' }, { stepSize: 0.1 }, [c(1, 0.05), c(1, -0.05)]],
    ['wasserstein, simultaneous, h = 0.3: 1 ± h i', { kind: 'wasserstein', clip: 1 }, { stepSize: 0.3 }, [c(1, 0.3), c(1, -0.3)]],
    ['r1 γ = 0.3, simultaneous, h = 0.1: 1 + hλ', { kind: 'r1', weight: 0.3 }, { stepSize: 0.1 }, pm(-0.15, 0.0225 - 0.25).map((l) => c(1 + 0.1 * l.re, 0.1 * l.im))],
    [
      'instance noise σ = 1, simultaneous, h = 0.2: 1 + hλ',
      { kind: 'instance-noise', sigma: 1 },
      { stepSize: 0.2 },
      pm(FPP0, FPP0 ** 2 - 0.25).map((l) => c(1 + 0.2 * l.re, 0.2 * l.im)),
    ],
    ['minimax, alternating, h = 0.5: α = h f\'(0) = 0.25', { kind: 'minimax' }, { stepSize: 0.5, method: 'alternating' }, alternating(0.25)],
    [
      'non-saturating, alternating, n_d = 5, h = 0.6: α = √5·0.3',
      { kind: 'non-saturating' },
      { stepSize: 0.6, method: 'alternating', dSteps: 5 },
      alternating(Math.sqrt(5) * 0.3),
    ],
    [
      'wasserstein, alternating, n_g = 2, n_d = 3, h = 1: α = √6 > 2 (real, one outside the unit circle)',
      { kind: 'wasserstein', clip: 1 },
      { stepSize: 1, method: 'alternating', gSteps: 2, dSteps: 3 },
      alternating(Math.sqrt(6)),
    ],
  ] as [string, DiracGanVariant, { stepSize: number; method?: DiracGanMethod; gSteps?: number; dSteps?: number }, Complex[]][])(
    '%s',
    (_name, variant, options, expected) => {
      expectSameEigenvalues(eigenvalues2x2(diracGanUpdateJacobian(variant, options)), expected, 1e-6);
    },
  );

  it.each([0.1, 0.5, 1.9])('alternating GD on the unregularised GAN stays on the unit circle for α = %s ≤ 2', (alpha) => {
    const m = diracGanUpdateJacobian({ kind: 'minimax' }, { stepSize: alpha / FP0, method: 'alternating' });
    for (const l of eigenvalues2x2(m)) close(Math.hypot(l.re, l.im), 1, 1e-6);
  });
});

describe('Dirac-GAN: trajectories grow, cycle or converge as the eigenvalues say', () => {
  const start = { theta: 1, psi: 1 };
  const d0 = Math.SQRT2;

  it('minimax, simultaneous: every step multiplies d² by exactly 1 + h²f\'(θψ)², so it spirals out', () => {
    const h = 0.1;
    const trajectory = diracGanTrajectory({ kind: 'minimax' }, { start, steps: 500, stepSize: h });
    for (let t = 1; t < trajectory.length; t++) {
      const prev = trajectory[t - 1];
      const ratio = distanceToEquilibrium(trajectory[t]) ** 2 / distanceToEquilibrium(prev) ** 2;
      close(ratio, 1 + h * h * fp(prev.theta * prev.psi) ** 2, 1e-13);
    }
    expect(distanceToEquilibrium(trajectory[500])).toBeGreaterThan(1.5 * d0);
  });

  it('minimax, simultaneous, near (0, 0): measured growth = √(1 + h²f\'(0)²) = ρ of the update Jacobian', () => {
    const h = 0.1;
    const trajectory = diracGanTrajectory({ kind: 'minimax' }, { start: { theta: 1e-4, psi: 0 }, steps: 1000, stepSize: h });
    const rate = measuredGrowthRate(trajectory.map(distanceToEquilibrium));
    close(rate, Math.sqrt(1 + (h * FP0) ** 2), 1e-6);
    close(rate, spectralRadius(diracGanUpdateJacobian({ kind: 'minimax' }, { stepSize: h })), 1e-6);
  });

  it('r1, simultaneous, near (0, 0): measured growth ≈ ρ of the update Jacobian (< 1)', () => {
    // I + hJ is not normal here, so the distance wobbles within an orbit: the match is to ~log(κ)/k.
    const variant: DiracGanVariant = { kind: 'r1', weight: 0.3 };
    const trajectory = diracGanTrajectory(variant, { start: { theta: 1e-3, psi: 0 }, steps: 1500, stepSize: 0.1 });
    const rho = spectralRadius(diracGanUpdateJacobian(variant, { stepSize: 0.1 }));
    expect(rho).toBeLessThan(0.99);
    close(measuredGrowthRate(trajectory.map(distanceToEquilibrium)), rho, 1e-3);
  });

  // variant, method, step size, steps, [low, high] bounds on every distance over the second half
  // (relative to d₀ = √2), what it shows
  it.each([
    ['minimax', { kind: 'minimax' }, 'continuous', 0.05, 2000, [1 - 1e-6, 1 + 1e-6], 'the flow conserves θ² + ψ² (RK4)'],
    ['minimax', { kind: 'minimax' }, 'alternating', 0.1, 2000, [0.9, 1.1], 'alternating GD cycles: bounded, no convergence'],
    ['non-saturating', { kind: 'non-saturating' }, 'continuous', 0.05, 2000, [0.15, 1], 'the flow creeps inwards, far slower than exponentially'],
    ['wasserstein', { kind: 'wasserstein', clip: 1 }, 'simultaneous', 0.1, 2000, [0.7, 1.5], 'WGAN keeps circling at the clip radius'],
    ['wasserstein', { kind: 'wasserstein', clip: 1 }, 'continuous', 0.05, 2000, [0.7, 1], 'the projected flow ends on the circle of radius clip'],
    ['wgan-gp', { kind: 'wgan-gp', weight: 1 }, 'simultaneous', 0.1, 2000, [0.7, 1.5], 'WGAN-GP keeps |ψ| near g₀ = 1 and circles'],
    ['wgan-gp', { kind: 'wgan-gp', weight: 1 }, 'alternating', 0.1, 2000, [0.7, 1.5], 'also with alternating steps'],
    ['wgan-gp g₀ = 0.3', { kind: 'wgan-gp', weight: 1, target: 0.3 }, 'alternating', 0.1, 2000, [0.2, 0.5], 'a smaller target, a smaller orbit'],
  ] as [string, DiracGanVariant, DiracGanMethod, number, number, [number, number], string][])(
    'does not converge: %s, %s: %#, %s',
    (_name, variant, method, stepSize, steps, [low, high]) => {
      const trajectory = diracGanTrajectory(variant, { start, steps, stepSize, method });
      expect(trajectory).toHaveLength(steps + 1);
      const tail = trajectory.slice(steps / 2).map((p) => distanceToEquilibrium(p) / d0);
      expect(Math.min(...tail)).toBeGreaterThanOrEqual(low);
      expect(Math.max(...tail)).toBeLessThanOrEqual(high);
    },
  );

  // Converging runs end within a factor 10 of d₀·ρᴺ, where ρ is the spectral radius of the update's
  // Jacobian at (0, 0) (for the flow, e^{h·max Re λ}): the linearisation predicts the rate.
  it.each([
    ['r1 γ = 0.3', { kind: 'r1', weight: 0.3 }, 'simultaneous', 0.1],
    ['r1 γ = 0.3', { kind: 'r1', weight: 0.3 }, 'alternating', 0.1],
    ['r1 γ = 0.3', { kind: 'r1', weight: 0.3 }, 'continuous', 0.05],
    ['r1 γ = 3', { kind: 'r1', weight: 3 }, 'simultaneous', 0.1],
    ['instance noise σ = 0.7', { kind: 'instance-noise', sigma: 0.7 }, 'simultaneous', 0.1],
    ['instance noise σ = 0.7', { kind: 'instance-noise', sigma: 0.7 }, 'alternating', 0.1],
    ['instance noise σ = 0.7', { kind: 'instance-noise', sigma: 0.7 }, 'continuous', 0.05],
  ] as [string, DiracGanVariant, DiracGanMethod, number][])('converges: %s, %s at the predicted rate', (_name, variant, method, stepSize) => {
    const steps = 2000;
    const trajectory = diracGanTrajectory(variant, { start, steps, stepSize, method });
    const rho =
      method === 'continuous'
        ? Math.exp(stepSize * Math.max(...diracGanEquilibriumEigenvalues(variant).map((l) => l.re)))
        : spectralRadius(diracGanUpdateJacobian(variant, { stepSize, method }));
    expect(rho).toBeLessThan(1);
    const predicted = rho ** steps;
    expect(predicted).toBeLessThan(1e-4);
    const final = distanceToEquilibrium(trajectory[steps]) / d0;
    expect(final).toBeGreaterThanOrEqual(predicted / 10);
    expect(final).toBeLessThanOrEqual(predicted * 10);
  });

  it('non-saturating, simultaneous, near (0, 0): spirals out like the minimax GAN', () => {
    const trajectory = diracGanTrajectory({ kind: 'non-saturating' }, { start: { theta: 0.05, psi: 0.05 }, steps: 500, stepSize: 0.1 });
    expect(distanceToEquilibrium(trajectory[500]) / distanceToEquilibrium(trajectory[0])).toBeGreaterThan(1.5);
  });

  it('WGAN clips ψ after every update', () => {
    const trajectory = diracGanTrajectory({ kind: 'wasserstein', clip: 0.3 }, { start: { theta: 2, psi: 0 }, steps: 300, stepSize: 0.1 });
    expect(Math.max(...trajectory.map((p) => Math.abs(p.psi)))).toBe(0.3);
  });

  it.each([
    ['a zero clip', () => diracGanTrajectory({ kind: 'wasserstein', clip: 0 }, { start, steps: 1, stepSize: 0.1 }), /clip must be/],
    ['a negative R1 weight', () => diracGanJacobian({ kind: 'r1', weight: -1 }), /r1\.weight/],
    ['a zero step size', () => diracGanTrajectory({ kind: 'minimax' }, { start, steps: 1, stepSize: 0 }), /stepSize/],
    ['fractional steps', () => diracGanTrajectory({ kind: 'minimax' }, { start, steps: 1.5, stepSize: 0.1 }), /steps must be/],
    ['zero discriminator steps', () => diracGanTrajectory({ kind: 'minimax' }, { start, steps: 1, stepSize: 0.1, method: 'alternating', dSteps: 0 }), /dSteps/],
  ] as [string, () => unknown, RegExp][])('rejects %s', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});
