/**
 * The records of a run, as one zod schema the writers (the step, the evaluator, the run) and the
 * readers (reports, `eval`, the doctor, the browser) share: one JSON object per line of
 * `metrics.jsonl`, told apart by `kind`. Every field is a plain number (or a map of them), so
 * records stream to files, SQLite, the browser and the doctor unchanged.
 */
import { z } from 'zod';

const numbers = z.record(z.string(), z.number());

/** A measured value: NaN where it is undefined (e.g. reverse KL with no high-quality sample), written as null in JSON. */
const measure = z.union([z.number(), z.nan(), z.null().transform(() => NaN)]).optional();

/** One training step as it is logged. */
export const stepRecordSchema = z.object({
  kind: z.literal('step'),
  /** Steps completed, counting this one (1-based). */
  step: z.int().positive(),
  /** D's total loss (loss + terms) in the last D step of this step. */
  dLoss: z.number(),
  /** The sum of D's terms (penalties, stabilizer terms) in `dLoss` (0 without any). */
  dPenalty: z.number(),
  gLoss: z.number(),
  /** Mean D output on the real batch: a probability for logit losses, else the raw score/energy. */
  dReal: z.number(),
  /** Mean D output on the generated batch, in the same units as `dReal`. */
  dFake: z.number(),
  /** Global L2 norm of D's gradient (last D step of this step). */
  gradNormD: z.number(),
  /** Global L2 norm of G's gradient. */
  gradNormG: z.number(),
  /** Wall-clock milliseconds this step took. */
  ms: z.number(),
  /** Loss-specific and stabilizer values, e.g. BEGAN's `k` and `convergence`, the lr under a schedule. */
  extras: numbers.optional(),
  /** Each of D's named loss terms (e.g. `wgan-gp`, `historical-averaging`), when it has any. */
  dTerms: numbers.optional(),
  /** Each of G's named loss terms, when it has any. */
  gTerms: numbers.optional(),
});

/** One training step as it is logged: one line of `metrics.jsonl`. */
export type StepRecord = z.infer<typeof stepRecordSchema>;

/**
 * Measured quality at one step, written by the evaluator every `eval.every` steps on a
 * fixed-seed batch of generated samples. Fields are present where the dataset supports them
 * (mode metrics need known modes; `w1` is exact in 1-D).
 */
