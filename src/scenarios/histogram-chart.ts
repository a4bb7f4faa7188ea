/**
 * Overlaid density histograms (real vs generated), optionally with density curves on top. Pure.
 */
import { panelTitle, PANEL, tidy, type CurveRow, type Layer, type Panel, type SeriesStyle } from './charts.ts';

/** One set of values for {@link histogramPanel}. */
export interface HistogramSet {
  readonly name: string;
  readonly color: string;
  readonly values: ArrayLike<number>;
}

/** Options of {@link histogramPanel}. */
export interface HistogramOptions {
  readonly xTitle: string;
  readonly title?: string | readonly string[];
  /** Bins over `range` (default 30, the report's). */
  readonly bins?: number;
  /** The x range binned; values outside are left out (default: all sets' extent). */
  readonly range?: readonly [number, number];
  /** Clip the density axis here (a spike, e.g. ReLU's mass at 0, would flatten everything else). */
  readonly maxDensity?: number;
  /** Curves drawn over the bars (e.g. the true density). */
  readonly curves?: readonly CurveRow[];
  readonly curveSeries?: readonly SeriesStyle[];
  readonly width?: number;
  readonly height?: number;
  readonly legend?: boolean;
}

/**
 * Overlaid density histograms (count / (n · bin width), so sets of different sizes compare), in
 * translucent bars, optionally with density curves on top.
 */
export function histogramPanel(sets: readonly HistogramSet[], options: HistogramOptions): Panel {
  const bins = options.bins ?? 30;
  const all = sets.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
  const [lo, hi] = options.range ?? [Math.min(...all), Math.max(...all)];
  const width = (hi - lo) / bins || 1;
  const rows = sets.flatMap((s) => {
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    for (const v of Array.from(s.values)) {
      if (!Number.isFinite(v)) continue;
      n += 1;
      if (v < lo || v > hi) continue;
      counts[Math.min(bins - 1, Math.floor((v - lo) / width))] += 1;
    }
    // Bars taller than the axis are cut at its top here, not by clipping: resvg panics on some
    // shapes that extend far outside their clip path.
    const cap = options.maxDensity ?? Number.POSITIVE_INFINITY;
    return counts.map((c, i) => ({ x0: tidy(lo + i * width), x1: tidy(lo + (i + 1) * width), density: tidy(Math.min(cap, n ? c / (n * width) : 0)), series: s.name }));
  });
  const curveSeries = options.curveSeries ?? [];
  const names = [...sets.map((s) => s.name), ...curveSeries.map((s) => s.name)];
  const colors = [...sets.map((s) => s.color), ...curveSeries.map((s) => s.color)];
  const legend =
    options.legend === false ? null : { title: null, orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'square', columnPadding: 14, labelLimit: 260 };
  const color = { field: 'series', type: 'nominal' as const, scale: { domain: names, range: colors }, legend };
  const x = { field: 'x0', type: 'quantitative' as const, title: options.xTitle, scale: { domain: [lo, hi], nice: false } };
  const yScale = options.maxDensity !== undefined ? { domain: [0, options.maxDensity] } : {};
  const layer: Layer[] = [
    {
      data: { values: rows },
      mark: { type: 'rect', opacity: 0.55, clip: true },
      encoding: { x, x2: { field: 'x1' }, y: { field: 'density', type: 'quantitative', title: 'density (per unit x)', scale: yScale }, color },
    },
  ];
  if (options.curves?.length) {
    layer.push({
      data: { values: options.curves.map((r) => ({ x0: tidy(r.x), density: tidy(r.y), series: r.series })) },
      mark: { type: 'line', strokeWidth: 2.2, clip: true },
      encoding: { x, y: { field: 'density', type: 'quantitative', scale: yScale }, color },
    });
  }
  return {
    width: options.width ?? PANEL.width,
    height: options.height ?? PANEL.height,
    ...(options.title ? { title: panelTitle(options.title) } : {}),
    layer,
  } as Panel;
}
