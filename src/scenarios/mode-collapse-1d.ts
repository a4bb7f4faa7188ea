/**
 * mode-collapse-1d: the classic PyTorch 1-D example. G and D are 1→64→1 MLPs with ReLU, BCE
 * (non-saturating G), Adam 2e-4, batch 100, 2,000 steps; histograms of 500 real vs 500 generated
 * samples in 30 bins. Run (a) on the data exactly as the example writes it,
 * randn(n,1) + (rand(n,1)·5 − 2.5) — N(0, 1) convolved with U(−2.5, 2.5), whose density is
 * (Φ(x+2.5) − Φ(x−2.5))/5 and has a single mode — and (b) on a true bimodal mixture
 * ½N(−2.5, 0.5²) + ½N(2.5, 0.5²), over several seeds, counting how often G collapses onto one mode,
 * then the same seeds with one remedy, PacGAN packing (D judges two samples at once).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, mixture1d } from '../data/index.ts';
import type { LossConfig } from '../losses/index.ts';
import { modeMetrics, wasserstein1d } from '../metrics/index.ts';
import { activation, dense, sequential } from '../nn/index.ts';
import { COLORS } from '../report/index.ts';
import { Rng } from '../tensor/index.ts';
import { gaussianDensity, linspace, simpson, uniformGrid } from '../theory/index.ts';
import { composeD, packing } from '../stabilizers/index.ts';
import { chart, type CurveRow, type Panel } from './charts.ts';
import { histogramPanel } from './histogram-chart.ts';
import { disposeSession, generate, handSession, trainFor } from './training.ts';
import { defineScenario, type ScenarioTable, type SettingsOf, type Verdict } from './types.ts';
import { formatNumber, judge } from './verdict.ts';

/** Samples per histogram, and the bins (the classic example's). */
const SAMPLES = 500;
const BINS = 30;
const NOISE = { dim: 1, distribution: 'normal' as const };
/** The bimodal mixture of part (b). */
const MIXTURE = { weights: [0.5, 0.5], means: [-2.5, 2.5], stds: [0.5, 0.5] };
/**
 * A mode counts as captured when it holds at least this share of the samples it would get from
 * a perfect G (10 %): a handful of stray samples near a mode is not coverage.
 */
export const CAPTURE_SHARE = 0.1;
/** The remedy's packing degree (PacGAN's pac2). */
const PACKING = 2;

/** The data of part (a), exactly as the classic example draws it: randn + (rand·5 − 2.5). */
export function classicData(): Dataset {
  const draw = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.normal() + (rng.uniform() * 5 - 2.5);
    return out;
  };
  return { name: 'randn + (rand·5 − 2.5)', shape: [1], sampleArray: (n, rng) => ({ x: draw(n, rng) }), sample: (n, rng) => ({ x: tensor1(draw(n, rng)) }) };
}

function tensor1(values: Float32Array): tf.Tensor {
  return tf.tensor2d(values, [values.length, 1]);
}

/** The density of N(0, 1) + U(−2.5, 2.5): (Φ(x + 2.5) − Φ(x − 2.5)) / 5, by Simpson quadrature of φ. */
export function classicDensity(x: number): number {
  return simpson(gaussianDensity(0, 1), uniformGrid(x - 2.5, x + 2.5, 200)) / 5;
}

/**
 * Local maxima of the classic density on a grid over [−8, 8], from the sign of its derivative
 * in closed form, f'(x) = (φ(x + 2.5) − φ(x − 2.5)) / 5: a mode is where f' goes from > 0 to ≤ 0.
 */
export function classicDensityModes(): number {
  const phi = gaussianDensity(0, 1);
  const xs = linspace(-8, 8, 1601);
  let modes = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const d0 = phi(xs[i] + 2.5) - phi(xs[i] - 2.5);
    const d1 = phi(xs[i + 1] + 2.5) - phi(xs[i + 1] - 2.5);
    if (d0 > 0 && d1 <= 0) modes += 1;
  }
  return modes;
}

const SETTINGS = {
  steps: { default: 2000, help: 'GAN steps per run', min: 10, max: 100_000, integer: true },
  seeds: { default: 5, help: 'seeds of the bimodal runs (0, 1, …)', min: 1, max: 20, integer: true },
  lr: { default: 2e-4, help: 'Adam learning rate of both players (β = 0.9, 0.999, PyTorch’s defaults)', min: 1e-6, max: 1 },
  remedySeeds: {
    default: 5,
    help: 'seeds of the same bimodal runs with PacGAN packing (D judges 2 samples at once; Lin et al. 2018); each costs about a plain run',
    min: 0,
    max: 20,
    integer: true,
  },
} as const;
type Settings = SettingsOf<typeof SETTINGS>;