export const evalRecordSchema = z.object({
  kind: z.literal('eval'),
  step: z.int().min(0),
  /** Generated samples scored. */
  samples: z.int().positive(),
  /** Modes captured / modes the data has. */
  modes: measure,
  modesTotal: measure,
  /** Share of generated samples within 3σ of some mode. */
  highQuality: measure,
  /** KL(generated mode histogram ‖ true mode weights), as PacGAN reports it. */
  reverseKL: measure,
  /** Histogram/grid estimates between real and generated samples (nats). */
  kl: measure,
  reverseKl: measure,
  js: measure,
  /** Wasserstein-1: exact in 1-D, sliced otherwise. */
  w1: measure,
  mmd: measure,
  /** D's accuracy on held-out real vs generated samples (logit losses). */
  dAccuracy: measure,
  /** Mean D output on held-out real / generated samples (same units as the step record). */
  dReal: measure,
  dFake: measure,
  /** Mean critic value on real minus on generated (Wasserstein-type losses). */
  criticGap: measure,
  // Health signals (`eval.health`): what the doctor reads. Diversity works without known modes.
  /** Mean pairwise distance among generated ÷ among real samples (first 300 of each). */
  diversityPairwise: measure,
  /** Mean nearest-neighbour distance among generated ÷ among real samples: → 0 when many z give one output. */
  diversityNN: measure,
  /** Generated pairs closer than 0.1 × the real median NN distance (Arora & Zhang's birthday test), among 300. */
  duplicates: measure,
  /** The same count among 300 real samples: the baseline for `duplicates`. */
  duplicatesReal: measure,
  /** Share of real samples whose 5-NN ball holds a generated sample (Naeem et al. 2020): low when G drops regions. */
  coverage: measure,
  /** Share of generated samples inside some real sample's 5-NN ball (Kynkäänniemi et al. 2019): low when G's samples are off the data. */
  precision: measure,
  /** ADA's r_t = E[sign D(x)] on training reals (logit losses): → 1 as D memorises its training set. */
  rt: measure,
  /** Mean raw D output on training reals minus on held-out reals (ADA's overfitting gap). */
  dTrainGap: measure,
  /** Mean ‖∂G/∂z‖_F on a fixed z batch: near 0 when G ignores z. */
  sensitivity: measure,
  /** Median σ_max/σ_min of G's per-sample Jacobian (latents up to 16 wide), capped at 1e5. */
  jacobianCondition: measure,
  /** Largest top singular value among D's / G's kernels (raw weights). */
  sigmaD: measure,
  sigmaG: measure,
  /** Top singular value of each kernel, by parameter name. */
  spectra: numbers.optional(),
  // Feature-space metrics (image data with a feature network, e.g. MNIST's classifier): the
  // generated samples against the data's reference set (held-out reals), as the field reports them.
  /** Fréchet distance of the Gaussian fits in feature space (FID with the data's network), `samples` generated vs `referenceSamples` reals. */
  fid: measure,
  /** Kernel Inception Distance (unbiased MMD², cubic kernel) over subsets, and its standard error. */
  kid: measure,
  kidSe: measure,
  /** Improved precision / recall in feature space (Kynkäänniemi et al. 2019, k = 3). */
  featurePrecision: measure,
  featureRecall: measure,
  /** Density / coverage in feature space (Naeem et al. 2020, k = 5). */
  featureDensity: measure,
  featureCoverage: measure,
  /** The Inception Score computed with the data's classifier (the "MNIST score"): up to the number of classes. */
  classifierScore: measure,
  /**
   * A class-conditional run: the fraction of generated samples that are of the class G was asked
   * for — the data's classifier's top class (MNIST), or the nearest mode (mixtures). Chance is 1/classes.
   */
  classAccuracy: measure,
  /**
   * A class-conditional image run, one value per class k: FID of G's samples of class k against
   * the reference images of class k (about samples / classes of each, so biased upward against the
   * overall FID), and improved precision / recall (k = 3) against as many of class k's reference
   * images. ACGAN's known loss of within-class diversity shows as a low recall.
   */
  classFid: z.array(z.number()).optional(),
  classPrecision: z.array(z.number()).optional(),
  classRecall: z.array(z.number()).optional(),
  /** ACGAN: the auxiliary classifier's accuracy on the held-out reals (how well D's head knows the classes). */
  auxAccuracy: measure,
  /**
   * InfoGAN: Q's categorical code read as a classifier of the held-out reals, scored against their
   * labels after the best one-to-one matching of codes to labels (the paper's ≈ 95 % on MNIST).
   */
  codeAccuracy: measure,
  /** InfoGAN: the variational lower bounds on I(c; G(z, c)) in nats: the categorical code's (at most log k) and the continuous codes' (see `infoBounds`). */
  miCategorical: measure,
  miContinuous: measure,
  /**
   * Image-to-image translation: the held-out sources' translations against their targets, on the
   * [0, 1] pixel scale: mean |error|, PSNR (dB, each pair's then averaged) and SSIM (first 500 pairs).
   */
  translationL1: measure,
  psnr: measure,
  ssim: measure,
  /** Stacked MNIST: digit triples seen (of 1,000) and KL(triple histogram ‖ uniform), over `samples`. */
  stackedModes: measure,
  stackedKl: measure,
  /** Reference rows FID's statistics came from (KID and the manifold metrics use `samples` of them). */
  referenceSamples: measure,
  /** Wall-clock milliseconds the evaluation took. */
  ms: z.number(),
});

/** Measured quality at one step: one `{"kind":"eval"}` line of `metrics.jsonl`. */
export type EvalRecord = z.infer<typeof evalRecordSchema>;

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

/** Training produced NaN or Inf at `step`; the update was refused and the last good checkpoint kept. */
export const divergedRecordSchema = z.object({
  kind: z.literal('diverged'),
  step: z.int().positive(),
  message: z.string(),
});

