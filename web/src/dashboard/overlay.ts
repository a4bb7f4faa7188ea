/**
 * Several runs' columns on one chart: uPlot draws lines over one shared x, so each run's values
 * are placed on the union of the runs' steps, null where a run has no value at that step.
 */
import type { Line } from '../views/chart.ts';

/** One run's column of one quantity. */
export interface RunSeries {
  label: string;
  color: string;
  step: readonly number[];
  values: readonly number[];
}

/**
 * The shared x (every step any run has, ascending) and one line per run on it. Runs with the same
 * steps (the usual case: step records at 1, 2, …) share them as they are.
 *
 * @example
 * overlay([{ label: 'a', color: 'red', step: [0, 50], values: [1, 2] }, { label: 'b', color: 'blue', step: [0, 25], values: [3, 4] }], true)
 * // x [0, 25, 50]; a [1, null, 2]; b [3, 4, null]
 */
export function overlay(series: readonly RunSeries[], spanGaps: boolean): { x: number[]; lines: Line[] } {
  const first = series[0]?.step ?? [];
  const same = series.every((s) => s.step.length === first.length && s.step.every((v, i) => v === first[i]));
  if (same) return { x: [...first], lines: series.map((s) => ({ label: s.label, color: s.color, values: [...s.values], spanGaps })) };
  const x = [...new Set(series.flatMap((s) => s.step))].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const lines = series.map((s) => {
    const values: (number | null)[] = new Array<number | null>(x.length).fill(null);
    s.step.forEach((step, i) => (values[at.get(step)!] = s.values[i]));
    return { label: s.label, color: s.color, values, spanGaps };
  });
  return { x, lines };
}
