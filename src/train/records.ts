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
  // Health signals (`eval.health`): what the doctor reads. Diversity works without known modes.
  /** Mean pairwise distance among generated ÷ among real samples (first 300 of each). */
  diversityPairwise?: number;
  /** Mean nearest-neighbour distance among generated ÷ among real samples: → 0 when many z give one output. */
  diversityNN?: number;
  /** Generated pairs closer than 0.1 × the real median NN distance (Arora & Zhang's birthday test), among 300. */
  duplicates?: number;
  /** The same count among 300 real samples: the baseline for `duplicates`. */
  duplicatesReal?: number;
  /** Share of real samples whose 5-NN ball holds a generated sample (Naeem et al. 2020): low when G drops regions. */
  coverage?: number;
  /** Share of generated samples inside some real sample's 5-NN ball (Kynkäänniemi et al. 2019): low when G's samples are off the data. */
  precision?: number;
  /** ADA's r_t = E[sign D(x)] on training reals (logit losses): → 1 as D memorises its training set. */
  rt?: number;
  /** Mean raw D output on training reals minus on held-out reals (ADA's overfitting gap). */
  dTrainGap?: number;
  /** Mean ‖∂G/∂z‖_F on a fixed z batch: near 0 when G ignores z. */
  sensitivity?: number;
  /** Median σ_max/σ_min of G's per-sample Jacobian (latents up to 16 wide), capped at 1e5. */
  jacobianCondition?: number;
  /** Largest top singular value among D's / G's kernels (raw weights). */
  sigmaD?: number;
  sigmaG?: number;
  /** Top singular value of each kernel, by parameter name. */
  spectra?: Record<string, number>;
  /** Wall-clock milliseconds the evaluation took. */
  ms: number;
}

/** The eval record fields `eval.health` adds: every other field is the same with it on or off. */
export const HEALTH_FIELDS = [
  'diversityPairwise',
  'diversityNN',
  'duplicates',
  'duplicatesReal',
  'coverage',
  'precision',
  'rt',
  'dTrainGap',
  'sensitivity',
  'jacobianCondition',
  'sigmaD',
  'sigmaG',
  'spectra',
] as const satisfies readonly (keyof EvalRecord)[];

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
