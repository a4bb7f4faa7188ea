/**
 * linear-1d: the smallest GAN that fails. G(z) = a·z + b and D(x) = σ(w·x + c) are both linear
 * 1→1, the real data is the fixed batch linspace(−2, 2, 100). A linear D is one threshold: it can
 * say "real data lies to the left/right", so it only ever sees the mean. G's offset b chases the
 * side D currently prefers, D flips its slope w when G overshoots, and the pair oscillates; G's
 * slope a gets no consistent signal, so G never learns the data's spread, which W1 shows.
 */
import { wasserstein1d } from '../metrics/index.ts';
import { dense, sequential, type Module } from '../nn/index.ts';
import { COLORS } from '../report/index.ts';
import { Rng } from '../tensor/index.ts';
import { linspace } from '../theory/index.ts';
import { chart, curvePanel, METHOD_COLORS, type CurveRow } from './charts.ts';
import { histogramPanel } from './histogram-chart.ts';
import { disposeSession, fixedBatch, handSession, trainFor } from './training.ts';
import { defineScenario, type Verdict } from './types.ts';
import { formatNumber, judge } from './verdict.ts';

/** Bounds of the verdict. */
export const LINEAR_BOUNDS = {
  /** G's offset and D's slope must each change sign more often than this (they oscillate). */
  signChanges: 2,
  /** G's final W1 to the data must be more than this multiple of the best linear G's. */
  w1Ratio: 2,
  /** Changes of sign count only once the value is this far from 0, so jitter at a crossing counts once. */
  hysteresis: 0.05,
} as const;

/** Sign changes of a series, counting a change only when |v| exceeds `hysteresis` on the new side. */
export function signChanges(values: readonly number[], hysteresis: number = LINEAR_BOUNDS.hysteresis): number {
  let last = 0;
  let changes = 0;
  for (const v of values) {
    if (Math.abs(v) <= hysteresis) continue;
    const sign = Math.sign(v);
    if (last !== 0 && sign !== last) changes += 1;
    last = sign;
  }
  return changes;
}

/**
 * The smallest W1 any linear G = a·z + b can reach against `data`, with z the fixed noise draws
 * `z`: b is the data's mean for symmetric noise and data, and W1 is convex in a, so a golden
 * section over a ∈ [0, 4·spread] finds it.
 */
export function bestLinearW1(z: Float32Array, data: Float32Array): { a: number; w1: number } {
  const mean = data.reduce((s, v) => s + v, 0) / data.length;
  const w1At = (a: number) => wasserstein1d(z.map((v) => a * v + mean), data);
  let lo = 0;
  let hi = 4 * (Math.max(...data) - Math.min(...data));
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const m1 = hi - phi * (hi - lo);
    const m2 = lo + phi * (hi - lo);
    if (w1At(m1) <= w1At(m2)) hi = m2;
    else lo = m1;
  }
  const a = (lo + hi) / 2;
  return { a, w1: w1At(a) };
}

/** What the verdict compares. */
export interface LinearMeasurement {
  /** Sign changes of G's offset b over training. */
  readonly offsetSignChanges: number;
  /** Sign changes of D's slope w. */
  readonly dSlopeSignChanges: number;
  /** W1(G, data) at the end. */
  readonly finalW1: number;
  /** The best W1 a linear G can reach. */
  readonly bestW1: number;
}

/** The verdict from the measured numbers. */
export function linear1dVerdict(m: LinearMeasurement): Verdict {
  const { signChanges: changes, w1Ratio } = LINEAR_BOUNDS;
  return judge(
    `With a linear D (a single threshold) G's offset oscillates around the data's mean instead of settling — it and D's slope each change sign more than ${changes} times — and G never learns the data's spread: its final W1 to the data is more than ${w1Ratio}× the best a linear G can reach.`,
    { ...m },
    [
      { label: "sign changes of G's offset b", value: m.offsetSignChanges, above: changes },
      { label: "sign changes of D's slope w", value: m.dSlopeSignChanges, above: changes },
      { label: 'final W1 / best linear W1', value: m.finalW1 / m.bestW1, above: w1Ratio },
    ],
  );
}

