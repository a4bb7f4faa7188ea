/**
 * k-steps: how the balance of the two players' updates changes what G learns on ring8. Three
 * variants of the same non-saturating GAN over several seeds: one D step per G step (k = 1),
 * five (k = 5, Goodfellow et al. 2014's k, WGAN's n_critic), and one step with D's learning rate
 * a multiple of G's (TTUR, Heusel et al. 2017). Each run is measured every few hundred steps on
 * 2,500 samples with the evaluator every training run uses: modes captured, high-quality share
 * and sliced W1 to the data.
 */
import { resolveConfig, type RunConfigInput } from '../config/index.ts';
import { COLORS } from '../report/index.ts';
import { memoryStore, runSession, sessionFromConfig } from '../run/index.ts';
import { disposeSession, type EvalRecord, type GanSession, type SampleSnapshot } from '../train/index.ts';
import { chart, curvePanel, METHOD_COLORS, type CurveRow, type Panel } from './charts.ts';
import { defineScenario, type ScenarioTable, type SettingsOf, type Verdict } from './types.ts';
import { formatNumber, judge } from './verdict.ts';

const SETTINGS = {
  steps: { default: 1000, help: 'G steps per run (k = 5 takes five D steps in each)', min: 50, max: 100_000, integer: true },
  seeds: { default: 3, help: 'seeds per variant (0, 1, …)', min: 1, max: 20, integer: true },
  k: { default: 5, help: 'D steps per G step of the "k" variant', min: 2, max: 20, integer: true },
  lr: { default: 5e-4, help: "Adam learning rate of both players (β1 = 0.5), and G's under TTUR", min: 1e-6, max: 1 },
  tturRatio: { default: 4, help: "TTUR: D's learning rate as a multiple of G's", min: 1, max: 100 },
  width: { default: 64, help: 'hidden units of each of the two hidden layers of G and D', min: 4, max: 1024, integer: true },
  evalEvery: { default: 250, help: 'steps between evaluations (2,500 samples each)', min: 10, max: 100_000, integer: true },
} as const;
type Settings = SettingsOf<typeof SETTINGS>;

/** Generated samples each evaluation scores (PacGAN's protocol). */
const EVAL_SAMPLES = 2500;
/** Samples drawn in the final scatter plots. */
const SCATTER_POINTS = 600;

/** The variants compared, as config fragments over the shared base. */
function variants(s: Settings): { name: string; config: RunConfigInput['optim'] & object; dStepsPerG: number }[] {
  const adam = (lr: number) => ({ name: 'adam' as const, lr, beta1: 0.5 });
  return [
    { name: 'k = 1', dStepsPerG: 1, config: { g: adam(s.lr), d: adam(s.lr) } },
    { name: `k = ${s.k}`, dStepsPerG: s.k, config: { g: adam(s.lr), d: adam(s.lr) } },
    { name: `TTUR (lrD = ${formatNumber(s.tturRatio)}·lrG)`, dStepsPerG: 1, config: { g: adam(s.lr), d: adam(s.lr * s.tturRatio) } },
  ];
}

/** One run's evaluations over training and its final samples. */
interface Run {
  variant: string;
  seed: number;
  evals: EvalRecord[];
  final: EvalRecord;
  fake: number[][];
  seconds: number;
}

function baseConfig(s: Settings, seed: number, variant: ReturnType<typeof variants>[number]): RunConfigInput {
  return {
    seed,
    steps: s.steps,
    batchSize: 256,
    dStepsPerG: variant.dStepsPerG,
    data: { kind: 'ring8' },
    model: { noiseDim: 8, g: { hidden: [s.width, s.width] }, d: { hidden: [s.width, s.width] } },
    optim: variant.config,
    loss: { name: 'non-saturating' },
  };
}

async function trainRun(s: Settings, seed: number, variant: ReturnType<typeof variants>[number], tick: () => Promise<void>): Promise<Run> {
  const session: GanSession = sessionFromConfig(resolveConfig({ files: [baseConfig(s, seed, variant)] }));
  const t0 = performance.now();
  const evals: EvalRecord[] = [];
  let last: SampleSnapshot | undefined;
  const plan = { until: s.steps, checkpointEvery: 0, keepCheckpoints: 1, eval: { every: s.evalEvery, samples: EVAL_SAMPLES, seed: 1, snapshots: false, snapshotPoints: SCATTER_POINTS, surfaceResolution: 2 } };
  try {
    await runSession(session, plan, memoryStore(`k-steps-${variant.name}-${seed}`), {
      onRecord: async (r) => {
        if (r.step % 20 === 0) await tick();
      },
      onEval: (record, snapshot) => {
        evals.push(record);
        last = snapshot;
      },
    });
    return { variant: variant.name, seed, evals, final: evals[evals.length - 1], fake: last!.fake, seconds: (performance.now() - t0) / 1000 };
  } finally {
    disposeSession(session);
  }
}

