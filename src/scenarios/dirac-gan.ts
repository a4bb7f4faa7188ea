/**
 * dirac-gan: the Dirac-GAN of Mescheder, Geiger & Nowozin (2018), "Which Training Methods for
 * GANs do actually Converge?": real data δ₀, generator δ_θ, linear discriminator D(x) = ψ·x.
 * The paper's result: where the Jacobian of the gradient field at the equilibrium has eigenvalues
 * on the imaginary axis (unregularized, non-saturating, WGAN) or no Jacobian at all (WGAN-GP),
 * gradient descent does not converge; R1 and instance noise move the eigenvalues into the left
 * half-plane and it does. The scenario simulates each and measures how far the distance to (0, 0)
 * shrinks.
 */
import {
  complexAbs,
  diracGanEquilibriumEigenvalues,
  diracGanPaperEigenvalues,
  diracGanTrajectory,
  diracGanUpdateJacobian,
  diracGanVectorField,
  distanceToEquilibrium,
  eigenvalues2x2,
  fieldArrows,
  formatEigenvalues,
  measuredGrowthRate,
  niceExtent,
  type Complex,
  type DiracGanVariant,
} from '../theory/index.ts';
import { chart, curvePanel, METHOD_COLORS, type CurveRow } from './charts.ts';
import { trajectoryPanel } from './trajectory-chart.ts';
import { defineScenario, type ScenarioTable, type Verdict } from './types.ts';
import { judge, type Check } from './verdict.ts';

/** Bounds of the verdict. */
export const DIRAC_BOUNDS = {
  /** A variant converged when its final distance to (0, 0) is below this fraction of the start's. */
  convergedShrink: 1e-3,
  /** How far the paper's eigenvalues may be from those of the numerically differentiated field. */
  eigenvalueAgreement: 1e-6,
} as const;

/** The variants, in the paper's order, with display names. */
export const DIRAC_VARIANTS = ['minimax', 'non-saturating', 'wasserstein', 'wgan-gp', 'r1', 'instance-noise'] as const;
type VariantName = (typeof DIRAC_VARIANTS)[number];

const LABELS: Readonly<Record<VariantName, string>> = {
  minimax: 'unregularized GAN',
  'non-saturating': 'non-saturating GAN',
  wasserstein: 'WGAN (clipped ψ)',
  'wgan-gp': 'WGAN-GP',
  r1: 'R1 penalty',
  'instance-noise': 'instance noise',
};

/** One variant's numbers. */
export interface DiracMeasurement {
  readonly variant: VariantName;
  /** The largest real part of the paper's eigenvalues at (0, 0); NaN where there is no Jacobian (WGAN-GP). */
  readonly maxRealPart: number;
  /** Final distance to (0, 0) over the start's. */
  readonly shrink: number;
  /** Largest |paper − computed| eigenvalue difference; NaN where there is no Jacobian. */
  readonly eigenvalueError: number;
}

/**
 * Whether the paper's analysis predicts convergence: eigenvalues with negative real part. Without
 * a Jacobian (WGAN-GP's field jumps at ψ = 0) the paper shows it does not converge.
 */
export function predictsConvergence(maxRealPart: number): boolean {
  return maxRealPart < 0;
}

/** The verdict: each variant converges exactly when its eigenvalues say it should. */
export function diracGanVerdict(measurements: readonly DiracMeasurement[]): Verdict {
  const checks: Check[] = [];
  const measured: Record<string, number> = {};
  for (const m of measurements) {
    const label = LABELS[m.variant];
    measured[`${m.variant}.maxRealPart`] = m.maxRealPart;
    measured[`${m.variant}.shrink`] = m.shrink;
    const shrinkLabel = `${label} final/start distance`;
    if (predictsConvergence(m.maxRealPart)) checks.push({ label: shrinkLabel, value: m.shrink, below: DIRAC_BOUNDS.convergedShrink });
    else checks.push({ label: shrinkLabel, value: m.shrink, above: DIRAC_BOUNDS.convergedShrink });
    if (Number.isFinite(m.eigenvalueError)) {
      measured[`${m.variant}.eigenvalueError`] = m.eigenvalueError;
      checks.push({ label: `${label} |paper − computed eigenvalues|`, value: m.eigenvalueError, below: DIRAC_BOUNDS.eigenvalueAgreement });
    }
  }
  return judge(
    `As in Mescheder et al. (2018): variants whose Jacobian at (0, 0) has eigenvalues with negative real part (R1, instance noise) converge — the distance to the equilibrium shrinks below ${DIRAC_BOUNDS.convergedShrink} of the start — and the others (eigenvalues on the imaginary axis: unregularized, non-saturating, WGAN; no Jacobian: WGAN-GP) do not; the paper's closed-form eigenvalues match those of the numerically differentiated field within ${DIRAC_BOUNDS.eigenvalueAgreement}.`,
    measured,
    checks,
  );
}

