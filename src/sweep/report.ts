/**
 * The results of a sweep as plain data: one row per trial, the points of the space averaged over
 * their seeds, the best trial and point, the best config as a ready `--config` object, and the
 * Markdown table. Pure: it reads outcomes, never run directories.
 */
import type { RunConfig } from '../config/index.ts';
import { describeParams, REMEDY_PARAM, SEED_PARAM, type SweepPlan } from './plan.ts';
import { dimensionKind, type ParamValue } from './space.ts';
import { SWEEP_METRIC_NAMES, type Direction, type SweepMetricName, type SweepSpec } from './spec.ts';

/** How a trial ended: trained its budget, stopped by ASHA at a lower rung, failed, or never ran (an interrupted sweep). */
export type TrialStatus = 'done' | 'stopped' | 'failed' | 'not-run';

/** What one trial gave: where it got to and its last evaluation there. */
export interface TrialOutcome {
  id: string;
  status: TrialStatus;
  /** Steps it trained (the rung it reached); 0 when it never ran. */
  steps: number;
  /** The sweep metric at `steps`; null when the run failed or measured nothing. */
  value: number | null;
  /** Its last evaluation's metrics (those the data supports). */
  metrics: Partial<Record<SweepMetricName, number>>;
  /** Training seconds summed over its runs (rungs), without process start-up. */
  wallSeconds: number | null;
  /** The last error line of a failed trial. */
  error?: string | null;
  /** Its run directory. */
  dir?: string;
}

/** One row of the sweep table. */
export interface SweepRow extends TrialOutcome {
  point: number;
  params: Record<string, ParamValue>;
  /** 1 for the best trial among those that reached the top rung any trial reached; null for the others. */
  rank: number | null;
}

/** One point of the space over its seeds. */
export interface SweepPoint {
  point: number;
  /** The point's params without the seed. */
  params: Record<string, ParamValue>;
  trials: string[];
  /** Mean metric over the seeds that reached the top rung with a value; null when none did. */
  mean: number | null;
  n: number;
}

/** Everything a sweep report holds. */
export interface SweepReport {
  metric: SweepMetricName;
  direction: Direction;
  /** The highest rung's steps any trial reached: only trials there are ranked. */
  topSteps: number;
  rows: SweepRow[];
  points: SweepPoint[];
  /** The best trial, or null when no trial has a value. */
  best: SweepRow | null;
  /** The best point by its mean over seeds. */
  bestPoint: SweepPoint | null;
  /** The best point's config (with its first seed, at the full step budget): pass it to `train --config`. */
  bestConfig: RunConfig | null;
  counts: Record<TrialStatus, number>;
}

const better = (direction: Direction) => (a: number, b: number) => (direction === 'max' ? b - a : a - b);

/**
 * Builds the report of a planned sweep from its outcomes (one per trial; a trial without one is
 * `not-run`). Trials are ranked by the metric among those that reached the highest rung any trial
 * reached (ASHA compares like with like), ties by plan order; points by their mean over seeds.
 */
