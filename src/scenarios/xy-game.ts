/**
 * xy-game: min_x max_y x·y, the smallest game on which gradient descent-ascent fails. Every
 * method is a linear map here, so its spectral radius ρ predicts the per-step growth of the
 * distance to (0, 0): simultaneous GDA spirals out (ρ = √(1+η²)), alternating GDA cycles (ρ = 1),
 * extragradient, optimistic GD and consensus optimization converge (ρ < 1) at small η. The
 * scenario simulates each method and sets the measured growth rate beside the closed form.
 */
import {
  BILINEAR_METHODS,
  bilinearEigenvalues,
  bilinearSpectralRadius,
  bilinearTrajectory,
  complexAbs,
  distanceToOrigin,
  fieldArrows,
  formatEigenvalues,
  linspace,
  measuredGrowthRate,
  niceExtent,
  type BilinearMethod,
  type GamePoint,
} from '../theory/index.ts';
import { chart, curvePanel, METHOD_COLORS, type CurveRow } from './charts.ts';
import { trajectoryPanel } from './trajectory-chart.ts';
import { defineScenario, type ScenarioTable, type Verdict } from './types.ts';
import { judge, type Check } from './verdict.ts';

/**
 * How close a measured growth rate must be to ρ, and alternating GDA's to 1. The measured rate
 * over k tail steps is off by at most log(κ)/k (κ: the orbit's eccentricity; see
 * `measuredGrowthRate`); at the default η = 0.2 and k = 100 that is below 0.002.
 */
export const XY_GAME_TOLERANCE = 0.01;

/** The behaviour each method is known for at small learning rates. */
const CLASSIC: Readonly<Record<BilinearMethod, 'spirals out' | 'cycles' | 'converges'>> = {
  simultaneous: 'spirals out',
  alternating: 'cycles',
  extragradient: 'converges',
  optimistic: 'converges',
  consensus: 'converges',
};

const LABELS: Readonly<Record<BilinearMethod, string>> = {
  simultaneous: 'simultaneous GDA',
  alternating: 'alternating GDA',
  extragradient: 'extragradient',
  optimistic: 'optimistic GD',
  consensus: 'consensus',
};

/** One method's numbers. */
export interface XyMethodMeasurement {
  readonly method: BilinearMethod;
  /** Spectral radius of the update map, closed form. */
  readonly rho: number;
  /** Geometric-mean growth of the distance to (0, 0) over the trajectory's second half. */
  readonly growth: number;
}

/** The verdict: each method behaves as it is known to, and its measured growth matches ρ. */
export function xyGameVerdict(lr: number, methods: readonly XyMethodMeasurement[]): Verdict {
  const checks: Check[] = [];
  const measured: Record<string, number> = { lr };
  for (const m of methods) {
    const label = LABELS[m.method];
    measured[`${m.method}.rho`] = m.rho;
    measured[`${m.method}.growth`] = m.growth;
    const classic = CLASSIC[m.method];
    if (classic === 'spirals out') checks.push({ label: `${label} growth per step`, value: m.growth, above: 1 });
    else if (classic === 'cycles') checks.push({ label: `${label} growth per step`, value: m.growth, near: 1, within: XY_GAME_TOLERANCE });
    else checks.push({ label: `${label} growth per step`, value: m.growth, below: 1 });
    checks.push({ label: `${label} |growth − ρ|`, value: Math.abs(m.growth - m.rho), below: XY_GAME_TOLERANCE });
  }
  return judge(
    `At η = ${lr}: simultaneous GDA spirals out (growth > 1), alternating GDA cycles (growth within ${XY_GAME_TOLERANCE} of 1), extragradient, optimistic GD and consensus converge (growth < 1); and every measured growth rate is within ${XY_GAME_TOLERANCE} of the update map's closed-form spectral radius ρ.`,
    measured,
    checks,
  );
}

/** What a growth rate means for the distance to the equilibrium. */
function behaviour(growth: number): string {
  if (Math.abs(growth - 1) <= XY_GAME_TOLERANCE / 10) return 'cycles';
  return growth > 1 ? 'spirals out' : 'converges';
}


