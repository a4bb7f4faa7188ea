/**
 * Vega-lite specs of real vs generated samples from the evaluator's snapshots: 1-D histograms
 * (the classic mode-collapse picture) and 2-D scatters over D's decision surface (GAN Lab's view),
 * alone or as a strip over training. Pure: no Node imports.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DOutput } from '../losses/index.ts';
import type { SampleSnapshot } from '../train/index.ts';
import { round } from './downsample.ts';
import { panelTitle, topLevel, type LayerItem, type SubSpec } from './spec-parts.ts';
import { COLORS, SAMPLE_LABELS, SIZE, surfaceTitle } from './theme.ts';

/** Bins of every 1-D histogram. */
export const HISTOGRAM_BINS = 30;
/** Most points per sample set in a scatter panel (taken at an even stride, so the picture is unbiased). */
export const MAX_SCATTER_POINTS = 1000;
/** Most grid cells per axis of a drawn decision surface. */
export const MAX_SURFACE_CELLS = 60;

type Extent = [number, number];
const sampleColor = { domain: [...SAMPLE_LABELS], range: [COLORS.real, COLORS.generated] };

/**
 * Up to `count` snapshots spread evenly over training, always the first and the last, in step
 * order: the steps a strip shows when none are chosen.
 */
export function pickSnapshots<S extends { step: number }>(snapshots: readonly S[], count = 4): S[] {
  const sorted = [...snapshots].sort((a, b) => a.step - b.step);
  if (sorted.length <= count) return sorted;
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (sorted.length - 1)) / (count - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => sorted[i]);
}

function finite(values: number[]): number[] {
  return values.filter(Number.isFinite);
}

