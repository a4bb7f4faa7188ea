import type { RunConfig } from '../config/index.ts';
import type { DOutput } from '../losses/index.ts';
import type { EvalRecord, StepRecord } from '../train/index.ts';

/** What can be wrong with a run (or `healthy`), in the field's own words. */
export const PATHOLOGIES = [
  'divergence',
  'vanishing-gradients',
  'mode-collapse',
  'mode-dropping',
  'oscillation',
  'discriminator-overpowering',
  'generator-overpowering',
  'discriminator-overfitting',
  'class-collapse',
  'healthy',
] as const;

/** One of {@link PATHOLOGIES}. */
export type Pathology = (typeof PATHOLOGIES)[number];

/** How bad a finding is: `critical` stops useful training, `warning` slows or degrades it, `info` is a report. */
export type Severity = 'info' | 'warning' | 'critical';

/** One concrete change to try, as `--set` strings the CLI accepts. */
export interface RemedyOffer {
  /** The remedy's name (a `saddlepoint compare --remedies` name, or a doctor-only change such as `non-saturating`). */
  remedy: string;
  /** What to add to the command line, e.g. `--set 'stabilizers=[{"name":"packing","m":2}]'`. */
  change: string;
  /** The same as raw `key=value` strings, for `resolveConfig({ sets })`. */
  sets: string[];
  /** Why it helps, from theory or the paper that proposed it. */
  why: string;
}

/** A named problem, when it began, the numbers that show it, and what to do. */
export interface Finding {
  pathology: Pathology;
  severity: Severity;
  /** The step the evidence starts at. */
  fromStep: number;
  /** The step it ended at, when it did not last to the end of the records. */
  toStep?: number;
  /** The numbers behind the finding, by record field (or a derived name). */
  evidence: Record<string, number>;
  explanation: string;
  /** Ranked: the first is the one to try first. */
  remedies: RemedyOffer[];
}

/** A `{"kind":"diverged"}` record. */
export interface DivergedRecord {
  kind: 'diverged';
  step: number;
  message: string;
}

/** What `metrics.jsonl` holds, as the doctor reads it. */
export type RunRecord = StepRecord | EvalRecord | DivergedRecord;

/** What the doctor knows about a run besides its records. */
export interface DiagnosisContext {
  /** The run's config: its loss family, data and stabilizers decide what a symptom means and which remedies apply. */
  config: RunConfig;
  /** What D outputs for this loss (logit losses report probabilities). */
  output: DOutput;
  /** Whether the data has known modes (mode metrics in the eval records). */
  modesKnown: boolean;
}
