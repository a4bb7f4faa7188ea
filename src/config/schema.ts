import { z } from 'zod';
import { toyDatasets, type DataConfig, type DatasetRegistry } from '../data/index.ts';
import { lossSchema } from '../losses/index.ts';
import { ACTIVATION_NAMES, INIT_NAMES } from '../nn/index.ts';
import { optimizerSchema, scheduleSchema } from '../optim/index.ts';
import { gameSchema } from '../train/index.ts';
import { stabilizerSchema } from '../stabilizers/index.ts';
import { BACKEND_NAMES } from '../tensor/index.ts';

const positiveInt = z.int().positive();
const positive = z.number().positive();

function networkSchema(defaultAct: (typeof ACTIVATION_NAMES)[number]) {
  return z.strictObject({
      /**
       * `mlp` (default): dense layers of `hidden` widths (on images: flattened in, reshaped out).
       * `dcgan`: Radford et al.'s strided (transposed) convolutions for image data, from `filters`.
       * For paired data (image-to-image translation), Pix2Pix's networks: `unet` (G: an encoder–decoder
       * with skip connections on the source image) and `patchgan` (D: one logit per patch of the
       * (source, image) pair).
       */
      arch: z.enum(['mlp', 'dcgan', 'unet', 'patchgan']).default('mlp'),
      /** DCGAN's base width: D's first conv and G's last hidden layer have this many filters, doubling toward the latent. */
      filters: positiveInt.default(64),
      /** Hidden layer widths (mlp). */
      hidden: z.array(positiveInt).min(1).default([128, 128, 128]),
      act: z.enum(ACTIVATION_NAMES).default(defaultAct),
      /** leakyRelu's negative slope. */
      alpha: z.number().min(0).lt(1).default(0.2),
      norm: z.enum(['none', 'batch', 'layer']).default('none'),
      dropout: z.number().min(0).lt(1).default(0),
      init: z.enum(INIT_NAMES).default('he'),
  });
}

/** The ways G and D can be conditioned on the class (`model.condition`), each with what it does. */
export const CONDITIONS = {
  none: 'unconditional',
  concat: "a class embedding appended to G's z and to D's input (Mirza & Osindero 2014)",
  projection: "G as in concat; D's output ψ(φ(x)) + ⟨V_y, φ(x)⟩ (Miyato & Koyama 2018)",
  acgan: 'G as in concat; D takes no class but predicts it with an auxiliary classifier head on real and generated samples (Odena et al. 2017)',
} as const;
const CONDITION_KINDS = Object.keys(CONDITIONS) as [keyof typeof CONDITIONS, ...(keyof typeof CONDITIONS)[]];

/** The two networks and the latent space. */
export const modelSchema = z.strictObject({
  /** Width of the latent noise z. */
  noiseDim: positiveInt.default(8),
  noise: z.enum(['normal', 'uniform']).default('normal'),
  g: networkSchema('relu').prefault({}),
  d: networkSchema('leakyRelu').prefault({}),
  /**
   * Class conditioning, for labelled data (MNIST's digits, a mixture's modes): `none`; `concat`,
   * a learned embedding of the class appended to G's z and to D's input (Mirza & Osindero 2014);
   * `projection`, the same G with D's output ψ(φ(x)) + ⟨V_y, φ(x)⟩ (Miyato & Koyama 2018).
   */
  condition: z.enum(CONDITION_KINDS).default('none'),
  /** Width of the class embedding appended to z (and to D's input under `concat`). */
  embedDim: positiveInt.default(10),
  /**
   * Image-to-image translation (Pix2Pix, Isola et al. 2017) on paired data, null otherwise: G's loss
   * adds `l1` × mean |G(source) − target| (the paper's λ = 100); `adversarial: false` drops G's
   * adversarial term, the L1-only baseline the paper compares with.
   */
  translation: z.strictObject({ l1: z.number().min(0).default(100), adversarial: z.boolean().default(true) }).nullable().default(null),
  /** Weight of ACGAN's auxiliary class loss in both players' losses (`condition: acgan`). */
  auxWeight: z.number().positive().default(1),
  /**
   * InfoGAN's latent codes (Chen et al. 2016), null for none: a categorical code of `categorical`
   * ids (one-hot into G) and `continuous` codes U(−1, 1) appended to the `noiseDim` noise, which
   * Q — a head on D's features with a `hidden`-wide layer — learns to read back from G's samples,
   * its loss weighted by `weight` and `continuousWeight` in both players' losses. Needs no labels.
   */
  codes: z
    .strictObject({
      categorical: z.number().int().min(0).default(10),
      continuous: z.number().int().min(0).default(2),
      weight: z.number().min(0).default(1),
      continuousWeight: z.number().min(0).default(1),
      hidden: positiveInt.default(128),
    })
    .superRefine((c, ctx) => {
      if (c.categorical === 1) ctx.addIssue({ code: 'custom', path: ['categorical'], message: 'a categorical code needs at least 2 values (or 0 for none)' });
      if (c.categorical === 0 && c.continuous === 0) ctx.addIssue({ code: 'custom', path: ['continuous'], message: 'give at least one code: categorical ≥ 2 or continuous ≥ 1' });
    })
    .nullable()
    .default(null),
});