export function sweepReport(plan: SweepPlan, outcomes: readonly TrialOutcome[]): SweepReport {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const rows: SweepRow[] = plan.trials.map((t) => ({
    ...(byId.get(t.id) ?? { id: t.id, status: 'not-run' as const, steps: 0, value: null, metrics: {}, wallSeconds: null }),
    point: t.point,
    params: t.params,
    rank: null,
  }));
  const topSteps = Math.max(0, ...rows.filter((r) => r.value !== null).map((r) => r.steps));
  const cmp = better(plan.direction);
  const ranked = rows.filter((r) => r.value !== null && r.steps === topSteps).sort((a, b) => cmp(a.value!, b.value!) || plan.trials.findIndex((t) => t.id === a.id) - plan.trials.findIndex((t) => t.id === b.id));
  ranked.forEach((r, i) => (r.rank = i + 1));

  const points: SweepPoint[] = [];
  for (const t of plan.trials) {
    let p = points.find((x) => x.point === t.point);
    if (!p) {
      const { [SEED_PARAM]: _seed, ...params } = t.params;
      p = { point: t.point, params, trials: [], mean: null, n: 0 };
      points.push(p);
    }
    p.trials.push(t.id);
  }
  for (const p of points) {
    const values = rows.filter((r) => p.trials.includes(r.id) && r.value !== null && r.steps === topSteps).map((r) => r.value!);
    p.n = values.length;
    p.mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  const bestPoint = points.filter((p) => p.mean !== null).sort((a, b) => cmp(a.mean!, b.mean!) || a.point - b.point)[0] ?? null;
  const counts = { done: 0, stopped: 0, failed: 0, 'not-run': 0 } satisfies Record<TrialStatus, number>;
  for (const r of rows) counts[r.status]++;
  const bestTrial = bestPoint ? plan.trials.find((t) => t.id === bestPoint.trials[0])! : null;
  return { metric: plan.metric, direction: plan.direction, topSteps, rows, points, best: ranked[0] ?? null, bestPoint, bestConfig: bestTrial?.config ?? null, counts };
}

function cell(v: unknown): string {
  const text = v === null || v === undefined ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : typeof v === 'string' ? v : JSON.stringify(v);
  return text.replace(/\|/g, '\\|');
}

/**
 * The Markdown of a sweep report: a header line, the trial table (params, status, steps, the
 * metric, the other measured metrics, wall time), the points over seeds best-first, and the best
 * config's command.
 */
export function sweepMarkdown(report: SweepReport, head: { name: string; strategy: string; date: string }): string {
  const keys = [...new Set(report.rows.flatMap((r) => Object.keys(r.params)))];
  const others = SWEEP_METRIC_NAMES.filter((m) => m !== report.metric && report.rows.some((r) => r.metrics[m] !== undefined));
  const c = report.counts;
  const lines = [
    `# saddlepoint sweep: ${head.name}`,
    '',
    `strategy ${head.strategy} · metric ${report.metric} (${report.direction}) · ${report.rows.length} trials: ${c.done} done, ${c.stopped} stopped early, ${c.failed} failed${c['not-run'] ? `, ${c['not-run']} not run` : ''} · ${head.date.slice(0, 10)} ${head.date.slice(11, 16)} UTC`,
    '',
    `| trial | ${keys.join(' | ')} | status | steps | ${report.metric} | ${others.join(' | ')}${others.length ? ' | ' : ''}wall s |`,
    `|:--|${keys.map(() => ':--').join('|')}|:--|--:|--:|${others.map(() => '--:|').join('')}--:|`,
    ...report.rows.map(
      (r) =>
        `| ${r.id}${r.rank === 1 ? ' (best)' : ''} | ${keys.map((k) => cell(r.params[k])).join(' | ')} | ${r.status} | ${r.steps} | ${cell(r.value)} | ${others.map((m) => `${cell(r.metrics[m])} | `).join('')}${r.wallSeconds === null ? '–' : r.wallSeconds.toFixed(1)} |`,
    ),
    '',
    `## Points over seeds (mean ${report.metric} at ${report.topSteps} steps, best first)`,
    '',
    ...[...report.points]
      .sort((a, b) => (a.mean === null ? 1 : b.mean === null ? -1 : better(report.direction)(a.mean, b.mean)) || a.point - b.point)
      .map((p) => `- ${describeParams(p.params) || '(base)'}: ${p.mean === null ? '–' : p.mean.toPrecision(4)} (n=${p.n}; ${p.trials.join(', ')})`),
  ];
  if (report.bestPoint) lines.push('', `Best: ${describeParams(report.bestPoint.params) || '(base)'}. Train it: \`npx saddlepoint train --config best-config.json\``);
  else lines.push('', 'No trial gave a value of the metric: nothing to rank.');
  return `${lines.join('\n')}\n`;
}

/**
 * The parameters a sweep chart shows, with their axis: remedies and lists as categories,
 * log-uniform dimensions on a log axis, other numbers linear; the seed only when nothing else varies.
 */
export function chartParams(spec: Pick<SweepSpec, 'space' | 'remedies'>): { key: string; scale: 'linear' | 'log' | 'nominal' }[] {
  const dims = spec.space.map((d) => {
    const kind = dimensionKind(d);
    const list = kind === 'values' ? d.values! : kind === 'choice' ? d.choice! : null;
    const scale = kind === 'log-uniform' ? 'log' : list && !list.every((v) => typeof v === 'number') ? 'nominal' : 'linear';
    return { key: d.path, scale } as const;
  });
  const out = [...(spec.remedies ? [{ key: REMEDY_PARAM, scale: 'nominal' as const }] : []), ...dims];
  return out.length ? out : [{ key: SEED_PARAM, scale: 'nominal' }];
}
