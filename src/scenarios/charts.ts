/**
 * The chart shapes scenarios draw, as vega-lite specs in the report's theme: curves over a
 * parameter and grids of panels (trajectories and histograms have their own files). Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, COLORS } from '../report/index.ts';

/** A view that can sit inside a concat. */
export type Panel = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];
/** One layer of a layered panel. */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** One point of a named curve. */
export interface CurveRow {
  readonly x: number;
  readonly y: number;
  readonly series: string;
}

/** A series' look: its colour and whether it is dashed (references, closed forms). */
export interface SeriesStyle {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
}

/** Options of {@link curvePanel}. */
export interface CurvePanelOptions {
  readonly series: readonly SeriesStyle[];
  readonly xTitle: string;
  readonly yTitle: string | readonly string[];
  readonly title?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /**
   * Horizontal dashed reference lines, each labelled at the right end, above the line (or below
   * it, where the curves run above).
   */
  readonly rules?: readonly { readonly y: number; readonly label: string; readonly below?: boolean }[];
  /** Vertical dashed markers (e.g. the point a verdict is measured at), labelled at the top (default) or bottom. */
  readonly marks?: readonly { readonly x: number; readonly label: string; readonly at?: 'top' | 'bottom' }[];
  /** Draw a dot at each row (for sparse, measured points). */
  readonly points?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Axis label format (d3-format), e.g. '.0e' for log axes spanning decades. */
  readonly xFormat?: string;
  readonly yFormat?: string;
  /** Hide the legend (when a neighbouring panel shows the same one). */
  readonly legend?: boolean;
  /** Single measured points drawn as dots in their series' colour (e.g. a value at one setting). */
  readonly dots?: readonly CurveRow[];
}

/** Chart sizes in CSS pixels, matching the run report's. */
export const PANEL = { width: 300, height: 230 } as const;
export const WIDE = { width: 560, height: 260 } as const;

/** Colours for up to six compared methods: distinct, none of them the real/generated pair. */
export const METHOD_COLORS = ['#e03131', '#6741d9', '#1c7ed6', '#e8a50c', '#2f9e44', '#495057'] as const;

/** Rounds to 6 significant digits: smaller JSON and SVG, no visible change. */
export function tidy(value: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(6)) : value;
}

/**
 * A log axis's domain and ticks: the data's range (padded by `pad` on both sides, so a curve at
 * the top is not drawn on the frame), labelled at whole decades, every k-th when there are more
 * than 10 — vega's default 1…9 ticks per decade bury the plot in grid lines.
 */
export function logAxis(values: readonly number[], pad = 1.3): { domain: [number, number]; ticks: number[] } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length) return { domain: [0.1, 10], ticks: [0.1, 1, 10] };
  const min = Math.min(...positive) / pad;
  const max = Math.max(...positive) * pad;
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo) / 10));
  const ticks: number[] = [];
  for (let k = hi; k >= lo; k -= every) ticks.push(Number(`1e${k}`));
  // Spanning under three decades, decade ticks alone leave the axis nearly unlabelled: add 2× and 5×.
  if (hi - lo < 3) {
    for (let k = lo - 1; k <= hi; k++) for (const m of [2, 5]) ticks.push(Number(`${m}e${k}`));
  }
  return { domain: [min, max], ticks: ticks.filter((t) => t >= min && t <= max).sort((a, b) => a - b) };
}

/**
 * Curves over one parameter, one colour per series. Rows with non-positive values on a log axis
 * are left out (a log scale cannot place them), so a curve that underflows to 0 simply ends.
 */
