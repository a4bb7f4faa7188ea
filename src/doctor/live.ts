/**
 * The doctor during training: it reads the records as the run writes them, diagnoses at every
 * evaluation and every `every` steps, and reports a pathology once it has been found at
 * `confirmations` diagnoses in a row — once per pathology, as a `finding` record. Pure, so the
 * CLI, a worker and the browser share it; deterministic in the records, so a resumed run
 * confirms the same findings at the same steps as one that never stopped.
 */
import type { RunConfig } from '../config/index.ts';
import type { FindingRecord, RunRecord as TrainRecord } from '../train/index.ts';
import { diagnose, diagnosisContext } from './diagnose.ts';
import { toRunRecords } from './records.ts';
import type { Finding, Pathology, RunRecord } from './types.ts';

/** How often the live doctor looks, and how sure it must be. */
export interface LiveDoctorOptions {
  /** Diagnose every this many steps, besides at every evaluation (default 100). */
  every?: number;
  /** Consecutive diagnoses a pathology must appear in before it is reported (default 2: one look is not a finding). */
  confirmations?: number;
  /** Records before which nothing is reported (the detectors need a history; default 200 steps). */
  warmup?: number;
  /** The diagnosis to run (default {@link diagnose}); tests give a scripted one to drive the autopilot. */
  diagnose?: typeof diagnose;
}

/** Defaults of {@link LiveDoctorOptions}. */
export const LIVE_DOCTOR_DEFAULTS = { every: 100, confirmations: 2, warmup: 200 } as const;

/** The autopilot's policy: it acts on a finding that offers a remedy and is more than a note. */
export function actsOn(record: Pick<FindingRecord, 'severity' | 'remedies'>): boolean {
  return record.severity !== 'info' && record.remedies.length > 0;
}

/** A finding as the record `train --doctor` writes. */
export function findingRecord(step: number, f: Finding): FindingRecord {
  return {
    kind: 'finding',
    step,
    pathology: f.pathology,
    severity: f.severity,
    fromStep: f.fromStep,
    ...(f.toStep !== undefined ? { toStep: f.toStep } : {}),
    evidence: Object.fromEntries(Object.entries(f.evidence).filter(([, v]) => Number.isFinite(v))),
    explanation: f.explanation,
    remedies: f.remedies.map(({ remedy, change, sets, why }) => ({ remedy, change, sets, why })),
  };
}

/**
 * Watches one run. Feed it every record the run appends, in order; it returns the findings
 * confirmed at that record (usually none). Give it the records a resumed run already has, so it
 * knows what it reported before.
 *
 * @example
 * const doctor = new LiveDoctor(config, await store.readRecords());
 * for (const f of doctor.observe(record)) await store.append(findingRecord(record.step, f));
 */
export class LiveDoctor {
  private readonly records: RunRecord[] = [];
  private readonly reported = new Set<string>();
  private streak = new Map<Pathology, number>();
  private lastLook = 0;
  private readonly every: number;
  private readonly confirmations: number;
  private readonly warmup: number;
  private readonly look: typeof diagnose;

  constructor(
    private readonly config: RunConfig,
    prior: readonly TrainRecord[] = [],
    options: LiveDoctorOptions = {},
  ) {
    this.every = options.every ?? LIVE_DOCTOR_DEFAULTS.every;
    this.confirmations = options.confirmations ?? LIVE_DOCTOR_DEFAULTS.confirmations;
    this.warmup = options.warmup ?? LIVE_DOCTOR_DEFAULTS.warmup;
    this.look = options.diagnose ?? diagnose;
    // A resumed run: replay what it recorded, so streaks and what was reported pick up where they were.
    for (const r of prior) {
      if (r.kind === 'finding') this.reported.add(r.pathology);
      else this.observe(r, false);
    }
  }

  /** Pathologies reported so far. */
  get found(): ReadonlySet<string> {
    return this.reported;
  }

  /** Takes one record; returns the findings confirmed now (never one reported before, never `healthy`). */
  observe(record: TrainRecord, report = true): Finding[] {
    if (record.kind === 'finding' || record.kind === 'intervention') return [];
    this.records.push(...toRunRecords([record as unknown as Record<string, unknown>], 'the live run'));
    const step = record.step;
    // One look per step: at a step that is evaluated, the look waits for the eval record (it follows the step's).
    const evalEvery = this.config.eval.every;
    const evaluated = evalEvery > 0 && step % evalEvery === 0;
    const due = record.kind === 'eval' ? step !== this.lastLook : !evaluated && step - this.lastLook >= this.every;
    if (!due || step < this.warmup) return [];
    this.lastLook = step;
    const findings = this.look(this.records, diagnosisContext(this.config, this.records)).filter((f) => f.pathology !== 'healthy');
    const next = new Map<Pathology, number>();
    const confirmed: Finding[] = [];
    for (const f of findings) {
      if (next.has(f.pathology)) continue;
      const n = (this.streak.get(f.pathology) ?? 0) + 1;
      next.set(f.pathology, n);
      // Replaying a resumed run's records only rebuilds the streaks: what was reported is in its finding records.
      if (report && n >= this.confirmations && !this.reported.has(f.pathology)) {
        this.reported.add(f.pathology);
        confirmed.push(f);
      }
    }
    this.streak = next;
    return confirmed;
  }
}