/** A validated network config. */
export type NetworkConfig = z.output<ReturnType<typeof networkSchema>>;

/**
 * A whole run, for the data sources of `datasets`. The single source of truth for what a run
 * is: every preset, file and flag is merged into an object that must pass this schema before
 * any training starts. The core's data sources are the toy sets; the Node adapter's registry
 * adds points files (`src/node`), so Node code validates with its schema.
 */
export function runConfigSchemaFor(datasets: DatasetRegistry) {
  let schema = schemas.get(datasets);
  if (!schema) schemas.set(datasets, (schema = buildRunConfigSchema(datasets.schema)));
  return schema;
}

const schemas = new WeakMap<DatasetRegistry, ReturnType<typeof buildRunConfigSchema>>();

function buildRunConfigSchema(dataSchema: z.ZodType<DataConfig, DataConfig>) {
  return z.strictObject({
    /** A label for the run (used in its directory name). */
    name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"').optional(),
    seed: z.int().min(0).max(2 ** 32 - 1).default(0),
    steps: positiveInt.default(2000),
    batchSize: positiveInt.default(256),
    /** Discriminator steps per generator step (k in Goodfellow et al. 2014). */
    dStepsPerG: positiveInt.default(1),
    backend: z.enum(BACKEND_NAMES).default('auto'),
    /**
     * OpenBLAS threads of the native backend's large GEMMs ('auto': OPENBLAS_NUM_THREADS or the
     * core count). It changes the last bits of each product, which training compounds: runs are
     * identical only at equal threads, so it is part of the experiment.
     */
    threads: z.union([z.literal('auto'), positiveInt]).default('auto'),
    data: dataSchema,
    model: modelSchema.prefault({}),
    loss: lossSchema.prefault({ name: 'non-saturating' }),
    optim: z
      .strictObject({
        g: optimizerSchema.prefault({ name: 'adam' }),
        d: optimizerSchema.prefault({ name: 'adam' }),
        /** Multiplies both players' base learning rates by a factor of the step, e.g. `{ name: 'cosine', warmup: 100 }`. */
        schedule: scheduleSchema.prefault({ name: 'constant' }),
        /** How the players' updates combine in a step: alternating (default), simultaneous, extragradient, consensus. */
        game: gameSchema.prefault({ name: 'alternating' }),
      })
      .prefault({}),
    /** Remedies applied in this order, e.g. `[{ name: 'spectral-norm' }, { name: 'packing', m: 2 }]`. */
    stabilizers: z.array(stabilizerSchema).default([]),
    checkpointEvery: positiveInt.default(500),
    /** Measured quality: every `every` steps on `samples` generated points (0 turns it off). */
    eval: z
      .strictObject({
        every: z.int().min(0).default(250),
        samples: z.int().min(2, 'the evaluator needs at least 2 samples (MMD compares pairs)').default(2500),
        /** Save real/generated samples and D's surface for plots at each evaluation. */
        snapshots: z.boolean().default(true),
        /** Also record the health signals the doctor reads (diversity, coverage, r_t, G's sensitivity, spectra). */
        health: z.boolean().default(true),
      })
      .prefault({}),
    /** How many most recent checkpoints to keep on disk. */
    keepCheckpoints: positiveInt.default(3),
    /** The recommended settings the chosen loss and stabilizers brought (set by `resolveConfig`; a record, not an input). */
    recommended: z.array(z.strictObject({ field: z.string(), value: z.unknown(), by: z.string(), why: z.string() })).default([]),
  });
}

/** The run config schema for the core's data sources (the toy sets). */
export const runConfigSchema = runConfigSchemaFor(toyDatasets);

/** A fully resolved, validated run config. */
export type RunConfig = z.output<typeof runConfigSchema>;
/** What a user may write: every field with a default may be left out. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
