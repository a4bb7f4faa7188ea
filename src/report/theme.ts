import type { Config } from 'vega-lite';
import type { DOutput } from '../losses/index.ts';

/**
 * The report's colours. Real and generated samples keep the same two colours in every chart
 * (curves, histograms, scatters), so a reader learns them once; D and G curves use two others
 * so "D's loss" is never mistaken for "the real data".
 */
export const COLORS = {
  real: '#1b9e77',
  generated: '#d95f02',
  d: '#3b5bdb',
  g: '#c2255c',
  /** Where a run diverged. */
  diverged: '#e03131',
  /** Reference lines (equilibria, maxima). */
  reference: '#555555',
  /** One colour per run in overlays: none near the real/generated pair, so a run never reads as "the data". */
  runs: ['#1c7ed6', '#c2255c', '#6741d9', '#495057', '#e8a50c', '#15aabf', '#8d5524', '#f06595', '#1b2a4a', '#74b816'],
  /** The decision surface: pale versions of the two sample colours, so points stay visible on top. */
  surfaceReal: '#9fdcc6',
  surfaceMid: '#f7f7f7',
  surfaceGenerated: '#f6c39d',
} as const;

/** Font family of every chart; the Node renderer ships DejaVu Sans, browsers fall back to their sans. */
export const FONT = 'DejaVu Sans';

/** Labels of the two sample sets, in legend order. */
export const SAMPLE_LABELS = ['real', 'generated'] as const;

/** Chart sizes in CSS pixels (the PNG renderer scales them). */
export const SIZE = {
  wide: { width: 560, height: 260 },
  panel: { width: 260, height: 220 },
  square: { width: 380, height: 380 },
  stripSquare: { width: 220, height: 220 },
  stripHist: { width: 240, height: 170 },
} as const;

/** The x-axis title every training curve shares. */
export const STEP_TITLE = 'step (generator updates)';

/**
 * The shared vega-lite config: one font, sizes a reader can read at 100 % zoom, no frame around
 * plots, and a white background so PNGs look the same in dark-mode viewers.
 */
export function baseConfig(): Config {
  return {
    font: FONT,
    background: 'white',
    padding: 8,
    view: { stroke: '#dddddd' },
    title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555555', offset: 10 },
    axis: { labelFontSize: 12, labelSeparation: 6, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#222222', labelColor: '#333333', gridColor: '#ebebeb', tickColor: '#999999', domainColor: '#999999' },
    legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320, symbolStrokeWidth: 3 },
    header: { labelFontSize: 13, titleFontSize: 13 },
    line: { strokeWidth: 2 },
  };
}

/** What D's mean output is called on an axis, by what D outputs. */
export function dOutputTitle(output: DOutput): string[] {
  // Two lines: one line this long is taller than the plot and pushes whitespace above it.
  switch (output) {
    case 'logit':
      return ['mean D(x)', '(probability "real")'];
    case 'score':
      return ['mean critic score D(x)', '(unbounded)'];
    case 'energy':
      return ['mean reconstruction energy', '(L1; lower = more real)'];
  }
}

/** What the decision surface's colour means, by what D outputs (shorter: it titles a legend). */
export function surfaceTitle(output: DOutput): string {
  switch (output) {
    case 'logit':
      return 'D(x) = P(real)';
    case 'score':
      return 'critic score D(x)';
    case 'energy':
      return 'energy (low = real)';
  }
}
