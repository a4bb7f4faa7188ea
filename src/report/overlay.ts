/** One metric of several runs on one chart, one line per run (`saddlepoint plot`). Pure. */
import type { TopLevelSpec } from 'vega-lite';
import type { EvalRecord, StepRecord } from '../train/index.ts';
import { DEFAULT_MAX_POINTS, downsample, toNumber } from './downsample.ts';
import { topLevel, type LayerItem } from './spec-parts.ts';
import { COLORS, SIZE, STEP_TITLE } from './theme.ts';

/** How each overlayable metric is read and shown. */
export const OVERLAY_METRICS = {
  modes: { source: 'eval', title: 'modes captured', scale: 1, log: false },
  highQuality: { source: 'eval', title: 'high-quality samples (%)', scale: 100, log: false },
  reverseKL: { source: 'eval', title: 'reverse KL of mode histogram (nats)', scale: 1, log: false },
  w1: { source: 'eval', title: 'Wasserstein-1 (data units)', scale: 1, log: false },
  js: { source: 'eval', title: 'JS divergence (nats)', scale: 1, log: false },
  dLoss: { source: 'step', title: 'D loss', scale: 1, log: false },
  gLoss: { source: 'step', title: 'G loss', scale: 1, log: false },
  gradNormD: { source: 'step', title: 'D gradient L2 norm (log scale)', scale: 1, log: true },
  gradNormG: { source: 'step', title: 'G gradient L2 norm (log scale)', scale: 1, log: true },
} as const satisfies Record<string, { source: 'eval' | 'step'; title: string; scale: number; log: boolean }>;

/** A metric `saddlepoint plot --metric` accepts. */
export type OverlayMetric = keyof typeof OVERLAY_METRICS;
/** Every overlayable metric, in help order. */
export const OVERLAY_METRIC_NAMES = Object.keys(OVERLAY_METRICS) as OverlayMetric[];

/** One run as the overlay sees it. */
export interface OverlayRun {
  /** Legend label (the CLI uses the run directory's name). */
  name: string;
  steps: readonly StepRecord[];
  evals: readonly EvalRecord[];
}

/**
 * The points of `metric` in one run: eval metrics as they are, step metrics downsampled to bucket
 * means (`downsample.ts`; no band here, several bands would hide each other).
 */
export function overlayPoints(run: OverlayRun, metric: OverlayMetric, maxPoints = DEFAULT_MAX_POINTS): { step: number; value: number }[] {
  const m = OVERLAY_METRICS[metric];
  const records: readonly { step: number }[] = m.source === 'eval' ? run.evals : run.steps;
  const raw = records.map((r) => ({ step: r.step, value: toNumber((r as Record<string, unknown>)[metric]) * m.scale }));
  return downsample(raw, { maxPoints, positiveOnly: m.log }).map(({ step, value }) => ({ step, value }));
}

/**
 * One line per run of `metric` against step, coloured by run, legend below the plot so it never
 * covers data. Eval metrics get a dot per evaluation. Runs without the metric are left out by the
 * caller (see {@link overlayPoints}).
 */
export function overlayChart(runs: readonly OverlayRun[], metric: OverlayMetric, maxPoints = DEFAULT_MAX_POINTS): TopLevelSpec {
  const m = OVERLAY_METRICS[metric];
  const rows = runs.flatMap((run) => overlayPoints(run, metric, maxPoints).map((p) => ({ ...p, run: run.name })));
  const layer: LayerItem[] = [
    {
      data: { values: rows },
      mark: { type: 'line', clip: true, ...(m.source === 'eval' ? { point: { filled: true, size: 30 } } : {}) },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: STEP_TITLE, scale: { zero: true, nice: false } },
        y: { field: 'value', type: 'quantitative', title: m.title, scale: m.log ? { type: 'log' } : { zero: m.source === 'eval' } },
        color: {
          field: 'run',
          type: 'nominal',
          sort: runs.map((r) => r.name),
          scale: { range: [...COLORS.runs] },
          legend: { title: 'run', orient: 'bottom', direction: 'vertical', columns: runs.length > 4 ? 2 : 1, labelLimit: 480 },
        },
      },
    },
  ];
  return topLevel({ ...SIZE.wide, layer }, { text: `${m.title} by run`, subtitle: m.source === 'step' ? 'per-step values; long runs shown as bucket means' : 'measured at each evaluation' });
}