/** Mean wall time of runs, in seconds. */
const meanSeconds = (runs: readonly Run[]): number => runs.reduce((a, r) => a + r.seconds, 0) / runs.length;

/** Mean over runs of one final metric. */
const meanOf = (runs: readonly Run[], pick: (r: EvalRecord) => number | undefined): number => runs.reduce((a, r) => a + (pick(r.final) ?? Number.NaN), 0) / runs.length;

/** The numbers the verdict compares: per variant, the mean over seeds of the final metrics and the wall time. */
export interface KStepsMeasurement {
  readonly seeds: number;
  readonly modesK1: number;
  readonly modesK: number;
  readonly modesTtur: number;
  readonly w1K1: number;
  readonly w1K: number;
  readonly w1Ttur: number;
  readonly secondsK1: number;
  readonly secondsK: number;
  readonly secondsTtur: number;
}

/** Tolerances of the verdict: seed noise on a few seeds is about half a mode. */
export const K_STEPS_TOLERANCE = { modes: 0.5, kCost: 2, tturCost: 1.5 } as const;

/**
 * The verdict. More D steps per G step train D nearer its optimum, and on data with disjoint
 * supports a near-optimal D does not give the non-saturating G better gradients (Arjovsky &
 * Bottou 2017, §2.2: they become unstable and push samples to the nearest mode). So k = K should
 * capture no more modes than k = 1 (mean over seeds, within half a mode) while costing more than
 * twice the time; TTUR gets its D advantage from the learning rate at about k = 1's cost (under
 * 1.5×). How TTUR's coverage and each variant's W1 compare is measured and reported, not assumed
 * (in our runs it moves either way with the seeds and widths).
 */
export function kStepsVerdict(m: KStepsMeasurement, k: number): Verdict {
  const { modes, kCost, tturCost } = K_STEPS_TOLERANCE;
  return judge(
    `Training D nearer its optimum with ${k} D steps per G step does not buy the non-saturating G better coverage of ring8 (Arjovsky & Bottou 2017): on the mean over ${m.seeds} seed${m.seeds === 1 ? '' : 's'} it captures no more modes than one step (within ${modes}), at more than ${kCost}× the time; TTUR's larger D learning rate costs about one step's time (under ${tturCost}×).`,
    { ...m },
    [
      { label: `modes (k = ${k}) − modes (k = 1)`, value: m.modesK - m.modesK1, below: modes },
      { label: `time (k = ${k}) / time (k = 1)`, value: m.secondsK / m.secondsK1, above: kCost },
      { label: 'time (TTUR) / time (k = 1)', value: m.secondsTtur / m.secondsK1, below: tturCost },
    ],
    [
      `TTUR: ${formatNumber(m.modesTtur, 3)} modes, W1 ${formatNumber(m.w1Ttur, 3)}`,
      `k = ${k}: W1 ${formatNumber(m.w1K, 3)} against ${formatNumber(m.w1K1, 3)} for k = 1`,
    ],
  );
}

/** Mean of a metric over seeds at each evaluation step, as curve rows of one series. */
function meanCurve(runs: readonly Run[], series: string, pick: (r: EvalRecord) => number | undefined): CurveRow[] {
  const steps = runs[0].evals.map((e) => e.step);
  return steps.map((step, i) => ({ x: step, y: runs.reduce((a, r) => a + (pick(r.evals[i]) ?? Number.NaN), 0) / runs.length, series }));
}

/** One run's final samples over the eight mode centres, as a small scatter panel. */
function samplesPanel(run: Run, title: string[]): Panel {
  const centres = Array.from({ length: 8 }, (_, i) => ({ x: 2 * Math.cos((i * Math.PI) / 4), y: 2 * Math.sin((i * Math.PI) / 4) }));
  const scale = { domain: [-3, 3], nice: false };
  const encoding = { x: { field: 'x', type: 'quantitative', scale, title: null }, y: { field: 'y', type: 'quantitative', scale, title: null } };
  return {
    width: 200,
    height: 200,
    title: { text: title, fontSize: 12 },
    layer: [
      { data: { values: run.fake.map(([x, y]) => ({ x, y })) }, mark: { type: 'circle', size: 10, opacity: 0.5, color: COLORS.generated, clip: true }, encoding },
      { data: { values: centres }, mark: { type: 'point', size: 120, strokeWidth: 2, color: COLORS.real }, encoding },
    ],
  } as Panel;
}

