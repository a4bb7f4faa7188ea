/**
 * optimal-discriminator: Goodfellow et al. (2014), Proposition 1 and Theorem 1. For a fixed
 * generator the best discriminator is D*(x) = p_r(x) / (p_r(x) + p_g(x)), and the value it attains
 * is V(G, D*) = 2·JS(p_r ‖ p_g) − 2 log 2. The scenario trains a small MLP discriminator with the
 * BCE loss on samples of two known 1-D densities (G is fixed: its samples come straight from p_g),
 * then compares the trained D with D* on a grid and evaluates both values by quadrature.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceD } from '../losses/index.ts';
import { disposeModule, mlp, variablesOf, type Module } from '../nn/index.ts';
import { adam } from '../optim/index.ts';
import { COLORS } from '../report/index.ts';
import { Rng } from '../tensor/index.ts';
import {
  discriminatorValueFromLogits,
  gaussianDensity,
  jsDivergence,
  linspace,
  optimalDiscriminator,
  uniformGrid,
  valueAtOptimum,
  type Density,
} from '../theory/index.ts';
import { chart, curvePanel, WIDE, type CurveRow } from './charts.ts';
import { defineScenario, type Verdict } from './types.ts';
import { judge } from './verdict.ts';

/** Bounds of the verdict. */
export const OPTIMAL_D_BOUNDS = {
  /** max |D(x) − D*(x)| over the comparison grid. */
  maxError: 0.05,
  /** |V(G, D*) − (2 JS − 2 log 2)|: both by quadrature, so they must agree to quadrature precision. */
  identity: 1e-6,
  /** V(G, D*) − V(G, D): how far below the optimum the trained D's value may be (nats). */
  valueGap: 0.01,
} as const;

/** The two densities: p_r = N(0, 1) (real) and p_g = N(2, 0.5²) (the fixed generator's). */
const REAL = { mean: 0, std: 1 } as const;
const GENERATED = { mean: 2, std: 0.5 } as const;
/**
 * Share of D's training samples inside the comparison window. Beyond it D sees too few samples
 * to learn D*'s tails (D* turns back up to 1 past x ≈ 3, where the narrower p_g falls off faster
 * than p_r), and no finite training set pins them down.
 */
const COMPARE_MASS = 0.99;
/** Where V is integrated: both densities are below 1e-13 outside it. */
const VALUE_GRID = uniformGrid(-8, 6, 4000);

/** What the verdict compares. */
export interface OptimalDMeasurement {
  /** max |D(x) − D*(x)| on the comparison grid. */
  readonly maxError: number;
  /** V(G, D*) by quadrature. */
  readonly valueAtOptimum: number;
  /** 2·JS(p_r ‖ p_g) − 2 log 2, with JS by quadrature. */
  readonly twoJsMinus2Log2: number;
  /** V(G, D) of the trained D, by quadrature. */
  readonly valueTrained: number;
}

/** The verdict from the measured numbers. */
export function optimalDiscriminatorVerdict(m: OptimalDMeasurement): Verdict {
  const { maxError, identity, valueGap } = OPTIMAL_D_BOUNDS;
  return judge(
    `The BCE-trained discriminator approaches D* = p_r/(p_r + p_g) (max error on the grid below ${maxError}); V(G, D*) equals 2·JS − 2 log 2 (within ${identity}); and the trained D's value is at most ${valueGap} nats below V(G, D*), never above it.`,
    { ...m },
    [
      { label: 'max |D − D*| on the grid', value: m.maxError, below: maxError },
      { label: '|V(G, D*) − (2 JS − 2 log 2)|', value: Math.abs(m.valueAtOptimum - m.twoJsMinus2Log2), below: identity },
      { label: 'V(G, D*) − V(G, D_trained) (nats)', value: m.valueAtOptimum - m.valueTrained, below: valueGap },
      { label: 'V(G, D*) − V(G, D_trained) (nats)', value: m.valueAtOptimum - m.valueTrained, above: -identity },
    ],
  );
}

/**
 * The interval holding the central `mass` of the mixture ½p_r + ½p_g (the distribution of D's
 * training samples), from its CDF accumulated by the trapezoid rule on VALUE_GRID.
 */
export function centralInterval(pr: Density, pg: Density, mass: number): [number, number] {
  const xs = linspace(VALUE_GRID.min, VALUE_GRID.max, 14_001);
  const h = xs[1] - xs[0];
  const cdf = new Float64Array(xs.length);
  for (let i = 1; i < xs.length; i++) cdf[i] = cdf[i - 1] + (h / 4) * (pr(xs[i - 1]) + pg(xs[i - 1]) + pr(xs[i]) + pg(xs[i]));
  const tail = (1 - mass) / 2;
  const lo = cdf.findIndex((c) => c >= tail);
  const hi = cdf.findIndex((c) => c >= 1 - tail);
  return [xs[lo], xs[hi]];
}

