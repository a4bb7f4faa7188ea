/**
 * The chart of `saddlepoint compare`: one panel per measured quality, one bar per remedy (the mean
 * over seeds) with a ± standard-error bar and each seed's value as a dot. Pure, browser-safe.
 */
import type { TopLevelSpec } from 'vega-lite';
import { round } from './downsample.ts';
import { panelTitle, topLevel, type LayerItem, type SubSpec } from './spec-parts.ts';
import { COLORS } from './theme.ts';

/** What `compare` aggregates, as table columns and chart panels, in this order. */
export const COMPARE_METRICS = {
  modes: { title: 'modes captured', column: 'modes', digits: 1 },
  highQuality: { title: 'high-quality samples (%)', column: 'HQ %', digits: 1 },
  reverseKL: { title: 'reverse KL over modes (nats)', column: 'reverse KL', digits: 3 },
  w1: { title: 'Wasserstein-1 (data units)', column: 'W1', digits: 3 },
  wallSeconds: { title: 'training wall time (s)', column: 'wall s', digits: 1 },
} as const satisfies Record<string, { title: string; column: string; digits: number }>;

/** A quality `compare` aggregates. */
export type CompareMetric = keyof typeof COMPARE_METRICS;
/** The metrics in column order. */
export const COMPARE_METRIC_NAMES = Object.keys(COMPARE_METRICS) as CompareMetric[];

/** One metric of one remedy over its seeds: mean, standard error (null for fewer than 2 values), count and the values. */
export interface CompareStat {
  mean: number | null;
  se: number | null;
  n: number;
  values: number[];
}

/** One remedy as the chart sees it. */
export interface CompareChartRow {
  remedy: string;
  /** Runs launched and runs that failed. */
  runs: number;
  failed: number;
  metrics: Record<CompareMetric, CompareStat>;
}

/** Options of {@link compareChart}. */
export interface CompareChartOptions {
  title: string;
  subtitle?: string;
  /** The data's mode count: the modes panel's axis ends there. */
  modesTotal?: number | null;
}

const PANEL_WIDTH = 190;
const ROW_HEIGHT = 24;

/** A remedy's axis label: its name, and how many of its runs failed when some did. */
function labelOf(row: CompareChartRow): string {
  return row.failed > 0 ? `${row.remedy} (${row.failed} of ${row.runs} failed)` : row.remedy;
}

function panel(rows: readonly CompareChartRow[], metric: CompareMetric, options: CompareChartOptions, first: boolean): SubSpec {
  const labels = rows.map(labelOf);
  // Every panel has the same rows in the same order; only the first names them.
  const axis = first ? { labelLimit: 260 } : { labels: false, ticks: false };
  const y = { field: 'label', type: 'nominal', title: null, sort: labels, scale: { domain: labels }, axis } as const;
  const domain = metric === 'modes' && options.modesTotal ? [0, options.modesTotal] : metric === 'highQuality' ? [0, 100] : undefined;
  const x = { type: 'quantitative', title: null, scale: domain ? { domain, zero: true } : { zero: true } } as const;
  const bars = rows.flatMap((r, i) => {
    const s = r.metrics[metric];
    if (s.mean === null) return [];
    return [{ label: labels[i], mean: round(s.mean), ...(s.se === null ? {} : { lo: round(s.mean - s.se), hi: round(s.mean + s.se) }) }];
  });
  const dots = rows.flatMap((r, i) => r.metrics[metric].values.map((value) => ({ label: labels[i], value: round(value) })));
  const missing = rows.flatMap((r, i) => (r.metrics[metric].mean === null ? [{ label: labels[i], note: r.runs > 0 && r.failed === r.runs ? 'every run failed' : 'no value' }] : []));
  const layer: LayerItem[] = [
    { data: { values: bars }, mark: { type: 'bar', color: COLORS.d, opacity: 0.45 }, encoding: { y, x: { ...x, field: 'mean' } } },
    {
      data: { values: bars.filter((b) => 'lo' in b) },
      mark: { type: 'errorbar', ticks: true, color: '#222222' },
      encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
    },
    { data: { values: dots }, mark: { type: 'circle', size: 22, color: '#222222', opacity: 0.65 }, encoding: { y, x: { ...x, field: 'value' } } },
    { data: { values: missing }, mark: { type: 'text', align: 'left', dx: 4, color: COLORS.diverged, fontSize: 11 }, encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'note' } } },
  ];
  return { title: panelTitle(COMPARE_METRICS[metric].title), width: PANEL_WIDTH, height: Math.max(60, ROW_HEIGHT * rows.length), layer };
}

/**
 * Bars of each remedy's mean for every metric some run measured (modes, HQ %, reverse KL, W1,
 * wall time), ± one standard error, with the single runs as dots; remedies on the vertical axis in
 * the order given (named on the first panel only), those whose runs all failed marked in red.
 */
export function compareChart(rows: readonly CompareChartRow[], options: CompareChartOptions): TopLevelSpec {
  const metrics = COMPARE_METRIC_NAMES.filter((m) => rows.some((r) => r.metrics[m].n > 0));
  const panels = (metrics.length ? metrics : (['modes'] as CompareMetric[])).map((m, i) => panel(rows, m, options, i === 0));
  return topLevel({ hconcat: panels, spacing: 18 }, { text: options.title, subtitle: options.subtitle });
}
