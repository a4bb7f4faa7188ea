/**
 * One training step as it is logged: one line of `metrics.jsonl`. Every field is a plain number
 * so records stream to files, SQLite, the browser and the doctor unchanged.
 */
export interface StepRecord {
  kind: 'step';
  /** Steps completed, counting this one (1-based). */
  step: number;
  /** D's total loss (loss + penalties) in the last D step of this step. */
  dLoss: number;
  /** The penalties' share of `dLoss` (0 without penalties). */
  dPenalty: number;
  gLoss: number;
  /** Mean D output on the real batch: a probability for logit losses, else the raw score/energy. */
  dReal: number;
  /** Mean D output on the generated batch, in the same units as `dReal`. */
  dFake: number;
  /** Global L2 norm of D's gradient (last D step of this step). */
  gradNormD: number;
  /** Global L2 norm of G's gradient. */
  gradNormG: number;
  /** Wall-clock milliseconds this step took. */
  ms: number;
  /** Loss-specific values, e.g. BEGAN's `k` and `convergence`. */
  extras?: Record<string, number>;
}

/** Record fields that must be finite, or the run has diverged. */
export const FINITE_FIELDS = ['dLoss', 'gLoss', 'gradNormD', 'gradNormG'] as const satisfies readonly (keyof StepRecord)[];