function extentOf(values: number[]): Extent | undefined {
  const v = finite(values);
  if (!v.length) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** The q-quantile of `values` (sorted copy): generated outliers should not squash the real data. */
function quantile(values: number[], q: number): number {
  const s = finite(values).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

function union(a: Extent | undefined, b: Extent | undefined): Extent | undefined {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

function pad([lo, hi]: Extent, share: number): Extent {
  const span = hi - lo || Math.abs(lo) || 1;
  return [round(lo - span * share), round(hi + span * share)];
}

// ---------- 1-D ----------

/** The x range histograms share: all real samples and the central 98 % of generated ones. */
function histogramExtent(snapshots: readonly SampleSnapshot[]): Extent {
  let ext: Extent | undefined;
  for (const s of snapshots) {
    const fake = s.fake.map((p) => p[0]);
    ext = union(ext, extentOf(s.real.map((p) => p[0])));
    if (fake.length) ext = union(ext, [quantile(fake, 0.01), quantile(fake, 0.99)]);
  }
  return pad(ext ?? [-1, 1], 0.05);
}

/** Density histogram rows (count / (n · bin width), so sets of different sizes compare). */
function histogramRows(values: number[], label: string, [lo, hi]: Extent): { x0: number; x1: number; density: number; sample: string }[] {
  const width = (hi - lo) / HISTOGRAM_BINS;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  const v = finite(values);
  for (const x of v) {
    if (x < lo || x > hi) continue;
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((x - lo) / width))] += 1;
  }
  return counts.map((c, i) => ({ x0: round(lo + i * width), x1: round(lo + (i + 1) * width), density: round(v.length ? c / (v.length * width) : 0), sample: label }));
}

interface HistogramPanelOptions {
  title?: string;
  /** Draw the left (density) and right (D) axis titles; a strip shows each once, at its ends. */
  leftTitle?: boolean;
  rightTitle?: boolean;
}

function histogramPanel(snapshot: SampleSnapshot, extent: Extent, size: { width: number; height: number }, options: HistogramPanelOptions = {}): SubSpec {
  const { title, leftTitle = true, rightTitle = true } = options;
  const rows = [...histogramRows(snapshot.real.map((p) => p[0]), 'real', extent), ...histogramRows(snapshot.fake.map((p) => p[0]), 'generated', extent)];
  const x = { field: 'x0', type: 'quantitative', title: 'x', scale: { domain: extent, nice: false } } as const;
  const layer: LayerItem[] = [
    {
      data: { values: rows },
      mark: { type: 'rect', opacity: 0.55, clip: true },
      encoding: {
        x,
        x2: { field: 'x1' },
        y: { field: 'density', type: 'quantitative', title: leftTitle ? 'density (per unit x)' : null },
        color: { field: 'sample', type: 'nominal', scale: sampleColor, legend: { title: null, orient: 'top', direction: 'horizontal' } },
      },
    },
  ];
  const surface = snapshot.surface;
  if (surface && !Array.isArray(surface.d[0])) {
    const d = surface.d as number[];
    const curve = surface.x.map((xv, i) => ({ x0: round(xv), dx: round(d[i]) })).filter((r) => Number.isFinite(r.dx) && r.x0 >= extent[0] && r.x0 <= extent[1]);
    layer.push({
      data: { values: curve },
      mark: { type: 'line', color: '#333333', strokeWidth: 1.5, clip: true },
      encoding: {
        x,
        y: {
          field: 'dx',
          type: 'quantitative',
          title: rightTitle ? `${surfaceTitle(surface.output)} (line)` : null,
          axis: { orient: 'right', titleColor: '#333333' },
          scale: surface.output === 'logit' ? { domain: [0, 1] } : { zero: false },
        },
      },
    });
  }
  return { ...size, ...(title ? { title: panelTitle(title) } : {}), layer, ...(layer.length > 1 ? { resolve: { scale: { y: 'independent' } } } : {}) };
}

/**
 * Histograms (30 bins, densities) of real vs generated 1-D samples at one snapshot, with D's output
 * over x as a line on the right axis when the snapshot has a surface. Mode collapse shows as one
 * generated bump under several real ones.
 */
export function histogramChart(snapshot: SampleSnapshot): TopLevelSpec {
  return topLevel(histogramPanel(snapshot, histogramExtent([snapshot]), SIZE.wide), { text: `Real vs generated samples at step ${snapshot.step}`, subtitle: `${HISTOGRAM_BINS}-bin histograms, ${snapshot.real.length} real and ${snapshot.fake.length} generated samples` });
}

/** {@link histogramChart} at several steps side by side, on one shared x range. */
export function histogramStrip(snapshots: readonly SampleSnapshot[]): TopLevelSpec {
  const extent = histogramExtent(snapshots);
  const sorted = [...snapshots].sort((a, b) => a.step - b.step);
  const panels = sorted.map((s, i) => histogramPanel(s, extent, SIZE.stripHist, { title: `step ${s.step}`, leftTitle: i === 0, rightTitle: i === sorted.length - 1 }));
  return topLevel({ hconcat: panels, spacing: 16, resolve: { scale: { color: 'shared' } } }, { text: 'Real vs generated samples over training', subtitle: `${HISTOGRAM_BINS}-bin density histograms on a shared x range` });
}

// ---------- 2-D ----------

/** Every `k`-th item so at most `max` remain: an even thinning, so dense regions stay dense. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const stride = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * stride)]);
}

/**
 * A square x/y window covering the surface grids (the evaluator sizes them to the data) or,
 * without grids, the real samples and the central 98 % of the generated ones; equal spans keep
 * circles circular.
 */
function scatterWindow(snapshots: readonly SampleSnapshot[]): { x: Extent; y: Extent } {
  let x: Extent | undefined;
  let y: Extent | undefined;
  for (const s of snapshots) {
    if (s.surface?.y) {
      x = union(x, extentOf(s.surface.x));
      y = union(y, extentOf(s.surface.y));
      continue;
    }
    for (const [axis, k] of [['x', 0], ['y', 1]] as const) {
      const fake = s.fake.map((p) => p[k]);
      let e = extentOf(s.real.map((p) => p[k]));
      if (fake.length) e = union(e, [quantile(fake, 0.01), quantile(fake, 0.99)]);
      if (axis === 'x') x = union(x, e);
      else y = union(y, e);
    }
  }
  x ??= [-1, 1];
  y ??= [-1, 1];
  const span = Math.max(x[1] - x[0], y[1] - y[0]);
  const square = (e: Extent): Extent => pad([(e[0] + e[1]) / 2 - span / 2, (e[0] + e[1]) / 2 + span / 2], 0.04);
  return { x: square(x), y: square(y) };
}

/** A surface cell: its centre and D's value there (half-sizes are constants of the grid). */
type Cell = { x: number; y: number; d: number };

/** Half the typical spacing of grid coordinates (the median gap, robust to one odd step). */
function halfStep(values: number[]): number {
  const gaps = values.slice(1).map((v, i) => Math.abs(v - values[i])).sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)] / 2 : 0.5;
}

/** The surface's grid points (thinned to {@link MAX_SURFACE_CELLS} per axis) and their cell half-sizes. */
function surfaceCells(surface: NonNullable<SampleSnapshot['surface']>): { cells: Cell[]; hx: number; hy: number } {
  const xs = surface.x;
  const ys = surface.y ?? [];
  const grid = surface.d as number[][];
  const xi = thin(xs.map((_, i) => i), MAX_SURFACE_CELLS);
  const yi = thin(ys.map((_, i) => i), MAX_SURFACE_CELLS);
  const cells: Cell[] = [];
  for (const i of yi) {
    for (const j of xi) {
      const d = grid[i]?.[j];
      if (Number.isFinite(d)) cells.push({ x: round(xs[j]), y: round(ys[i]), d: round(d) });
    }
  }
  // 2 % overlap: abutting rectangles leave hairline seams after anti-aliasing.
  return { cells, hx: round(halfStep(xi.map((j) => xs[j])) * 1.02), hy: round(halfStep(yi.map((i) => ys[i])) * 1.02) };
}