export function curvePanel(rows: readonly CurveRow[], options: CurvePanelOptions): Panel {
  const kept = rows
    .filter((r) => Number.isFinite(r.x) && Number.isFinite(r.y) && (!options.logX || r.x > 0) && (!options.logY || r.y > 0))
    .map((r) => ({ x: tidy(r.x), y: tidy(r.y), series: r.series }));
  const names = options.series.map((s) => s.name);
  const legend =
    options.legend === false
      ? null
      : {
          title: null,
          orient: 'top' as const,
          direction: 'horizontal' as const,
          symbolType: 'stroke',
          symbolStrokeWidth: 3,
          symbolSize: 360,
          columnPadding: 14,
          labelLimit: 260,
          // Long labels in one row would run past the plot: wrap them into columns.
          ...(names.length > 4 ? { columns: 3 } : names.length > 2 && names.join('').length > 70 ? { columns: 2 } : {}),
        };
  const axisFor = (log: boolean | undefined, values: number[], format: string | undefined, domain: readonly [number, number] | undefined, pad: number, nice: boolean) => {
    if (!log) return { scale: { zero: false, nice, ...(domain ? { domain: [...domain] } : {}) }, axis: format ? { format } : {} };
    const auto = logAxis(values, pad);
    // Plain numbers read better than exponents when the axis stays within 0.001…10,000.
    const plain = auto.domain[0] >= 1e-3 && auto.domain[1] <= 1e4;
    return { scale: { type: 'log' as const, domain: domain ? [...domain] : auto.domain, nice: false }, axis: { values: auto.ticks, format: format ?? (plain ? '~g' : '.0e') } };
  };
  // x spans exactly the data; a free y axis is rounded to nice ticks.
  const xAxis = axisFor(options.logX, kept.map((r) => r.x), options.xFormat, options.xDomain ?? (options.logX ? undefined : extent(kept.map((r) => r.x))), 1, false);
  const yAxis = axisFor(options.logY, kept.map((r) => r.y), options.yFormat, options.yDomain, 1.3, !options.yDomain);
  const x = { field: 'x', type: 'quantitative' as const, title: options.xTitle, ...xAxis };
  const y = { field: 'y', type: 'quantitative' as const, title: typeof options.yTitle === 'string' ? options.yTitle : [...options.yTitle], ...yAxis };
  const color = { field: 'series', type: 'nominal' as const, scale: { domain: names, range: options.series.map((s) => s.color) }, legend };
  const strokeDash = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: names, range: options.series.map((s) => (s.dashed ? [6, 4] : [1, 0])) },
    legend,
  };
  // Dashed series are references drawn over the measured ones: thinner, so both stay visible.
  const dashedNames = options.series.filter((s) => s.dashed).map((s) => s.name);
  const solidNames = names.filter((n) => !dashedNames.includes(n));
  const point = options.points ? { point: { filled: true, size: 36 } } : {};
  const layer: Layer[] = [];
  for (const [members, width] of [
    [solidNames, 2.6],
    [dashedNames, 1.8],
  ] as const) {
    if (!members.length) continue;
    layer.push({
      transform: [{ filter: { field: 'series', oneOf: [...members] } }],
      mark: { type: 'line', clip: true, strokeWidth: width, ...point },
      encoding: { x, y, color, strokeDash },
    });
  }
  if (options.dots?.length) {
    layer.push({
      data: { values: options.dots.map((r) => ({ x: tidy(r.x), y: tidy(r.y), series: r.series })) },
      mark: { type: 'point', filled: true, size: 80, stroke: '#ffffff', strokeWidth: 1, opacity: 1, clip: true },
      encoding: { x, y, color },
    });
  }
  for (const rule of options.rules ?? []) layer.push(...horizontalRule(rule.y, rule.label, rule.below ?? false));
  const xs = kept.map((r) => r.x);
  const middle = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0;
  for (const mark of options.marks ?? []) layer.push(...verticalMark(mark.x, mark.label, mark.at ?? 'top', options.logX ? mark.x > Math.sqrt(Math.min(...xs) * Math.max(...xs)) : mark.x > middle));
  return {
    width: options.width ?? PANEL.width,
    height: options.height ?? PANEL.height,
    ...(options.title ? { title: panelTitle(options.title) } : {}),
    data: { values: kept },
    layer,
  } as Panel;
}

function extent(values: readonly number[]): [number, number] | undefined {
  if (!values.length) return undefined;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo < hi ? [lo, hi] : undefined;
}

/** A dashed grey line across the panel at `y`, labelled at its right end. */
function horizontalRule(y: number, label: string, below: boolean): Layer[] {
  return [
    { data: { values: [{ y: tidy(y) }] }, mark: { type: 'rule', strokeDash: [4, 4], color: COLORS.reference, strokeWidth: 1.5 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    {
      data: { values: [{ y: tidy(y), label }] },
      mark: { type: 'text', align: 'right', baseline: below ? 'top' : 'bottom', dx: -4, dy: below ? 4 : -4, fontSize: 12, color: '#333333' },
      encoding: { x: { value: 'width' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/** A dashed grey vertical line at `x`, labelled at its top or bottom, on the side with more room. */
function verticalMark(x: number, label: string, at: 'top' | 'bottom', labelLeft: boolean): Layer[] {
  return [
    { data: { values: [{ x: tidy(x) }] }, mark: { type: 'rule', strokeDash: [2, 3], color: COLORS.reference, strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    {
      data: { values: [{ x: tidy(x), label }] },
      mark: { type: 'text', align: labelLeft ? 'right' : 'left', baseline: at, dx: labelLeft ? -4 : 4, dy: at === 'top' ? 4 : -4, fontSize: 12, color: '#333333' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: at === 'top' ? 0 : 'height' }, text: { field: 'label' } },
    },
  ];
}

/** A small centred title over one panel. */
export function panelTitle(text: string | readonly string[]): { text: string | string[]; fontSize: number; anchor: 'middle'; offset: number } {
  return { text: typeof text === 'string' ? text : [...text], fontSize: 13, anchor: 'middle', offset: 6 };
}

/** Options of {@link chart}. */
export interface ChartOptions {
  readonly title: string;
  readonly subtitle?: string | readonly string[];
  /** Panels per row (default: all in one row). */
  readonly columns?: number;
  /** Colour/dash scales kept apart per panel (default) or shared. */
  readonly shareScales?: boolean;
}

/** One panel or a grid of panels as a top-level spec with the report's theme and a title. */
export function chart(panels: Panel | readonly Panel[], options: ChartOptions): TopLevelSpec {
  const list: Panel[] = Array.isArray(panels) ? [...(panels as readonly Panel[])] : [panels as Panel];
  const columns = options.columns ?? list.length;
  // Colour and dash scales are kept apart per panel unless shared (set on every concat: a nested
  // concat does not inherit it); within a panel its layers share them.
  const resolve = options.shareScales ? {} : { resolve: { scale: { color: 'independent', strokeDash: 'independent' } } };
  const rows: Panel[] = [];
  for (let i = 0; i < list.length; i += columns) {
    const row = list.slice(i, i + columns);
    rows.push(row.length === 1 ? row[0] : ({ hconcat: row, spacing: 28, ...resolve } as Panel));
  }
  const body = rows.length === 1 ? rows[0] : { vconcat: rows, spacing: 24, ...resolve };
  const subtitle = options.subtitle === undefined ? {} : { subtitle: typeof options.subtitle === 'string' ? options.subtitle : [...options.subtitle] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...body,
    title: { text: options.title, ...subtitle },
    config: baseConfig(),
  } as TopLevelSpec;
}
