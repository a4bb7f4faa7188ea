/**
 * vanishing-gradients: the classic PyTorch demonstration of the saturating generator loss.
 * G = Linear(10→20) + ReLU, D = Linear(20→1) + sigmoid, real data one fixed N(0, I₂₀) batch of
 * 100, BCE, Adam 2e-4, 500 steps, run with the minimax and the non-saturating generator loss on
 * the same seed. The minimax generator's gradient is proportional to D(G(z)) (see
 * saturation-curve), so it vanishes only once D confidently rejects G's samples. The scenario
 * measures whether the classic setup gets there and, to show the effect itself, repeats the run
 * with a D that can (an MLP trained alone first, as D is ahead early in real training).
 */
import * as tf from '@tensorflow/tfjs-core';
import { activation, dense, sequential, type LayerFactory } from '../nn/index.ts';
import { adam } from '../optim/index.ts';
import { COLORS } from '../report/index.ts';
import { Rng } from '../tensor/index.ts';
import { sampleNoise } from '../data/index.ts';
import { chart, curvePanel, type CurveRow } from './charts.ts';
import { histogramPanel } from './histogram-chart.ts';
import { discriminatorOnlyStep, disposeSession, fixedBatch, generate, handSession, meanProbability, trainFor } from './training.ts';
import { defineScenario, type SettingsOf, type Verdict } from './types.ts';
import { formatNumber, judge } from './verdict.ts';

/** Bounds of the verdict. */
export const VANISHING_BOUNDS = {
  /** D(G(z)) below this counts as D confidently rejecting G's samples. */
  confident: 0.05,
  /** With a confident D, minimax ‖∇G‖ must be below this fraction of the non-saturating one. */
  gradientRatio: 0.05,
  /** Half of N(0, 1) is negative: the real share must be within this of ½. */
  negativeShare: 0.05,
} as const;

const NOISE = { dim: 10, distribution: 'normal' as const };
const DATA_DIM = 20;
const BATCH = 100;

type LossName = 'minimax' | 'non-saturating';
type DKind = 'linear' | 'mlp';