/** The divergence record. */
export type DivergedRecord = z.infer<typeof divergedRecordSchema>;

/** One remedy a finding offers: its name, the command-line change, the `key=value` settings and why. */
const remedyOfferSchema = z.object({ remedy: z.string(), change: z.string(), sets: z.array(z.string()), why: z.string() });

/**
 * The doctor confirmed a pathology while the run trained (`train --doctor`): written once per
 * pathology at the step it was confirmed, with what the doctor saw.
 */
export const findingRecordSchema = z.object({
  kind: z.literal('finding'),
  /** The step at which the finding was confirmed. */
  step: z.int().min(0),
  pathology: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  /** Where its evidence starts, and ends when it did not last. */
  fromStep: z.int().min(0),
  toStep: z.int().min(0).optional(),
  evidence: numbers,
  explanation: z.string(),
  remedies: z.array(remedyOfferSchema),
});

/** A finding as a record. */
export type FindingRecord = z.infer<typeof findingRecordSchema>;

/**
 * The autopilot acted on a finding (`train --autopilot`): it went back to the checkpoint at
 * `step` (the last one before the trouble began) and continues from there with `sets` applied.
 * The records after `step` that showed the trouble were dropped; this record keeps their account.
 */
export const interventionRecordSchema = z.object({
  kind: z.literal('intervention'),
  /** The checkpoint the run continues from. */
  step: z.int().min(0),
  /** The step at which the finding was confirmed (its records were dropped). */
  detectedAt: z.int().min(0),
  pathology: z.string(),
  fromStep: z.int().min(0),
  evidence: numbers,
  remedy: z.string(),
  sets: z.array(z.string()),
  why: z.string(),
  /** 1 for the first intervention of the run. */
  count: z.int().positive(),
});

/** An autopilot intervention as a record. */
export type InterventionRecord = z.infer<typeof interventionRecordSchema>;

/** Any record of a run, told apart by `kind`. */
export const runRecordSchema = z.discriminatedUnion('kind', [stepRecordSchema, evalRecordSchema, divergedRecordSchema, findingRecordSchema, interventionRecordSchema]);

/** Any record of a run. */
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Record fields that must be finite, or the run has diverged. */
export const FINITE_FIELDS = ['dLoss', 'gLoss', 'gradNormD', 'gradNormG'] as const satisfies readonly (keyof StepRecord)[];

/**
 * What the evaluator saves for plots at an evaluation step (`samples/<step>.json`): real and
 * generated samples, and D's output over a grid covering them (GAN Lab's decision surface).
 */
export interface SampleSnapshot {
  step: number;
  dim: number;
  /** Points (flat data; empty for images, which go in `images`). */
  real: number[][];
  fake: number[][];
  /**
   * Image data: the first `count` generated images (from the evaluation's fixed z, so successive
   * snapshots are comparable) and as many real ones, as base64 bytes (pixel 0…255 ↔ −1…1),
   * `[count, ...shape]` row-major.
   */
  images?: {
    shape: number[];
    count: number;
    fake: string;
    real: string;
    /** A class-conditional run: generated image i is of class i mod `classes` (a grid `classes` wide has one class per column). */
    classes?: number;
    /** G along `paths` spherical paths between fixed latent pairs, `steps` images each, path after path. */
    interpolations?: { paths: number; steps: number; images: string };
    /** `count` generated images, then the nearest (pixel L2) of `pool` training images to each: the memorization check. */
    neighbours?: { count: number; pool: number; images: string };
    /** Translation: `count` held-out sources, their translations, then their targets, as three rows of `count` images. */
    translations?: { count: number; images: string };
    /** InfoGAN: each continuous code walked along the rows of a `rows × cols` grid (see `codeGrid`), with what its rows and columns show. */
    traversals?: { code: string; rows: number; cols: number; rowsShow: string; colsShow: string; images: string }[];
  };
  /** 1-D: D over `x`; 2-D: D over the `x` × `y` grid, `d[i][j]` at (x[j], y[i]). */
  surface?: { x: number[]; y?: number[]; d: number[] | number[][]; output: 'logit' | 'score' | 'energy' };
}
