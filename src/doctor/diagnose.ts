import type { RunConfig } from '../config/index.ts';
import { buildObjective } from '../losses/index.ts';
import { DETECTORS, healthyFinding } from './detectors.ts';
import { splitRecords } from './series.ts';
import type { DiagnosisContext, Finding, RunRecord, Severity } from './types.ts';

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Names what is wrong with a run from its records: every detector's findings, most severe first
 * (then by when they began), or a single `healthy` finding with its numbers when none fires.
 * Pure: records in, findings out, so it runs on a finished run, live during training, or in the
 * browser alike.
 *
 * @example
 * const findings = diagnose(readMetrics('runs/x/metrics.jsonl'), { config, output: 'logit', modesKnown: true });
 * // [{ pathology: 'vanishing-gradients', severity: 'critical', fromStep: 180, evidence: { drop: 412, … }, remedies: [...] }]
 */
export function diagnose(records: readonly RunRecord[], context: DiagnosisContext): Finding[] {
  const series = splitRecords(records);
  const findings = DETECTORS.flatMap((d) => d.detect(series, context));
  if (findings.length === 0) return [healthyFinding(series)];
  return findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.fromStep - b.fromStep);
}

/**
 * The context for {@link diagnose} from a run's config and records: D's output kind from the loss
 * registry, and whether the data has known modes (its eval records carry mode metrics).
 */
export function diagnosisContext(config: RunConfig, records: readonly RunRecord[]): DiagnosisContext {
  const modesKnown = records.some((r) => r.kind === 'eval' && r.modesTotal !== undefined);
  return { config, output: buildObjective(config.loss).loss.output, modesKnown };
}