/** Colour scale of the surface: pale "generated" colour where D says fake, pale "real" colour where it says real. */
function surfaceScale(output: DOutput, cells: Cell[]): { domain: number[]; range: string[] } {
  const ends = [COLORS.surfaceGenerated, COLORS.surfaceMid, COLORS.surfaceReal];
  if (output === 'logit') return { domain: [0, 0.5, 1], range: ends };
  const [lo, hi] = extentOf(cells.map((c) => c.d)) ?? [0, 1];
  // BEGAN's energy is low on what D takes for real: the colours run the other way.
  return { domain: [lo, (lo + hi) / 2, hi], range: output === 'energy' ? [...ends].reverse() : ends };
}

interface ScatterOptions {
  size: { width: number; height: number };
  window: { x: Extent; y: Extent };
  surfaceDomain?: number[];
  panelTitle?: string;
}

function scatterPanel(snapshot: SampleSnapshot, options: ScatterOptions): SubSpec {
  const { window } = options;
  const x = { field: 'x', type: 'quantitative', title: 'x₁', scale: { domain: window.x, nice: false } } as const;
  const y = { field: 'y', type: 'quantitative', title: 'x₂', scale: { domain: window.y, nice: false } } as const;
  const layer: LayerItem[] = [];
  const surface = snapshot.surface;
  if (surface?.y) {
    const { cells, hx, hy } = surfaceCells(surface);
    const scale = surfaceScale(surface.output, cells);
    layer.push({
      data: { values: cells },
      // Edges are computed in the view, so each cell ships as 3 numbers, not 5.
      transform: [
        { calculate: `datum.x - ${hx}`, as: 'x0' },
        { calculate: `datum.x + ${hx}`, as: 'x1' },
        { calculate: `datum.y - ${hy}`, as: 'y0' },
        { calculate: `datum.y + ${hy}`, as: 'y1' },
      ],
      mark: { type: 'rect', clip: true },
      encoding: {
        x: { ...x, field: 'x0' },
        x2: { field: 'x1' },
        y: { ...y, field: 'y0' },
        y2: { field: 'y1' },
        fill: {
          field: 'd',
          type: 'quantitative',
          scale: { ...scale, ...(options.surfaceDomain ? { domain: options.surfaceDomain } : {}), clamp: true },
          legend: { title: surfaceTitle(surface.output), orient: 'right', gradientLength: 120, format: '.2~f' },
        },
      },
    });
  }
  const points = [
    ...thin(snapshot.real, MAX_SCATTER_POINTS).map((p) => ({ x: round(p[0]), y: round(p[1]), sample: 'real' })),
    ...thin(snapshot.fake, MAX_SCATTER_POINTS).map((p) => ({ x: round(p[0]), y: round(p[1]), sample: 'generated' })),
  ].filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  layer.push({
    data: { values: points },
    mark: { type: 'circle', size: 14, opacity: 0.7, clip: true },
    encoding: { x, y, color: { field: 'sample', type: 'nominal', scale: sampleColor, legend: { title: null, orient: 'top', direction: 'horizontal', symbolSize: 80 } } },
  });
  return { ...options.size, ...(options.panelTitle ? { title: panelTitle(options.panelTitle) } : {}), layer };
}

/**
 * Real vs generated 2-D samples at one snapshot over D's decision surface as a heatmap (GAN Lab's
 * view): where the background leans to the real colour, D takes points for real, so G's samples
 * are pushed there. Surface values are in the step records' units (the evaluator already turns
 * logits into probabilities), so `logit` surfaces are drawn on [0, 1] around 0.5.
 */
export function scatterChart(snapshot: SampleSnapshot): TopLevelSpec {
  return topLevel(scatterPanel(snapshot, { size: SIZE.square, window: scatterWindow([snapshot]) }), {
    text: `Samples and D's decision surface at step ${snapshot.step}`,
    subtitle: `${snapshot.real.length} real, ${snapshot.fake.length} generated samples${snapshot.surface?.y ? '; background: D over a grid' : ''}`,
  });
}

/** {@link scatterChart} at several steps side by side, on one shared window and colour scale. */
export function scatterStrip(snapshots: readonly SampleSnapshot[]): TopLevelSpec {
  const window = scatterWindow(snapshots);
  const sorted = [...snapshots].sort((a, b) => a.step - b.step);
  // Critic scores drift in level over training: one shared domain keeps colours comparable.
  const output = sorted.find((s) => s.surface?.y)?.surface?.output;
  let surfaceDomain: number[] | undefined;
  if (output) {
    const all = sorted.flatMap((s) => (s.surface?.y ? surfaceCells(s.surface).cells : []));
    surfaceDomain = surfaceScale(output, all).domain;
  }
  const panels = sorted.map((s) => scatterPanel(s, { size: SIZE.stripSquare, window, surfaceDomain, panelTitle: `step ${s.step}` }));
  return topLevel({ hconcat: panels, spacing: 14, resolve: { scale: { color: 'shared', fill: 'shared' } } }, { text: 'Samples and D over training', subtitle: "real and generated samples over D's decision surface, one shared window (blank: outside the grid D was evaluated on)" });
}
