import type { TopLevelSpec } from 'vega-lite';
import type { SeriesRow } from './downsample.ts';
import { baseConfig, SIZE, STEP_TITLE } from './theme.ts';

/** A view that can sit inside a concat (vega-lite's non-normalized spec). */
export type SubSpec = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];
/** One layer of a layered view. */
export type LayerItem = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];
/** A chart title with an optional subtitle. */
export interface ChartTitle {
  text: string;
  subtitle?: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Wraps a view as a top-level spec with the shared theme. */
export function topLevel(view: SubSpec, title?: ChartTitle): TopLevelSpec {
  return { $schema: SCHEMA, ...view, ...(title ? { title } : {}), config: baseConfig() } as TopLevelSpec;
}

/** A colour scale that pins each series to a colour, so the same name is the same colour everywhere. */
export function fixedScale(domain: readonly string[], range: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...domain], range: [...range] };
}

/** Options of {@link curveView}. */
export interface CurveLayerOptions {
  color: { domain: string[]; range: string[] };
  /** Axis title; an array is drawn as lines, for titles longer than the axis. */
  yTitle: string | string[];
  log?: boolean;
  /** A fixed y range, e.g. [0, 1] for probabilities. */
  yDomain?: [number, number];
  /** Series drawn dashed (e.g. a penalty that is part of another curve). */
  dashed?: string[];
  legendTitle?: string | null;
}

/**
 * A downsampled curve set as a layered view: the min–max band of each bucket (pale) under the
 * bucket means (the line). For short runs min = max and the band has no height. The rows sit on
 * the parent so both layers share one copy of the data.
 */
export function curveView(rows: SeriesRow[], options: CurveLayerOptions, extra: LayerItem[] = []): SubSpec {
  const x = { field: 'step', type: 'quantitative', title: STEP_TITLE, scale: { zero: true, nice: false } } as const;
  const yScale = { ...(options.log ? { type: 'log' as const } : { zero: false }), ...(options.yDomain ? { domain: options.yDomain } : {}) };
  const legend = { title: options.legendTitle ?? null, orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3, columnPadding: 18 };
  const dashed = options.dashed ?? [];
  // Colour and dash share one field and one legend, so vega-lite merges them into a single legend.
  const strokeDash = dashed.length
    ? {
        strokeDash: {
          field: 'series',
          type: 'nominal' as const,
          scale: { domain: options.color.domain, range: options.color.domain.map((s) => (dashed.includes(s) ? [6, 4] : [1, 0])) },
          legend,
        },
      }
    : {};
  return {
    ...SIZE.wide,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2, clip: true },
        encoding: {
          x,
          y: { field: 'min', type: 'quantitative', scale: yScale, title: options.yTitle },
          y2: { field: 'max' },
          // Same channel, scale and legend as the line, so vega-lite merges them into one legend.
          color: { field: 'series', type: 'nominal', scale: options.color, legend },
        },
      },
      {
        mark: { type: 'line', clip: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', scale: yScale, title: options.yTitle },
          color: { field: 'series', type: 'nominal', scale: options.color, legend },
          ...strokeDash,
        },
      },
      ...extra,
    ],
  };
}

/** A horizontal reference line at `y`, dashed and grey (equilibria, maxima). */
export function ruleAt(y: number, color: string): LayerItem {
  return {
    data: { values: [{ y }] },
    mark: { type: 'rule', strokeDash: [4, 4], color, strokeWidth: 1.5 },
    encoding: { y: { field: 'y', type: 'quantitative' } },
  };
}

/** A vertical red line at `step` (where a run diverged). */
export function stepMarker(step: number, color: string): LayerItem {
  return {
    data: { values: [{ step }] },
    mark: { type: 'rule', color, strokeWidth: 2, strokeDash: [2, 2] },
    encoding: { x: { field: 'step', type: 'quantitative' } },
  };
}

/** A small title over one panel of a strip (the chart title above stays the big one). */
export function panelTitle(text: string): { text: string; fontSize: number; anchor: 'middle'; offset: number } {
  return { text, fontSize: 13, anchor: 'middle', offset: 6 };
}

/** A subtitle saying how curves were downsampled, or nothing when they were not. */
export function bucketNote(records: number, maxPoints: number): string | undefined {
  if (records <= maxPoints) return undefined;
  const per = records / maxPoints;
  const text = Number.isInteger(per) || per >= 10 ? String(Math.round(per)) : per.toFixed(1);
  return `${records.toLocaleString('en-US')} steps drawn as ${maxPoints} buckets of ~${text}: line = bucket mean, band = bucket min–max`;
}
