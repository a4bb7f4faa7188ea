/**
 * js-vs-wasserstein: the argument of Arjovsky, Chintala & Bottou (2017, Sec. 2, Example 1). As
 * q = N(μ, 1) slides away from p = N(0, 1), JS saturates at log 2 and its gradient in μ dies, so a
 * generator pushed by JS gets no signal once the supports barely overlap; W1 = |μ| keeps a
 * gradient of 1 however far apart they are. With disjoint supports (two Diracs, two uniforms) JS
 * is the constant log 2 and KL is infinite, while W1 still measures the distance.
 */
import {
  divergenceCurves,
  diracShiftPoint,
  gaussianDensity,
  jsDivergence,
  linspace,
  meanShiftGrid,
  meanShiftJs,
  meanShiftJsDerivative,
  uniformDensity,
  uniformGrid,
  uniformShiftPoint,
  wasserstein1,
  type Density,
  type Grid,
} from '../theory/index.ts';
import { COLORS } from '../report/index.ts';
import { chart, curvePanel, type CurveRow } from './charts.ts';
import { defineScenario, type ScenarioTable, type Verdict } from './types.ts';
import { judge } from './verdict.ts';

/** Bounds of the verdict. */
export const JS_W1_BOUNDS = {
  /** |JS(μmax) − log 2| and |dJS/dμ(μmax)| must be below this: saturated, no gradient. */
  saturated: 1e-6,
  /** dW1/dμ must be within this of 1. */
  w1Slope: 1e-3,
} as const;

/** Half-width of a finite-difference step in the shift. */
const FD_STEP = 1e-3;
/** Below this, quadrature noise dominates dJS/dμ (measured: it floors near 1e-17 from μ ≈ 17). */
const QUADRATURE_FLOOR = 1e-15;
/** Where the uniforms are measured: apart (disjoint supports) by half an interval. */
const UNIFORM_APART = 1.5;

/** W1(N(0,1), N(μ,1)) by quadrature of |F_p − F_q| (not the closed form |μ|). */
function gaussianW1(mu: number): number {
  return wasserstein1(gaussianDensity(0, 1), gaussianDensity(mu, 1), meanShiftGrid(mu));
}

function uniformGridFor(theta: number): Grid {
  return uniformGrid(Math.min(0, theta) - 1, Math.max(1, theta + 1) + 1, 2000);
}

function uniformPair(theta: number): [Density, Density] {
  return [uniformDensity(0, 1), uniformDensity(theta, theta + 1)];
}

/** Central difference of `f` at `x`. */
function slope(f: (x: number) => number, x: number): number {
  return (f(x + FD_STEP) - f(x - FD_STEP)) / (2 * FD_STEP);
}

/** What the verdict compares. */
export interface JsW1Measurement {
  readonly muMax: number;
  /** JS(N(0,1) ‖ N(μmax,1)) by quadrature. */
  readonly js: number;
  /** dJS/dμ at μmax by quadrature of the differentiated integrand. */
  readonly dJs: number;
  /** dW1/dμ at μmax, central difference of the quadrature W1. */
  readonly dW1: number;
  /** JS of the two uniforms 1.5 apart, by quadrature. */
  readonly uniformJs: number;
  /** dJS/dθ there, central difference. */
  readonly uniformDJs: number;
  /** dW1/dθ there, central difference. */
  readonly uniformDW1: number;
}

/** The verdict from the measured numbers. */
export function jsVsWassersteinVerdict(m: JsW1Measurement): Verdict {
  const { saturated, w1Slope } = JS_W1_BOUNDS;
  return judge(
    `At μ = ${m.muMax}, JS(N(0,1) ‖ N(μ,1)) has saturated at log 2 (within ${saturated}) with |dJS/dμ| < ${saturated}, while dW1/dμ is still 1 (within ${w1Slope}); for two uniforms on disjoint intervals JS is log 2 with zero gradient and W1 still has slope 1.`,
    { ...m },
    [
      { label: `|JS − log 2| at μ = ${m.muMax}`, value: Math.abs(m.js - Math.LN2), below: saturated },
      { label: `|dJS/dμ| at μ = ${m.muMax}`, value: Math.abs(m.dJs), below: saturated },
      { label: `dW1/dμ at μ = ${m.muMax}`, value: m.dW1, near: 1, within: w1Slope },
      { label: `|JS − log 2| of disjoint uniforms (θ = ${UNIFORM_APART})`, value: Math.abs(m.uniformJs - Math.LN2), below: saturated },
      { label: `|dJS/dθ| of disjoint uniforms`, value: Math.abs(m.uniformDJs), below: saturated },
      { label: `dW1/dθ of disjoint uniforms`, value: m.uniformDW1, near: 1, within: w1Slope },
    ],
  );
}

