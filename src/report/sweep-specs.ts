/**
 * The chart of `saddlepoint sweep`: the metric against each searched parameter, one panel per
 * parameter, one dot per trial, the best trial ringed. Pure, browser-safe.
 */
import type { TopLevelSpec } from 'vega-lite';
import { round } from './downsample.ts';
import { panelTitle, topLevel, type LayerItem, type SubSpec } from './spec-parts.ts';
import { COLORS } from './theme.ts';

/** A searched parameter as the chart draws it. */
export interface SweepChartParam {
  /** The params key (a config path, `remedy`, or `seed`). */
  key: string;
  /** Numbers on a linear or log axis, or categories. */
  scale: 'linear' | 'log' | 'nominal';
}

/** One trial as the chart sees it. */
export interface SweepChartTrial {
  id: string;
  params: Record<string, unknown>;
  /** The metric at the trial's last rung; trials without one are left out. */
  value: number | null;
  /** Steps the trial trained (ASHA's stopped trials have fewer). */
  steps: number;
  best: boolean;
}

/** Options of {@link sweepChart}. */
export interface SweepChartOptions {
  title: string;
  subtitle?: string;
  /** The axis title of the metric, e.g. "modes captured". */
  metricTitle: string;
}

const PANEL = { width: 220, height: 190 };

function label(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function panel(trials: readonly SweepChartTrial[], param: SweepChartParam, options: SweepChartOptions, first: boolean): SubSpec {
  const numeric = param.scale !== 'nominal';
  const rows = trials
    .filter((t) => t.value !== null && param.key in t.params)
    .map((t) => ({ trial: t.id, x: numeric ? Number(t.params[param.key]) : label(t.params[param.key]), value: round(t.value!), steps: t.steps, best: t.best }));
  const categories = numeric ? undefined : [...new Set(trials.map((t) => label(t.params[param.key])))];
  const x = numeric
    ? ({ field: 'x', type: 'quantitative', title: null, scale: param.scale === 'log' ? { type: 'log' as const } : { zero: false, nice: true } } as const)
    : ({ field: 'x', type: 'nominal', title: null, sort: categories, scale: { domain: categories }, axis: { labelAngle: -30, labelLimit: 120 } } as const);
  const y = { field: 'value', type: 'quantitative', title: first ? options.metricTitle : null, scale: { zero: false, nice: true } } as const;
  const layer: LayerItem[] = [
    {
      data: { values: rows },
      mark: { type: 'circle', color: COLORS.d, opacity: 0.7 },
      encoding: { x, y, size: { field: 'steps', type: 'quantitative', title: 'steps', scale: { range: [25, 110] }, legend: { orient: 'top' } } },
    },
    {
      data: { values: rows.filter((r) => r.best) },
      mark: { type: 'point', shape: 'circle', size: 220, strokeWidth: 2, color: COLORS.g, filled: false },
      encoding: { x, y },
    },
  ];
  return { title: panelTitle(param.key), ...PANEL, layer };
}

/**
 * One panel per parameter (numbers on a linear or log axis, categories in the order given), the
 * metric on the vertical axis, dot size by the steps a trial trained, the best trial ringed.
 *
 * @example
 * sweepChart(trials, [{ key: 'optim.d.lr', scale: 'log' }, { key: 'remedy', scale: 'nominal' }], { title: 'ring8', metricTitle: 'modes' })
 */
export function sweepChart(trials: readonly SweepChartTrial[], params: readonly SweepChartParam[], options: SweepChartOptions): TopLevelSpec {
  const panels = params.map((p, i) => panel(trials, p, options, i === 0));
  return topLevel({ hconcat: panels, spacing: 18 }, { text: options.title, subtitle: options.subtitle });
}