/** The xy-game scenario: five update rules on min_x max_y x·y, closed-form ρ vs measured growth. */
export const xyGame = defineScenario({
  name: 'xy-game',
  title: 'The bilinear game x·y',
  shows:
    'min_x max_y x·y: simultaneous gradient descent-ascent spirals away from the equilibrium (0, 0), alternating updates circle it forever, and extragradient, optimistic GD and consensus optimization converge. Each update is a linear map; its closed-form spectral radius is set beside the growth rate measured on the simulated trajectory.',
  settings: {
    lr: { default: 0.2, help: 'learning rate η of both players', min: 1e-4, max: 2 },
    steps: { default: 200, help: 'updates per method', min: 10, max: 100_000, integer: true },
    consensusWeight: { default: 1, help: 'weight γ of consensus optimization’s ½‖v‖² term', min: 0, max: 10 },
    x0: { default: 1, help: 'start x', min: -100, max: 100 },
    y0: { default: 1, help: 'start y', min: -100, max: 100 },
  },
  run({ settings }) {
    const params = { lr: settings.lr, consensusWeight: settings.consensusWeight };
    const start: GamePoint = { x: settings.x0, y: settings.y0 };
    if (distanceToOrigin(start) === 0) throw new RangeError('xy-game: the start (x0, y0) must not be the equilibrium (0, 0)');
    const runs = BILINEAR_METHODS.map((method) => {
      const path = bilinearTrajectory(method, params, start, settings.steps);
      const eig = bilinearEigenvalues(method, params);
      return { method, path, eig, rho: bilinearSpectralRadius(method, params), rhoFromEigenvalues: Math.max(...eig.map(complexAbs)), growth: measuredGrowthRate(path) };
    });
    const verdict = xyGameVerdict(settings.lr, runs);
    const measured: Record<string, number> = {};
    for (const r of runs) {
      measured[`${r.method}.rho`] = r.rho;
      measured[`${r.method}.rhoFromEigenvalues`] = r.rhoFromEigenvalues;
      measured[`${r.method}.growth`] = r.growth;
      measured[`${r.method}.finalDistance`] = distanceToOrigin(r.path[r.path.length - 1]);
    }
    measured.startDistance = distanceToOrigin(start);

    const trajectories = runs.map((r, i) => {
      const extent = niceExtent(Math.max(...r.path.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y)))));
      return trajectoryPanel(r.path, {
        title: [`${LABELS[r.method]}: ${behaviour(r.growth)}`, `ρ = ${r.rho.toFixed(4)}, measured ${r.growth.toFixed(4)}`],
        color: METHOD_COLORS[i],
        xTitle: 'x (minimizes x·y)',
        yTitle: 'y (maximizes x·y)',
        equilibrium: { x: 0, y: 0 },
        extent,
        field: fieldArrows((p) => ({ x: -p.y, y: p.x }), extent),
      });
    });
    const series = runs.map((r, i) => ({ name: LABELS[r.method], color: METHOD_COLORS[i] }));
    const distanceRows: CurveRow[] = runs.flatMap((r) => r.path.map((p, t) => ({ x: t, y: distanceToOrigin(p), series: LABELS[r.method] })));
    const etas = linspace(0.01, Math.max(1.2, settings.lr * 1.1), 120);
    const rhoRows: CurveRow[] = runs.flatMap((r) => etas.map((eta) => ({ x: eta, y: bilinearSpectralRadius(r.method, { lr: eta, consensusWeight: settings.consensusWeight }), series: LABELS[r.method] })));
    const dots: CurveRow[] = runs.map((r) => ({ x: settings.lr, y: r.growth, series: LABELS[r.method] }));
    const table: ScenarioTable = {
      caption: `Update maps at η = ${settings.lr}${settings.consensusWeight !== 1 ? `, γ = ${settings.consensusWeight}` : ''}: eigenvalues and spectral radius (closed form) vs the growth rate measured on the trajectory`,
      columns: ['method', 'eigenvalues of the update map', 'ρ closed form', 'ρ from eigenvalues', 'measured growth / step', '|measured − ρ|', 'behaviour'],
      rows: runs.map((r) => [LABELS[r.method], formatEigenvalues(r.eig), r.rho, r.rhoFromEigenvalues, r.growth, Math.abs(r.growth - r.rho), behaviour(r.growth)]),
    };
    return {
      measured,
      verdict,
      tables: [table],
      charts: [
        {
          name: 'trajectories',
          caption: `${settings.steps} updates of each method from (${settings.x0}, ${settings.y0}) (hollow dot; filled dot = end; cross = the equilibrium; grey arrows = the game's vector field (−y, x)). Each panel has its own window.`,
          spec: chart(trajectories, { title: `Trajectories on x·y at learning rate η = ${settings.lr}`, columns: 3 }),
        },
        {
          name: 'distance',
          caption: 'Distance to the equilibrium (0, 0) per step, log scale: a straight line of slope log ρ for each method.',
          spec: chart(curvePanel(distanceRows, { series, xTitle: 'step', yTitle: ['distance to (0, 0)', '(log scale)'], logY: true, width: 560, height: 280 }), { title: 'Distance to the equilibrium' }),
        },
        {
          name: 'spectral-radius',
          caption: `Closed-form spectral radius of each update map against the learning rate η (lines), and the growth rate measured at η = ${settings.lr} (dots). Below the dashed line at 1 a method converges; the vertical line marks the η simulated.`,
          spec: chart(
            curvePanel(rhoRows, { series, xTitle: 'learning rate η', yTitle: 'spectral radius ρ of the update map', rules: [{ y: 1, label: 'ρ = 1' }], marks: [{ x: settings.lr, label: `η = ${settings.lr}` }], dots, width: 560, height: 300, yDomain: [Math.max(0, Math.floor(Math.min(...rhoRows.map((r) => r.y)) * 10) / 10 - 0.1), 1.8] }),
            { title: 'Which methods converge at which learning rate' },
          ),
        },
      ],
    };
  },
});