function maxAbsDifference(a: readonly Complex[], b: readonly Complex[]): number {
  // Both lists are sorted the same way (larger imaginary part first), so compare them in order.
  return Math.max(...a.map((x, i) => Math.hypot(x.re - b[i].re, x.im - b[i].im)));
}

/** The dirac-gan scenario: which objectives and regularizers converge on the Dirac-GAN. */
export const diracGan = defineScenario({
  name: 'dirac-gan',
  title: 'Dirac-GAN: which training methods converge',
  shows:
    'The Dirac-GAN of Mescheder et al. (2018): real data at 0, the generator a point at θ, a linear discriminator ψ·x. Simultaneous gradient steps circle or spiral away from the equilibrium for the unregularized, non-saturating, WGAN and WGAN-GP objectives, and converge with the R1 penalty or instance noise — as the eigenvalues of the Jacobian at the equilibrium predict.',
  settings: {
    stepSize: { default: 0.1, help: 'learning rate h of both players (simultaneous gradient steps)', min: 1e-4, max: 1 },
    steps: { default: 1000, help: 'updates per variant', min: 10, max: 200_000, integer: true },
    theta0: { default: 1, help: 'start θ (the generator’s point)', min: -10, max: 10 },
    psi0: { default: 1, help: 'start ψ (the discriminator’s slope)', min: -10, max: 10 },
    clip: { default: 1, help: 'WGAN clip on |ψ|', min: 1e-3, max: 100 },
    gpWeight: { default: 1, help: 'WGAN-GP penalty weight γ', min: 1e-3, max: 100 },
    r1Weight: { default: 0.5, help: 'R1 penalty weight γ', min: 1e-3, max: 100 },
    noiseStd: { default: 1, help: 'instance noise standard deviation σ', min: 1e-3, max: 10 },
  },
  run({ settings }) {
    const variants: Record<VariantName, DiracGanVariant> = {
      minimax: { kind: 'minimax' },
      'non-saturating': { kind: 'non-saturating' },
      wasserstein: { kind: 'wasserstein', clip: settings.clip },
      'wgan-gp': { kind: 'wgan-gp', weight: settings.gpWeight },
      r1: { kind: 'r1', weight: settings.r1Weight },
      'instance-noise': { kind: 'instance-noise', sigma: settings.noiseStd },
    };
    const start = { theta: settings.theta0, psi: settings.psi0 };
    const startDistance = distanceToEquilibrium(start);
    if (startDistance === 0) throw new RangeError('dirac-gan: the start (theta0, psi0) must not be the equilibrium (0, 0)');
    const runs = DIRAC_VARIANTS.map((name) => {
      const variant = variants[name];
      const path = diracGanTrajectory(variant, { start, steps: settings.steps, stepSize: settings.stepSize });
      const distances = path.map(distanceToEquilibrium);
      const paper = diracGanPaperEigenvalues(variant);
      const computed = paper ? diracGanEquilibriumEigenvalues(variant) : null;
      const update = paper ? eigenvalues2x2(diracGanUpdateJacobian(variant, { stepSize: settings.stepSize })) : null;
      const last = distances[distances.length - 1];
      const measurement: DiracMeasurement = {
        variant: name,
        maxRealPart: paper ? Math.max(...paper.map((l) => l.re)) : Number.NaN,
        shrink: last / startDistance,
        eigenvalueError: paper && computed ? maxAbsDifference(paper, computed) : Number.NaN,
      };
      // The tail growth needs every distance > 0; a run that lands exactly on (0, 0) has converged.
      const tailGrowth = distances.every((d) => d > 0 && Number.isFinite(d)) ? measuredGrowthRate(distances) : Number.NaN;
      return { name, variant, path, distances, paper, computed, update, tailGrowth, measurement };
    });
    const verdict = diracGanVerdict(runs.map((r) => r.measurement));
    const measured: Record<string, number> = { startDistance };
    for (const r of runs) {
      measured[`${r.name}.shrink`] = r.measurement.shrink;
      measured[`${r.name}.tailGrowth`] = r.tailGrowth;
      measured[`${r.name}.maxRealPart`] = r.measurement.maxRealPart;
      if (r.update) measured[`${r.name}.updateSpectralRadius`] = Math.max(...r.update.map(complexAbs));
    }
    const converged = (r: (typeof runs)[number]) => r.measurement.shrink < DIRAC_BOUNDS.convergedShrink;

    const trajectories = runs.map((r, i) => {
      const extent = niceExtent(Math.max(...r.path.map((p) => Math.max(Math.abs(p.theta), Math.abs(p.psi)))));
      return trajectoryPanel(
        r.path.map((p) => ({ x: p.theta, y: p.psi })),
        {
          title: [`${LABELS[r.name]}: ${converged(r) ? 'converges' : 'does not converge'}`, `final/start distance ${r.measurement.shrink.toExponential(1)}`],
          color: METHOD_COLORS[i],
          xTitle: 'θ (generator)',
          yTitle: 'ψ (discriminator)',
          equilibrium: { x: 0, y: 0 },
          extent,
          field: fieldArrows((p) => {
            const v = diracGanVectorField(r.variant, { theta: p.x, psi: p.y });
            return { x: v.theta, y: v.psi };
          }, extent),
        },
      );
    });
    const series = runs.map((r, i) => ({ name: LABELS[r.name], color: METHOD_COLORS[i] }));
    const stride = Math.max(1, Math.floor(settings.steps / 1000));
    const distanceRows: CurveRow[] = runs.flatMap((r) => r.distances.filter((_, t) => t % stride === 0).map((d, k) => ({ x: k * stride, y: d, series: LABELS[r.name] })));
    const table: ScenarioTable = {
      caption: `Eigenvalues of the gradient field's Jacobian at (0, 0) (paper's closed form and computed from the field), of one simultaneous step (h = ${settings.stepSize}), and what the simulation measured`,
      columns: ['variant', 'Jacobian eigenvalues (paper)', 'computed', 'one-step |λ|', 'predicts', 'final/start distance', 'measured'],
      rows: runs.map((r) => [
        LABELS[r.name],
        r.paper ? formatEigenvalues(r.paper) : 'none: the field jumps at ψ = 0',
        r.computed ? formatEigenvalues(r.computed) : '—',
        r.update ? Math.max(...r.update.map(complexAbs)) : '—',
        predictsConvergence(r.measurement.maxRealPart) ? 'converges' : 'does not converge',
        r.measurement.shrink,
        converged(r) ? 'converges' : 'does not converge',
      ]),
    };
    return {
      measured,
      verdict,
      tables: [table],
      charts: [
        {
          name: 'trajectories',
          caption: `${settings.steps} simultaneous gradient steps (h = ${settings.stepSize}) from (θ, ψ) = (${settings.theta0}, ${settings.psi0}) (hollow dot; filled dot = end; cross = the equilibrium; grey arrows = each objective's gradient field). Each panel has its own window.`,
          spec: chart(trajectories, { title: 'Dirac-GAN trajectories in the (θ, ψ) plane', columns: 3 }),
        },
        {
          name: 'distance',
          caption: 'Distance to the equilibrium (0, 0) per step, log scale: R1 and instance noise fall geometrically; the unregularized GAN spirals out; non-saturating, WGAN and WGAN-GP settle on orbits around it.',
          spec: chart(curvePanel(distanceRows, { series, xTitle: 'step', yTitle: ['distance to (0, 0)', '(log scale)'], logY: true, width: 560, height: 280 }), { title: 'Distance to the equilibrium' }),
        },
      ],
    };
  },
});