/** One training run's per-step numbers and G's samples at the end. */
interface Arm {
  dFake: number[];
  gradNormG: number[];
  /** D(G(z)) on 1,000 fresh samples when the GAN steps start (after any D-only training). */
  dFakeAtStart: number;
  pretrainSteps: number;
  samples: Float32Array;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const SETTINGS = {
  steps: { default: 500, help: 'GAN steps per run', min: 1, max: 20_000, integer: true },
  lr: { default: 2e-4, help: 'Adam learning rate of both players (β = 0.9, 0.999, PyTorch’s defaults)', min: 1e-6, max: 1 },
  seed: { default: 0, help: 'seed for the real batch, the weights and the noise', min: 0, integer: true },
  pretrainLr: { default: 2e-3, help: 'Adam learning rate of the confident D’s solo training', min: 1e-6, max: 1 },
  pretrainMaxSteps: { default: 2000, help: 'most solo D steps before the confident-D runs', min: 0, max: 100_000, integer: true },
  pretrainTarget: { default: 0.01, help: 'solo D training stops once D(G(z)) on its batch is below this', min: 1e-6, max: 0.5 },
} as const;

type Settings = SettingsOf<typeof SETTINGS>;

async function runArm(loss: LossName, dKind: DKind, s: Settings, tick: () => Promise<void>): Promise<Arm> {
  const root = new Rng(s.seed);
  const data = fixedBatch('fixed N(0, I20) batch', root.fork('data').normalArray(BATCH * DATA_DIM), DATA_DIM);
  // The same G (and real batch) in every run: only the loss and D differ.
  const G = sequential('G', [NOISE.dim], [dense(DATA_DIM, { init: 'glorot' }), activation('relu')], root.fork('init/G'));
  const dLayers: LayerFactory[] = dKind === 'linear' ? [dense(1, { init: 'glorot' })] : [dense(64), activation('relu'), dense(1, { init: 'glorot' })];
  const D = sequential('D', [DATA_DIM], dLayers, root.fork(`init/D-${dKind}`));
  const session = handSession({ data, G, D, loss: { name: loss }, lr: s.lr, noise: NOISE, batchSize: BATCH, seed: s.seed });
  const probe = root.fork('probe');
  try {
    let pretrainSteps = 0;
    if (dKind === 'mlp') {
      const optimizer = adam({ lr: s.pretrainLr, beta1: 0.9, beta2: 0.999 });
      const rng = root.fork('pretrain');
      try {
        while (pretrainSteps < s.pretrainMaxSteps) {
          discriminatorOnlyStep(session, optimizer, rng);
          pretrainSteps += 1;
          if (pretrainSteps % 50 === 0 && tf.tidy(() => meanProbability(D, G.apply(sampleNoise(NOISE, BATCH, rng), { training: false }))) < s.pretrainTarget) break;
        }
      } finally {
        optimizer.dispose();
      }
    }
    const dFakeAtStart = tf.tidy(() => meanProbability(D, G.apply(sampleNoise(NOISE, 1000, probe), { training: false })));
    const dFake: number[] = [];
    const gradNormG: number[] = [];
    await trainFor(session, s.steps, async (r) => {
      dFake.push(r.dFake);
      gradNormG.push(r.gradNormG);
      if (r.step % 100 === 0) await tick();
    });
    return { dFake, gradNormG, dFakeAtStart, pretrainSteps, samples: generate(G, NOISE, 1000, probe) };
  } finally {
    disposeSession(session);
  }
}

/** What the verdict compares (the confident-D runs and the ReLU facts) and reports (the runs as written). */
export interface VanishingMeasurement {
  /** D(G(z)) when the confident-D runs start. */
  readonly confidentDFake: number;
  /** Mean ‖∇G‖ minimax / non-saturating over the confident-D runs. */
  readonly confidentRatio: number;
  readonly realNegativeShare: number;
  readonly generatedNegativeShare: number;
  /** D(G(z)) at the end of the minimax run as written. */
  readonly classicFinalDFake: number;
  /** Mean ‖∇G‖ minimax / non-saturating over the runs as written. */
  readonly classicRatio: number;
}

/** The verdict from the measured numbers. */
export function vanishingGradientsVerdict(m: VanishingMeasurement): Verdict {
  const { confident, gradientRatio, negativeShare } = VANISHING_BOUNDS;
  const saturated = m.classicFinalDFake < confident;
  return judge(
    `The minimax generator's gradient vanishes once D confidently rejects G's samples: with D(G(z)) < ${confident} (a D trained alone first), minimax ‖∇G‖ is below ${gradientRatio} of the non-saturating ‖∇G‖ on the same seed; and G's ReLU output is never negative while about half of the N(0, I) data is (within ${negativeShare} of ½), so G cannot match it.`,
    { ...m },
    [
      { label: 'confident D: D(G(z)) at the start', value: m.confidentDFake, below: confident },
      { label: 'confident D: minimax/non-saturating mean ‖∇G‖', value: m.confidentRatio, below: gradientRatio },
      { label: "share of G's outputs < 0", value: m.generatedNegativeShare, below: 1e-9 },
      { label: 'share of real values < 0', value: m.realNegativeShare, near: 0.5, within: negativeShare },
    ],
    [
      `with the networks exactly as the classic example writes them (linear D), D(G(z)) ends at ${formatNumber(m.classicFinalDFake, 3)} after the minimax run — ${saturated ? 'D does get confident there' : `D never gets confident (the linear D cannot push D(G(z)) below ${confident})`} — and minimax ‖∇G‖ is ${formatNumber(m.classicRatio, 3)} of the non-saturating one`,
    ],
  );
}

const LABEL = {
  'linear/minimax': 'as written (linear D): minimax',
  'linear/non-saturating': 'as written (linear D): non-saturating',
  'mlp/minimax': 'confident D: minimax',
  'mlp/non-saturating': 'confident D: non-saturating',
} as const;
type ArmKey = keyof typeof LABEL;
const ARM_KEYS: readonly ArmKey[] = ['linear/minimax', 'linear/non-saturating', 'mlp/minimax', 'mlp/non-saturating'];

/** The vanishing-gradients scenario: ‖∇G‖ of the minimax vs the non-saturating loss on the same seed. */
export const vanishingGradients = defineScenario({
  name: 'vanishing-gradients',
  title: 'Vanishing generator gradients of the minimax loss',
  shows:
    'The classic PyTorch example: G = Linear(10→20) + ReLU, D = Linear(20→1) + sigmoid, a fixed N(0, I₂₀) batch of 100, BCE, Adam 2e-4, 500 steps, once with the minimax and once with the non-saturating generator loss. The minimax gradient scales with D(G(z)), so it dies when D rejects G confidently; the scenario measures whether the classic setup gets there, shows the effect with a D that does, and notes that ReLU outputs can never be negative.',
  tensors: true,
  settings: SETTINGS,
  async run({ settings, log, tick }) {
    const runs = new Map<ArmKey, Arm>();
    for (const dKind of ['linear', 'mlp'] as const) {
      for (const loss of ['minimax', 'non-saturating'] as const) {
        log(`vanishing-gradients: ${LABEL[`${dKind}/${loss}`]}`);
        runs.set(`${dKind}/${loss}`, await runArm(loss, dKind, settings, tick));
      }
    }
    const arm = (key: ArmKey): Arm => {
      const found = runs.get(key);
      if (!found) throw new Error(`vanishing-gradients: run ${key} is missing`);
      return found;
    };
    const arms = {
      'linear/minimax': arm('linear/minimax'),
      'linear/non-saturating': arm('linear/non-saturating'),
      'mlp/minimax': arm('mlp/minimax'),
      'mlp/non-saturating': arm('mlp/non-saturating'),
    };
    const real = new Rng(settings.seed).fork('data').normalArray(BATCH * DATA_DIM);
    const generated = arms['linear/non-saturating'].samples;
    const share = (v: Float32Array) => v.filter((x) => x < 0).length / v.length;
    const m: VanishingMeasurement = {
      confidentDFake: arms['mlp/minimax'].dFakeAtStart,
      confidentRatio: mean(arms['mlp/minimax'].gradNormG) / mean(arms['mlp/non-saturating'].gradNormG),
      realNegativeShare: share(real),
      generatedNegativeShare: share(generated),
      classicFinalDFake: arms['linear/minimax'].dFake.at(-1) ?? Number.NaN,
      classicRatio: mean(arms['linear/minimax'].gradNormG) / mean(arms['linear/non-saturating'].gradNormG),
    };
    const measured: Record<string, number> = { ...m, zeroShareOfG: generated.filter((x) => x === 0).length / generated.length, pretrainSteps: arms['mlp/minimax'].pretrainSteps };
    for (const [key, run] of runs) {
      measured[`${key}.meanGradNormG`] = mean(run.gradNormG);
      measured[`${key}.finalDFake`] = run.dFake.at(-1) ?? Number.NaN;
    }

    const series = [
      { name: LABEL['linear/minimax'], color: COLORS.d, dashed: true },
      { name: LABEL['linear/non-saturating'], color: COLORS.g, dashed: true },
      { name: LABEL['mlp/minimax'], color: COLORS.d },
      { name: LABEL['mlp/non-saturating'], color: COLORS.g },
    ];
    const perStep = (field: 'gradNormG' | 'dFake'): CurveRow[] => ARM_KEYS.flatMap((key) => arms[key][field].map((y, t) => ({ x: t + 1, y, series: LABEL[key] })));
    const zeroShare = measured.zeroShareOfG;
    return {
      measured,
      verdict: vanishingGradientsVerdict(m),
      charts: [
        {
          name: 'grad-norms',
          caption: `Global L2 norm of G's gradient per step, log scale. Solid: D trained alone first (${arms['mlp/minimax'].pretrainSteps} steps) until it rejects G's samples, D(G(z)) = ${formatNumber(m.confidentDFake, 3)}: the minimax gradient is ${formatNumber(m.confidentRatio, 3)} of the non-saturating one. Dashed: the networks exactly as the classic example writes them.`,
          spec: chart(curvePanel(perStep('gradNormG'), { series, xTitle: 'step (generator updates)', yTitle: ['‖∇G‖ (log scale)'], logY: true, width: 560, height: 280 }), { title: "G's gradient: minimax vs non-saturating loss, same seed" }),
        },
        {
          name: 'd-output',
          caption: "Mean D(G(z)) on each step's generated batch: how confidently D rejects G's samples. The minimax gradient is proportional to it.",
          spec: chart(curvePanel(perStep('dFake'), { series, xTitle: 'step (generator updates)', yTitle: ['mean D(G(z))', '(probability "real")'], yDomain: [0, 0.6], width: 560, height: 260 }), { title: 'How confidently D rejects the generated batch' }),
        },
        {
          name: 'relu-output',
          caption: `All 20 coordinates pooled: the real batch against 1,000 samples of G (as written, non-saturating, after ${settings.steps} steps). ${(100 * zeroShare).toFixed(0)} % of G's outputs are exactly 0 (the bar at 0 is clipped) and none is negative, while ${(100 * m.realNegativeShare).toFixed(0)} % of the real values are.`,
          spec: chart(
            histogramPanel(
              [
                { name: 'real (N(0, 1) per coordinate)', color: COLORS.real, values: real },
                { name: 'generated (ReLU output)', color: COLORS.generated, values: generated },
              ],
              { xTitle: 'value of one coordinate', range: [-4, 4], bins: 40, maxDensity: 1, width: 560, height: 240 },
            ),
            { title: "G's ReLU output cannot be negative" },
          ),
        },
      ],
    };
  },
});