/** The k-steps scenario. */
export const kSteps = defineScenario({
  name: 'k-steps',
  title: 'D steps per G step, and TTUR, on ring8',
  shows:
    "The same non-saturating GAN on ring8 with one D step per G step, with k D steps, and with one step at a larger D learning rate (TTUR), over several seeds: modes captured (3σ rule), high-quality share and W1 over training, measured on 2,500 samples with the run evaluator.",
  tensors: true,
  settings: SETTINGS,
  async run({ settings, log, tick }) {
    const runs: Run[] = [];
    const vs = variants(settings);
    for (const v of vs) {
      for (let seed = 0; seed < settings.seeds; seed++) {
        log(`k-steps: ${v.name}, seed ${seed}`);
        const run = await trainRun(settings, seed, v, tick);
        log(`k-steps: ${v.name}, seed ${seed}: ${run.final.modes}/8 modes, W1 ${formatNumber(run.final.w1 ?? Number.NaN, 3)}, ${run.seconds.toFixed(1)} s`);
        runs.push(run);
      }
    }
    const byVariant = vs.map((v) => runs.filter((r) => r.variant === v.name));
    const [k1, kk, ttur] = byVariant;
    const m: KStepsMeasurement = {
      seeds: settings.seeds,
      modesK1: meanOf(k1, (r) => r.modes),
      modesK: meanOf(kk, (r) => r.modes),
      modesTtur: meanOf(ttur, (r) => r.modes),
      w1K1: meanOf(k1, (r) => r.w1),
      w1K: meanOf(kk, (r) => r.w1),
      w1Ttur: meanOf(ttur, (r) => r.w1),
      secondsK1: meanSeconds(k1),
      secondsK: meanSeconds(kk),
      secondsTtur: meanSeconds(ttur),
    };
    const measured: Record<string, number> = { ...m };
    for (const r of runs) {
      const key = `${r.variant.split(' ')[0] === 'TTUR' ? 'ttur' : r.variant.replace(/\s/g, '')}.seed${r.seed}`;
      measured[`${key}.modes`] = r.final.modes ?? Number.NaN;
      measured[`${key}.highQuality`] = r.final.highQuality ?? Number.NaN;
      measured[`${key}.w1`] = r.final.w1 ?? Number.NaN;
      measured[`${key}.seconds`] = r.seconds;
    }
    const series = vs.map((v, i) => ({ name: v.name, color: METHOD_COLORS[i] }));
    const curves = (pick: (r: EvalRecord) => number | undefined) => byVariant.flatMap((rs, i) => meanCurve(rs, vs[i].name, pick));
    const table: ScenarioTable = {
      caption: `Final evaluation of each run (${EVAL_SAMPLES} samples; a mode is captured when a high-quality sample lands within 3σ of it)`,
      columns: ['variant', 'seed', 'modes (of 8)', 'high quality %', 'reverse KL', 'W1', 'seconds'],
      rows: runs.map((r) => [r.variant, r.seed, r.final.modes ?? '—', 100 * (r.final.highQuality ?? Number.NaN), r.final.reverseKL ?? '—', r.final.w1 ?? '—', r.seconds]),
    };
    const charts = [
      {
        name: 'over-training',
        caption: `Mean over ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'} of modes captured, high-quality share and sliced W1 to the data, every ${settings.evalEvery} G steps.`,
        spec: chart(
          [
            curvePanel(curves((r) => r.modes), { series, xTitle: 'G step', yTitle: 'modes captured (of 8)', yDomain: [0, 8], points: true }),
            curvePanel(curves((r) => 100 * (r.highQuality ?? Number.NaN)), { series, xTitle: 'G step', yTitle: 'high quality (%)', legend: false, points: true }),
            curvePanel(curves((r) => r.w1), { series, xTitle: 'G step', yTitle: 'W1 to the data (sliced)', legend: false, points: true }),
          ],
          { title: 'Modes, quality and W1 over training', subtitle: `non-saturating loss, ring8, MLPs 2×${settings.width}, Adam lr ${formatNumber(settings.lr)}` },
        ),
      },
      {
        name: 'final-samples',
        caption: `Generated samples (${SCATTER_POINTS}) of every run at the end (dots), with the eight mode centres (rings); rows are variants, columns seeds.`,
        spec: chart(
          runs.map((r) => samplesPanel(r, [`${r.variant}, seed ${r.seed}`, `${r.final.modes}/8 modes, W1 ${formatNumber(r.final.w1 ?? Number.NaN, 3)}`])),
          { title: 'Final samples', columns: settings.seeds, shareScales: true },
        ),
      },
    ];
    return { measured, verdict: kStepsVerdict(m, settings.k), tables: [table], charts };
  },
});