/** One run's outcome. */
interface Run1d {
  seed: number;
  fake: Float32Array;
  real: Float32Array;
  w1: number;
  modes: number;
  perMode: number[];
}

async function train1d(data: Dataset, loss: LossConfig, seed: number, s: Settings, tick: () => Promise<void>, remedy: boolean): Promise<Run1d> {
  const root = new Rng(seed);
  const mlp1 = (name: string, inputs = 1) => sequential(name, [inputs], [dense(64), activation('relu'), dense(1, { init: 'glorot' })], root.fork(`init/${name}`));
  // The remedy: PacGAN's D sees PACKING samples side by side (the same 64-unit D on a wider input).
  const stabilizers = remedy ? [packing(PACKING)] : [];
  const session = handSession({
    data,
    G: mlp1('G'),
    D: composeD(stabilizers, ({ inputShape }) => mlp1('D', inputShape[0]), [1]),
    stabilizers,
    loss,
    noise: NOISE,
    batchSize: 100,
    seed,
    lr: s.lr,
  });
  try {
    await trainFor(session, s.steps, async (r) => {
      if (r.step % 200 === 0) await tick();
    });
    const fake = generate(session.G, NOISE, SAMPLES, root.fork('eval/noise'));
    const real = data.sampleArray(SAMPLES, root.fork('eval/real')).x;
    const metrics = data.modes ? modeMetrics({ data: fake, dim: 1 }, data.modes, { minCount: Math.ceil(CAPTURE_SHARE * SAMPLES * 0.5) }) : undefined;
    return { seed, fake, real, w1: wasserstein1d(fake, real), modes: metrics?.modes ?? Number.NaN, perMode: metrics?.perMode ?? [] };
  } finally {
    disposeSession(session);
  }
}

/** What the verdict compares. */
export interface ModeCollapseMeasurement {
  /** Local maxima of the classic data's density. */
  readonly classicModes: number;
  /** Bimodal runs that captured fewer than 2 modes, and how many ran. */
  readonly collapsed: number;
  readonly seeds: number;
  /** Remedy runs that collapsed, and how many ran (0: not run). */
  readonly remedyCollapsed: number;
  readonly remedySeeds: number;
}

/** The verdict from the measured numbers. */
export function modeCollapseVerdict(m: ModeCollapseMeasurement): Verdict {
  const notes = [
    m.remedySeeds > 0
      ? `with PacGAN packing (m = ${PACKING}) ${m.remedyCollapsed} of ${m.remedySeeds} seeds collapsed, against ${m.collapsed} of ${m.seeds} without it`
      : `the packing remedy was not run (remedySeeds = 0)`,
  ];
  return judge(
    "The classic example's data, randn + (rand·5 − 2.5), is N(0, 1) convolved with U(−2.5, 2.5): a single flat-topped mode, so it cannot show mode collapse. On a true bimodal mixture ½N(−2.5, 0.5²) + ½N(2.5, 0.5²), the same GAN collapses onto one mode in at least one of the seeds.",
    { ...m },
    [
      { label: 'modes of the classic data density', value: m.classicModes, near: 1, within: 0 },
      { label: `bimodal runs collapsed (of ${m.seeds})`, value: m.collapsed, above: 0 },
    ],
    notes,
  );
}

function runPanel(run: Run1d, title: string | readonly string[], curve?: { rows: CurveRow[]; name: string }, legend = false): Panel {
  return histogramPanel(
    [
      { name: 'real', color: COLORS.real, values: run.real },
      { name: 'generated', color: COLORS.generated, values: run.fake },
    ],
    {
      xTitle: 'x',
      title,
      bins: BINS,
      range: [-5, 5],
      width: 230,
      height: 170,
      legend,
      ...(curve ? { curves: curve.rows, curveSeries: [{ name: curve.name, color: '#111111' }] } : {}),
    },
  );
}

function modesTitle(run: Run1d): string[] {
  return [`seed ${run.seed}: ${run.modes < 2 ? 'collapsed' : 'both modes'}`, `${run.perMode.join(' / ')} samples per mode`];
}

