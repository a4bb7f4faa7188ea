/**
 * Plots of a run as vega-lite specs, pure and browser-safe: training curves, measured quality,
 * samples over D's decision surface, and run overlays. Rendering to SVG/PNG and the HTML report
 * need Node and live in `src/node/render.ts` and `src/node/report.ts`. This file is the folder's
 * only public door.
 */
export { lossChart, gradNormChart, dOutputChart, coverageChart, divergenceChart, featureChart, conditionChart, perClassChart, translationChart, type CurveOptions } from './specs.ts';
export { histogramChart, histogramStrip, scatterChart, scatterStrip, pickSnapshots, HISTOGRAM_BINS, MAX_SCATTER_POINTS, MAX_SURFACE_CELLS } from './sample-specs.ts';
export { diagnosisTimeline, SEVERITY_COLORS } from './doctor-specs.ts';
export { compareChart, COMPARE_METRICS, COMPARE_METRIC_NAMES, type CompareMetric, type CompareStat, type CompareChartRow, type CompareChartOptions } from './compare-specs.ts';
export { overlayChart, overlayPoints, OVERLAY_METRICS, OVERLAY_METRIC_NAMES, type OverlayMetric, type OverlayRun } from './overlay.ts';
export { downsample, seriesRows, DEFAULT_MAX_POINTS, type CurvePoint, type SeriesRow, type DownsampleOptions } from './downsample.ts';
export { COLORS, FONT, baseConfig, dOutputTitle, surfaceTitle } from './theme.ts';
export { reportHtml, demoHtml, escapeHtml, type ReportPage, type ReportFigure, type DemoPage } from './html.ts';
export { fontMetrics, type FontMetrics } from './text-metrics.ts';
export { sweepChart, type SweepChartParam, type SweepChartTrial, type SweepChartOptions } from './sweep-specs.ts';