/** The scalar value of a 1×1 network's parameter whose name ends in `suffix`. */
function scalarParam(module: Module, suffix: 'kernel' | 'bias'): number {
  const p = module.params.find((q) => q.name.endsWith(`/${suffix}`));
  if (!p) throw new Error(`${module.name} has no ${suffix}`);
  return p.variable.dataSync()[0];
}

/** The linear-1d scenario: a linear G against a linear D oscillates and never fits the spread. */
export const linear1d = defineScenario({
  name: 'linear-1d',
  title: 'A linear G against a linear D: oscillation',
  shows:
    "G(z) = a·z + b and D(x) = σ(w·x + c), both linear 1→1, on the fixed data linspace(−2, 2, 100) with the BCE losses. A linear D is one threshold, so it only sees which side the mean is on: G's offset and D's slope chase each other around the data mean, G's slope gets no consistent signal, and W1 shows that G never fits the data's spread.",
  tensors: true,
  settings: {
    steps: { default: 1000, help: 'GAN steps', min: 10, max: 100_000, integer: true },
    lr: { default: 1e-2, help: 'Adam learning rate of both players (β = 0.9, 0.999)', min: 1e-6, max: 1 },
    seed: { default: 0, help: 'seed for the weights and the noise', min: 0, integer: true },
  },
  async run({ settings, tick }) {
    const values = Float32Array.from(linspace(-2, 2, 100));
    const root = new Rng(settings.seed);
    const G = sequential('G', [1], [dense(1, { init: 'glorot' })], root.fork('init/G'));
    const D = sequential('D', [1], [dense(1, { init: 'glorot' })], root.fork('init/D'));
    const noise = { dim: 1, distribution: 'normal' as const };
    const session = handSession({ data: fixedBatch('linspace(−2, 2, 100)', values, 1), G, D, loss: { name: 'non-saturating' }, lr: settings.lr, noise, batchSize: 100, seed: settings.seed });
    // Fixed noise for W1: G is linear, so W1 at (a, b) is W1 of a·z + b on these draws.
    const z = root.fork('w1-noise').normalArray(5000);
    const w1Of = (a: number, b: number) => wasserstein1d(z.map((v) => a * v + b), values);
    const params: { a: number[]; b: number[]; w: number[]; c: number[] } = { a: [], b: [], w: [], c: [] };
    const losses: CurveRow[] = [];
    const w1Rows: CurveRow[] = [];
    try {
      await trainFor(session, settings.steps, async (r) => {
        const t = r.step - 1;
        const [a, b, w, c] = [scalarParam(G, 'kernel'), scalarParam(G, 'bias'), scalarParam(D, 'kernel'), scalarParam(D, 'bias')];
        params.a.push(a);
        params.b.push(b);
        params.w.push(w);
        params.c.push(c);
        losses.push({ x: t + 1, y: r.dLoss, series: 'D loss' }, { x: t + 1, y: r.gLoss, series: 'G loss' });
        if (t % 5 === 4 || t === 0) w1Rows.push({ x: t + 1, y: w1Of(a, b), series: 'W1(G, data)' });
        if (t % 200 === 199) await tick();
      });
    } finally {
      disposeSession(session);
    }
    const best = bestLinearW1(z, values);
    const last = params.a.length - 1;
    const m: LinearMeasurement = {
      offsetSignChanges: signChanges(params.b),
      dSlopeSignChanges: signChanges(params.w),
      finalW1: w1Of(params.a[last], params.b[last]),
      bestW1: best.w1,
    };
    const half = Math.floor(params.b.length / 2);
    const measured = {
      ...m,
      bestSlope: best.a,
      finalSlope: params.a[last],
      finalOffset: params.b[last],
      offsetAmplitudeLastHalf: Math.max(...params.b.slice(half).map(Math.abs)),
      maxAbsSlope: Math.max(...params.a.map(Math.abs)),
    };
    const stepRows = (key: 'a' | 'b' | 'w' | 'c', name: string): CurveRow[] => params[key].map((y, t) => ({ x: t + 1, y, series: name }));
    const gSeries = [
      { name: 'G slope a', color: METHOD_COLORS[1] },
      { name: 'G offset b', color: COLORS.g },
    ];
    const dSeries = [
      { name: 'D slope w', color: COLORS.d },
      { name: 'D offset c', color: METHOD_COLORS[4] },
    ];
    const panels = [
      curvePanel([...stepRows('a', 'G slope a'), ...stepRows('b', 'G offset b')], { series: gSeries, xTitle: 'step', yTitle: 'parameter value', title: 'Generator G(z) = a·z + b', rules: [{ y: 0, label: 'data mean 0', below: true }], width: 400 }),
      curvePanel([...stepRows('w', 'D slope w'), ...stepRows('c', 'D offset c')], { series: dSeries, xTitle: 'step', yTitle: 'parameter value', title: 'Discriminator D(x) = σ(w·x + c)', rules: [{ y: 0, label: '' }], width: 400 }),
    ];
    const finalSamples = z.slice(0, 2000).map((v) => params.a[last] * v + params.b[last]);
    return {
      measured,
      verdict: linear1dVerdict(m),
      charts: [
        {
          name: 'parameters',
          caption: `The four parameters per step. G's offset b swings around the data mean 0 (${m.offsetSignChanges} sign changes) as D's slope w flips (${m.dSlopeSignChanges}); G's slope a stays near 0 (largest |a| ${formatNumber(measured.maxAbsSlope, 3)}) while the best linear fit needs a ≈ ${formatNumber(best.a, 3)}.`,
          spec: chart(panels, { title: 'Linear G vs linear D: the offset chases the threshold' }),
        },
        {
          name: 'losses',
          caption: "D's and G's BCE losses per step: they oscillate with the parameters instead of settling.",
          spec: chart(
            curvePanel(losses, {
              series: [
                { name: 'D loss', color: COLORS.d },
                { name: 'G loss', color: COLORS.g },
              ],
              xTitle: 'step (generator updates)',
              yTitle: 'loss (nats)',
              rules: [{ y: 2 * Math.LN2, label: '2 log 2 (D at ½ everywhere)', below: true }],
              width: 560,
            }),
            { title: 'Losses' },
          ),
        },
        {
          name: 'w1',
          caption: `Wasserstein-1 between G's output and the data over training (on 5,000 fixed noise draws). The dashed line is the best any linear G reaches (a = ${formatNumber(best.a, 3)}, b = 0): G stays ${formatNumber(m.finalW1 / m.bestW1, 3)}× above it.`,
          spec: chart(curvePanel(w1Rows, { series: [{ name: 'W1(G, data)', color: COLORS.generated }], xTitle: 'step (generator updates)', yTitle: 'W1 (data units)', rules: [{ y: best.w1, label: `best linear G: ${formatNumber(best.w1, 3)}`, below: true }], yDomain: [0, Math.max(1.2, ...w1Rows.map((r) => r.y)) * 1.05], width: 560, legend: false }), { title: 'What W1 says about the fit' }),
        },
        {
          name: 'histogram',
          caption: `The data against 2,000 samples of G at the end: G's samples stay bunched around the mean (slope ${formatNumber(params.a[last], 3)}).`,
          spec: chart(
            histogramPanel(
              [
                { name: 'real: linspace(−2, 2, 100)', color: COLORS.real, values },
                { name: 'generated', color: COLORS.generated, values: finalSamples },
              ],
              { xTitle: 'x', range: [-3.1, 3.1], bins: 31, width: 560 },
            ),
            { title: `Real vs generated after ${settings.steps} steps` },
          ),
        },
      ],
    };
  },
});
