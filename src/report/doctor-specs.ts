/**
 * The doctor's timeline: G's and D's gradient norms over training (the signal most pathologies
 * show first) with a line where each finding began, over one bar per finding from its first step
 * to its last. Built from records and findings only, like every other chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Finding, Severity } from '../doctor/index.ts';
import type { StepRecord } from '../train/index.ts';
import { DEFAULT_MAX_POINTS, seriesRows } from './downsample.ts';
import { bucketNote, curveView, fixedScale, topLevel, type LayerItem } from './spec-parts.ts';
import { COLORS, SIZE, STEP_TITLE } from './theme.ts';

/** Colour of a finding by severity: red for critical, amber for warnings, green for the healthy report. */
export const SEVERITY_COLORS: Record<Severity, string> = { critical: '#e03131', warning: '#e8a50c', info: '#2f9e44' };

/**
 * The diagnosis timeline of a run: `steps` drawn as gradient-norm curves (log scale) with a dashed
 * line at each finding's `fromStep`, and below them one bar per finding, coloured by severity,
 * from `fromStep` to `toStep` (or the run's last step).
 */
export function diagnosisTimeline(steps: readonly StepRecord[], findings: readonly Finding[], options: { maxPoints?: number } = {}): TopLevelSpec {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const lastStep = Math.max(steps[steps.length - 1]?.step ?? 0, ...findings.map((f) => f.toStep ?? f.fromStep));
  const bars = findings.map((f, i) => ({
    label: `${i + 1}. ${f.pathology}`,
    from: f.fromStep,
    to: Math.max(f.toStep ?? lastStep, f.fromStep + Math.max(1, lastStep / 200)),
    severity: f.severity,
    color: SEVERITY_COLORS[f.severity],
    note: `from step ${f.fromStep}${f.toStep !== undefined ? ` to ${f.toStep}` : ''}`,
  }));
  const x = { type: 'quantitative' as const, title: STEP_TITLE, scale: { domain: [0, Math.max(1, lastStep)], nice: false } };
  const severity = { field: 'severity', type: 'nominal' as const, title: 'severity', scale: fixedScale(Object.keys(SEVERITY_COLORS), Object.values(SEVERITY_COLORS)), legend: { orient: 'bottom' as const, direction: 'horizontal' as const } };
  const onsets: LayerItem = {
    data: { values: bars },
    mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 2 },
    // Colours straight from the data: this layer shares its view with the curves' colour scale.
    encoding: { x: { field: 'from', ...x }, color: { field: 'color', type: 'nominal', scale: null } },
  };
  const rows = seriesRows(
    steps,
    [
      { field: 'gradNormD', label: '‖∇D‖' },
      { field: 'gradNormG', label: '‖∇G‖' },
    ],
    { maxPoints, positiveOnly: true },
  );
  const curves = curveView(rows, { color: fixedScale(['‖∇D‖', '‖∇G‖'], [COLORS.d, COLORS.g]), yTitle: 'gradient L2 norm (log)', log: true }, [onsets]);
  const timeline = {
    width: SIZE.wide.width,
    height: Math.max(40, 26 * bars.length),
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar' as const, height: 16, cornerRadius: 2 },
        encoding: {
          x: { field: 'from', ...x },
          x2: { field: 'to' },
          y: { field: 'label', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 260 } },
          color: severity,
          tooltip: [{ field: 'note', type: 'nominal' as const }],
        },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 11, color: '#222222' },
        encoding: { x: { field: 'from', ...x }, y: { field: 'label', type: 'nominal' as const, sort: null }, text: { field: 'note', type: 'nominal' as const } },
      },
    ],
  };
  return topLevel(
    { vconcat: [curves, timeline], spacing: 16, resolve: { scale: { color: 'independent' } } },
    { text: 'Diagnosis timeline', subtitle: bucketNote(steps.length, maxPoints) ?? 'dashed lines: where each finding began' },
  );
}