/** The mode-collapse-1d scenario: the classic 1-D example on its own (unimodal) data and on a true mixture. */
export const modeCollapse1d = defineScenario({
  name: 'mode-collapse-1d',
  title: 'Mode collapse in 1-D',
  shows:
    'The classic PyTorch example (G and D 1→64→1 with ReLU, BCE, Adam 2e-4, batch 100, 2,000 steps; 500-sample histograms in 30 bins), run on its own data — which has one mode, measured — and on a true two-mode mixture over several seeds, counting how often G collapses onto one mode — without and with PacGAN packing.',
  tensors: true,
  settings: SETTINGS,
  async run({ settings, log, tick }) {
    log('mode-collapse-1d: (a) the classic data');
    const classic = await train1d(classicData(), { name: 'non-saturating' }, 0, settings, tick, false);
    const mixture = mixture1d(MIXTURE);
    const plain: Run1d[] = [];
    for (let seed = 0; seed < settings.seeds; seed++) {
      log(`mode-collapse-1d: (b) bimodal mixture, seed ${seed}`);
      plain.push(await train1d(mixture, { name: 'non-saturating' }, seed, settings, tick, false));
    }
    const remedy: Run1d[] = [];
    for (let seed = 0; seed < settings.remedySeeds; seed++) {
      log(`mode-collapse-1d: (b) with packing, seed ${seed}`);
      remedy.push(await train1d(mixture, { name: 'non-saturating' }, seed, settings, tick, true));
    }
    const m: ModeCollapseMeasurement = {
      classicModes: classicDensityModes(),
      collapsed: plain.filter((r) => r.modes < 2).length,
      seeds: plain.length,
      remedyCollapsed: remedy.filter((r) => r.modes < 2).length,
      remedySeeds: remedy.length,
    };
    const measured: Record<string, number> = { ...m, classicW1: classic.w1 };
    for (const r of plain) {
      measured[`seed${r.seed}.modes`] = r.modes;
      measured[`seed${r.seed}.w1`] = r.w1;
    }
    for (const r of remedy) measured[`pac${PACKING}.seed${r.seed}.modes`] = r.modes;

    const densityRows: CurveRow[] = linspace(-5, 5, 201).map((x) => ({ x, y: classicDensity(x), series: 'true density (Φ(x+2.5) − Φ(x−2.5))/5' }));
    const table: ScenarioTable = {
      caption: `Bimodal runs: modes captured (a mode needs ≥ ${CAPTURE_SHARE * 100} % of its expected ${SAMPLES / 2} samples) and W1 to 500 real samples`,
      columns: ['seed', 'plain: modes', 'plain: samples per mode', 'plain: W1', ...(remedy.length ? [`pac${PACKING}: modes`, `pac${PACKING}: W1`] : [])],
      rows: plain.map((r, i) => [r.seed, r.modes, r.perMode.join(' / '), r.w1, ...(remedy[i] ? [remedy[i].modes, remedy[i].w1] : remedy.length ? ['—', '—'] : [])]),
    };
    const charts = [
      {
        name: 'classic-data',
        caption: `(a) The data as the classic example writes it, randn + (rand·5 − 2.5), against 500 samples of G after ${settings.steps} steps; the line is its true density, which has ${m.classicModes} mode${m.classicModes === 1 ? '' : 's'} (from the sign changes of its derivative): there is no second mode to collapse from. W1(G, data) = ${formatNumber(classic.w1, 3)}.`,
        spec: chart(
          histogramPanel(
            [
              { name: 'real', color: COLORS.real, values: classic.real },
              { name: 'generated', color: COLORS.generated, values: classic.fake },
            ],
            { xTitle: 'x', bins: BINS, range: [-5, 5], width: 560, height: 240, curves: densityRows, curveSeries: [{ name: 'true density (Φ(x+2.5) − Φ(x−2.5))/5', color: '#111111' }] },
          ),
          { title: "(a) The classic example's data has one mode" },
        ),
      },
      {
        name: 'bimodal',
        caption: `(b) ½N(−2.5, 0.5²) + ½N(2.5, 0.5²): real vs generated after ${settings.steps} steps for each seed; G collapsed onto one mode in ${m.collapsed} of ${m.seeds}.`,
        spec: chart(
          plain.map((r, i) => runPanel(r, modesTitle(r), undefined, i === 0)),
          { title: `(b) A true two-mode mixture: ${m.collapsed} of ${m.seeds} seeds collapse`, columns: 3, shareScales: true },
        ),
      },
      ...(remedy.length
        ? [
            {
              name: 'bimodal-packing',
              caption: `The same seeds and networks with PacGAN packing (D judges ${PACKING} samples at once, Lin et al. 2018): ${m.remedyCollapsed} of ${m.remedySeeds} collapsed.`,
              spec: chart(
                remedy.map((r, i) => runPanel(r, modesTitle(r), undefined, i === 0)),
                { title: `With packing (m = ${PACKING}): ${m.remedyCollapsed} of ${m.remedySeeds} seeds collapse`, columns: 3, shareScales: true },
              ),
            },
          ]
        : []),
    ];
    return { measured, verdict: modeCollapseVerdict(m), tables: [table], charts };
  },
});