const JS = 'JS (nats)';
const KL = 'KL(p ‖ q) (nats)';
const W1 = 'W1';

/** The js-vs-wasserstein scenario: JS, KL and W1 under a mean shift and with disjoint supports. */
export const jsVsWasserstein = defineScenario({
  name: 'js-vs-wasserstein',
  title: 'JS saturates, Wasserstein-1 does not',
  shows:
    'p = N(0, 1) against q = N(μ, 1) for μ from 0 to 30: the Jensen–Shannon divergence flattens at log 2 and its gradient in μ vanishes once the two barely overlap, while W1 = |μ| keeps gradient 1; with disjoint supports (two Diracs, two uniform intervals) JS is constant and KL infinite while W1 still measures how far apart they are.',
  settings: {
    muMax: { default: 30, help: 'largest mean shift μ (the verdict is measured there)', min: 1, max: 60 },
    points: { default: 61, help: 'shifts on the curve', min: 3, max: 401, integer: true },
  },
  run({ settings }) {
    const mus = linspace(0, settings.muMax, settings.points);
    const curve = divergenceCurves('gaussian', mus);
    const w1Numeric = mus.map(gaussianW1);
    const w1MaxError = Math.max(...w1Numeric.map((w, i) => Math.abs(w - mus[i])));
    const firstFlat = curve.find((p) => p.mu > 1 && Math.abs(p.dJs) < 1e-3);
    const [up, uq] = uniformPair(UNIFORM_APART);
    const m: JsW1Measurement = {
      muMax: settings.muMax,
      js: meanShiftJs(settings.muMax),
      dJs: meanShiftJsDerivative(settings.muMax),
      dW1: slope(gaussianW1, settings.muMax),
      uniformJs: jsDivergence(up, uq, uniformGridFor(UNIFORM_APART)),
      uniformDJs: slope((t) => jsDivergence(...uniformPair(t), uniformGridFor(t)), UNIFORM_APART),
      uniformDW1: slope((t) => wasserstein1(...uniformPair(t), uniformGridFor(t)), UNIFORM_APART),
    };
    const measured = { ...m, w1: gaussianW1(settings.muMax), w1MaxErrorVsAbsMu: w1MaxError, muWhereDJsBelow1e3: firstFlat?.mu ?? Number.NaN };

    const valueRows = (key: 'js' | 'kl'): CurveRow[] => curve.map((p) => ({ x: p.mu, y: p[key], series: key === 'js' ? JS : KL }));
    const panels = [
      curvePanel(valueRows('js'), { series: [{ name: JS, color: COLORS.g }], xTitle: 'mean shift μ', yTitle: 'JS(p ‖ q) (nats)', title: 'Jensen–Shannon', rules: [{ y: Math.LN2, label: 'log 2', below: true }], yDomain: [0, 0.8], legend: false }),
      curvePanel(valueRows('kl'), { series: [{ name: KL, color: COLORS.reference }], xTitle: 'mean shift μ', yTitle: 'KL(p ‖ q) = μ²/2 (nats)', title: 'Kullback–Leibler', legend: false }),
      curvePanel(
        mus.map((mu, i) => ({ x: mu, y: w1Numeric[i], series: W1 })),
        { series: [{ name: W1, color: COLORS.d }], xTitle: 'mean shift μ', yTitle: 'W1(p, q)', title: 'Wasserstein-1 (quadrature)', legend: false },
      ),
    ];
    const gradSeries = [
      { name: '|dJS/dμ|', color: COLORS.g },
      { name: 'dKL/dμ = μ', color: COLORS.reference },
      { name: 'dW1/dμ', color: COLORS.d },
    ];
    const gradRows: CurveRow[] = curve.flatMap((p) => [
      ...(Math.abs(p.dJs) > QUADRATURE_FLOOR ? [{ x: p.mu, y: Math.abs(p.dJs), series: '|dJS/dμ|' }] : []),
      { x: p.mu, y: p.dKl, series: 'dKL/dμ = μ' },
      { x: p.mu, y: p.dW1, series: 'dW1/dμ' },
    ]);
    const disjointSeries = [
      { name: 'JS (nats)', color: COLORS.g },
      { name: 'W1', color: COLORS.d },
    ];
    const thetas = linspace(-2, 2, 81);
    // JS of two Diracs is 0 only at θ = 0 itself: drawn as a lone dot, not as a notch in the line.
    const disjointRows = (point: (t: number) => { js: number; w1: number }, skipJsAtZero: boolean): CurveRow[] =>
      thetas.flatMap((t) => {
        const p = point(t);
        return [...(skipJsAtZero && t === 0 ? [] : [{ x: t, y: p.js, series: 'JS (nats)' }]), { x: t, y: p.w1, series: 'W1' }];
      });
    const disjoint = [
      curvePanel(disjointRows(diracShiftPoint, true), {
        series: disjointSeries,
        xTitle: 'θ (position of the second Dirac)',
        yTitle: 'divergence',
        title: 'δ₀ vs δ_θ: JS = log 2 for every θ ≠ 0',
        rules: [{ y: Math.LN2, label: 'log 2', below: true }],
        dots: [{ x: 0, y: diracShiftPoint(0).js, series: 'JS (nats)' }],
      }),
      curvePanel(disjointRows(uniformShiftPoint, false), {
        series: disjointSeries,
        xTitle: 'θ (U[0,1] vs U[θ, θ+1])',
        yTitle: 'divergence',
        title: 'Uniforms: JS flat once |θ| ≥ 1',
        rules: [{ y: Math.LN2, label: 'log 2', below: true }],
      }),
    ];
    const table: ScenarioTable = {
      caption: 'N(0,1) vs N(μ,1): JS and dJS/dμ by quadrature, KL and W1 in closed form',
      columns: ['μ', 'JS (nats)', 'log 2 − JS', 'dJS/dμ', 'KL = μ²/2', 'W1 = |μ|', 'dW1/dμ'],
      rows: [0, 1, 2, 5, 10, settings.muMax]
        .filter((mu, i, all) => mu <= settings.muMax && all.indexOf(mu) === i)
        .map((mu) => {
          const js = meanShiftJs(mu);
          return [mu, js, Math.LN2 - js, meanShiftJsDerivative(mu), (mu * mu) / 2, mu, Math.sign(mu)];
        }),
    };
    return {
      measured,
      verdict: jsVsWassersteinVerdict(m),
      tables: [table],
      charts: [
        {
          name: 'divergences',
          caption: 'JS, KL and W1 between N(0, 1) and N(μ, 1). JS flattens at log 2 (dashed) once the two barely overlap; KL grows as μ²/2; W1, computed by quadrature of |F_p − F_q|, is the straight line |μ|.',
          spec: chart(panels, { title: 'Divergences as N(μ, 1) slides away from N(0, 1)' }),
        },
        {
          name: 'gradients',
          caption: `Gradients in μ on a log scale. |dJS/dμ| peaks near μ = 2 and then falls by many decades (below 1e-3 from μ = ${measured.muWhereDJsBelow1e3}; values under ${QUADRATURE_FLOOR}, the quadrature's noise floor, are not drawn); dW1/dμ stays exactly 1.`,
          spec: chart(
            curvePanel(gradRows, { series: gradSeries, xTitle: 'mean shift μ', yTitle: ['gradient with respect to μ', '(log scale)'], logY: true, width: 560, height: 280 }),
            { title: 'The signal each distance gives a generator at mean μ' },
          ),
        },
        {
          name: 'disjoint-supports',
          caption: 'Disjoint supports. Two Diracs: JS is log 2 for every θ ≠ 0 and 0 only at θ = 0 (the dot) — no gradient anywhere — and KL is infinite; two uniform intervals: JS = min(|θ|, 1)·log 2 is flat once they separate. W1 = |θ| in both.',
          spec: chart(disjoint, { title: 'Disjoint supports: JS is constant, W1 is not', shareScales: true }),
        },
      ],
    };
  },
});
