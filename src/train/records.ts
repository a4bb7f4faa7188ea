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

/**
 * Measured quality at one step: one `{"kind":"eval"}` line of `metrics.jsonl`, written by the
 * evaluator every `evalEvery` steps on a fixed-seed batch of generated samples. Fields are present
 * where the dataset supports them (mode metrics need known modes; `w1` is exact in 1-D).
 */
export interface EvalRecord {
  kind: 'eval';
  step: number;
  /** Generated samples scored. */
  samples: number;
  /** Modes captured / modes the data has. */
  modes?: number;
  modesTotal?: number;
  /** Share of generated samples within 3σ of some mode. */
  highQuality?: number;
  /** KL(generated mode histogram ‖ true mode weights), as PacGAN reports it. */
  reverseKL?: number;
  /** Histogram/grid estimates between real and generated samples (nats). */
  kl?: number;
  reverseKl?: number;
  js?: number;
  /** Wasserstein-1: exact in 1-D, sliced otherwise. */
  w1?: number;
  mmd?: number;
  /** D's accuracy on held-out real vs generated samples (logit losses). */
  dAccuracy?: number;
  /** Mean D output on held-out real / generated samples (same units as StepRecord). */
  dReal?: number;
  dFake?: number;
  /** Mean critic value on real minus on generated (Wasserstein-type losses). */
  criticGap?: number;
  /** Wall-clock milliseconds the evaluation took. */
  ms: number;
}

/**
 * What the evaluator saves for plots at an evaluation step (`samples/<step>.json`): real and
 * generated samples, and D's output over a grid covering them (GAN Lab's decision surface).
 */
export interface SampleSnapshot {
  step: number;
  dim: number;
  real: number[][];
  fake: number[][];
  /** 1-D: D over `x`; 2-D: D over the `x` × `y` grid, `d[i][j]` at (x[j], y[i]). */
  surface?: { x: number[]; y?: number[]; d: number[] | number[][]; output: 'logit' | 'score' | 'energy' };
}