/** D's logits at `xs`, read back as numbers. */
function logitsAt(D: Module, xs: readonly number[]): Float32Array {
  const out = tf.tidy(() => D.apply(tf.tensor2d(Float32Array.from(xs), [xs.length, 1]), { training: false }));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

const BATCH = 'BCE loss on the batch';
const EXACT = '−V(G, D) by quadrature';

/** Linear interpolation of samples on an even grid (the trained D between its grid points). */
function interpolate(xs: readonly number[], ys: ArrayLike<number>): (x: number) => number {
  const x0 = xs[0];
  const h = xs[1] - xs[0];
  return (x) => {
    const u = Math.min(xs.length - 1.000001, Math.max(0, (x - x0) / h));
    const i = Math.floor(u);
    const f = u - i;
    return ys[i] * (1 - f) + ys[i + 1] * f;
  };
}

/** The optimal-discriminator scenario: a BCE-trained D against D* and V(G, D*) = 2·JS − 2 log 2. */
export const optimalDiscriminatorScenario = defineScenario({
  name: 'optimal-discriminator',
  title: 'The optimal discriminator and V(G, D*) = 2·JS − 2 log 2',
  shows:
    'With the generator fixed, a discriminator trained with the BCE loss converges to D*(x) = p_r(x)/(p_r(x) + p_g(x)), and the value it attains is V(G, D*) = 2·JS(p_r ‖ p_g) − 2 log 2: what the original GAN\'s generator is really minimizing. Here p_r = N(0, 1), p_g = N(2, 0.5²), and D is an MLP trained on samples of both.',
  tensors: true,
  settings: {
    steps: { default: 1500, help: 'discriminator updates', min: 10, max: 100_000, integer: true },
    batch: { default: 512, help: 'samples per density per update', min: 8, max: 8192, integer: true },
    hidden: { default: 64, help: 'width of the two hidden layers', min: 4, max: 512, integer: true },
    lr: { default: 3e-3, help: 'Adam learning rate (cosine-decayed to a tenth)', min: 1e-6, max: 1 },
    seed: { default: 0, help: 'seed for the initial weights and the samples', min: 0, integer: true },
  },
  async run({ settings, log, tick }) {
    const pr = gaussianDensity(REAL.mean, REAL.std);
    const pg = gaussianDensity(GENERATED.mean, GENERATED.std);
    const dStar = optimalDiscriminator(pr, pg);
    const root = new Rng(settings.seed);
    const D = mlp('D', 1, { hidden: [settings.hidden, settings.hidden], out: 1, act: 'relu' }, root.fork('init/D'));
    const data = root.fork('data');
    const optimizer = adam({ lr: settings.lr, beta1: 0.5, beta2: 0.999 });
    const losses: CurveRow[] = [];
    const every = Math.max(1, Math.floor(settings.steps / 300));
    const valueXs = linspace(VALUE_GRID.min, VALUE_GRID.max, 2801);
    // V(G, D) of the current D by quadrature: the batch loss estimates it with sampling noise.
    const exactValue = () => discriminatorValueFromLogits(pr, pg, interpolate(valueXs, logitsAt(D, valueXs)), VALUE_GRID);
    try {
      const vars = variablesOf(D);
      for (let t = 0; t < settings.steps; t++) {
        optimizer.lr = settings.lr * (0.1 + 0.45 * (1 + Math.cos((Math.PI * t) / settings.steps)));
        const real = data.normalArray(settings.batch, REAL.mean, REAL.std);
        const fake = data.normalArray(settings.batch, GENERATED.mean, GENERATED.std);
        const { value, grads } = tf.tidy(() => {
          const xr = tf.tensor2d(real, [settings.batch, 1]);
          const xg = tf.tensor2d(fake, [settings.batch, 1]);
          const { value: v, grads: g } = tf.variableGrads(() => bceD(D.apply(xr, { training: true }), D.apply(xg, { training: true })), vars);
          return { value: v, grads: vars.map((x) => g[x.name] ?? tf.zerosLike(x)) };
        });
        optimizer.apply(D.params, grads);
        tf.dispose(grads);
        const loss = value.dataSync()[0];
        value.dispose();
        if (t % every === 0 || t === settings.steps - 1) losses.push({ x: t + 1, y: loss, series: BATCH });
        if (t % (every * 5) === 0 || t === settings.steps - 1) losses.push({ x: t + 1, y: -exactValue(), series: EXACT });
        if (t % 200 === 199) {
          log(`optimal-discriminator: step ${t + 1}/${settings.steps}, D loss ${loss.toFixed(4)}`);
          await tick();
        }
      }
      const compare = centralInterval(pr, pg, COMPARE_MASS);
      const grid = linspace(compare[0], compare[1], 651);
      const trained = Array.from(logitsAt(D, grid), (l) => 1 / (1 + Math.exp(-l)));
      const errors = grid.map((x, i) => Math.abs(trained[i] - dStar(x)));
      const js = jsDivergence(pr, pg, VALUE_GRID);
      const m: OptimalDMeasurement = {
        maxError: Math.max(...errors),
        valueAtOptimum: valueAtOptimum(pr, pg, VALUE_GRID),
        twoJsMinus2Log2: 2 * js - 2 * Math.LN2,
        valueTrained: exactValue(),
      };
      const worst = errors.indexOf(m.maxError);
      const measured = {
        ...m,
        js,
        maxErrorAt: grid[worst],
        meanError: errors.reduce((a, b) => a + b, 0) / errors.length,
        finalBatchLoss: losses.filter((r) => r.series === BATCH).at(-1)?.y ?? Number.NaN,
        optimalLoss: -m.valueAtOptimum,
      };

      const densityRows: CurveRow[] = grid.flatMap((x) => [
        { x, y: pr(x), series: 'p_r = N(0, 1) (real)' },
        { x, y: pg(x), series: 'p_g = N(2, 0.5²) (generated)' },
      ]);
      const dRows: CurveRow[] = grid.flatMap((x, i) => [
        { x, y: dStar(x), series: 'D*(x) = p_r / (p_r + p_g)' },
        { x, y: trained[i], series: 'trained D(x)' },
      ]);
      const panels = [
        curvePanel(densityRows, {
          series: [
            { name: 'p_r = N(0, 1) (real)', color: COLORS.real },
            { name: 'p_g = N(2, 0.5²) (generated)', color: COLORS.generated },
          ],
          xTitle: 'x',
          yTitle: 'density',
          title: 'The two densities',
        }),
        curvePanel(dRows, {
          series: [
            { name: 'D*(x) = p_r / (p_r + p_g)', color: '#111111', dashed: true },
            { name: 'trained D(x)', color: COLORS.d },
          ],
          xTitle: 'x',
          yTitle: 'D(x) = P(real)',
          yDomain: [0, 1],
          title: `Trained D vs D*: max error ${m.maxError.toFixed(3)}`,
          rules: [{ y: 0.5, label: 'D = ½' }],
          marks: [{ x: grid[worst], label: 'max error' }],
        }),
      ];
      const optimum = -m.valueAtOptimum;
      const lossChart = curvePanel(losses, {
        series: [
          { name: BATCH, color: '#a5b4f0' },
          { name: EXACT, color: COLORS.d },
        ],
        xTitle: 'discriminator update',
        yTitle: ['−V(G, D) (nats)', '= the BCE loss D minimizes'],
        rules: [{ y: optimum, label: `−V(G, D*) = 2 log 2 − 2·JS = ${optimum.toFixed(4)}`, below: true }],
        yDomain: [Math.floor((optimum - 0.15) * 10) / 10, Math.ceil((optimum + 0.45) * 10) / 10],
        ...WIDE,
      });
      return {
        measured,
        verdict: optimalDiscriminatorVerdict(m),
        charts: [
          {
            name: 'discriminator',
            caption: `Left: the real and the generated density. Right: the trained discriminator's probability of "real" against D* on x ∈ [${compare[0].toFixed(2)}, ${compare[1].toFixed(2)}], where ${COMPARE_MASS * 100} % of the samples D trains on lie (beyond it D sees too few to learn D*'s tails); the dotted line marks the largest error.`,
            spec: chart(panels, { title: `A BCE-trained discriminator finds D* (${settings.steps} Adam steps, G fixed)` }),
          },
          {
            name: 'value',
            caption: `−V(G, D) of the discriminator being trained: exact by quadrature over both densities (dark), and its noisy estimate, the BCE loss on each batch (pale). It falls to −V(G, D*) = 2 log 2 − 2·JS(p_r ‖ p_g) (dashed; JS = ${js.toFixed(4)} nats by quadrature), the bound no discriminator can beat; the trained D ends ${(m.valueAtOptimum - m.valueTrained).toExponential(1)} nats above it.`,
            spec: chart(lossChart, { title: 'The discriminator reaches V(G, D*) = 2·JS − 2 log 2' }),
          },
        ],
      };
    } finally {
      optimizer.dispose();
      disposeModule(D);
    }
  },
});
