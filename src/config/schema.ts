import { z } from 'zod';
import { lossSchema } from '../losses/index.ts';
import { ACTIVATION_NAMES } from '../nn/activation.ts';
import { INIT_NAMES } from '../nn/init.ts';
import { gameSchema, optimizerSchema, scheduleSchema } from '../optim/index.ts';
import { stabilizerSchema } from '../stabilizers/index.ts';
import { BACKEND_NAMES } from '../tensor/backend.ts';

const positiveInt = z.int().positive();
const positive = z.number().positive();

/** Where real samples come from: a built-in distribution or the user's points file. */
export const dataSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ring8') }),
  z.strictObject({
    kind: z.literal('ring'),
    modes: positiveInt.default(8),
    radius: positive.default(2),
    std: positive.default(0.02),
  }),
  z.strictObject({ kind: z.literal('grid25') }),
  z.strictObject({
    kind: z.literal('grid'),
    size: positiveInt.default(5),
    spacing: positive.default(2),
    std: positive.default(0.05),
  }),
  z
    .strictObject({
      kind: z.literal('mixture1d'),
      weights: z.array(z.number().nonnegative()).min(1),
      means: z.array(z.number()).min(1),
      stds: z.array(positive).min(1),
    })
    .refine((d) => d.weights.length === d.means.length && d.means.length === d.stds.length, {
      message: 'weights, means and stds must have the same length',
      path: ['weights'],
    }),
  z.strictObject({
    kind: z.literal('spiral'),
    turns: positive.default(1.5),
    noise: z.number().nonnegative().default(0.05),
    scale: positive.default(1),
  }),
  z.strictObject({ kind: z.literal('two-moons'), noise: z.number().nonnegative().default(0.05) }),
  z.strictObject({ kind: z.literal('points'), path: z.string().min(1) }),
]);

/** A validated data config. */
export type DataConfig = z.output<typeof dataSchema>;

function networkSchema(defaultAct: (typeof ACTIVATION_NAMES)[number]) {
  return z.strictObject({
    /** Hidden layer widths. */
    hidden: z.array(positiveInt).min(1).default([128, 128, 128]),
    act: z.enum(ACTIVATION_NAMES).default(defaultAct),
    /** leakyRelu's negative slope. */
    alpha: z.number().min(0).lt(1).default(0.2),
    norm: z.enum(['none', 'batch', 'layer']).default('none'),
    dropout: z.number().min(0).lt(1).default(0),
    init: z.enum(INIT_NAMES).default('he'),
  });
}

/** The two networks and the latent space. */
export const modelSchema = z.strictObject({
  /** Width of the latent noise z. */
  noiseDim: positiveInt.default(8),
  noise: z.enum(['normal', 'uniform']).default('normal'),
  g: networkSchema('relu').prefault({}),
  d: networkSchema('leakyRelu').prefault({}),
});

/** A validated network config. */
export type NetworkConfig = z.output<ReturnType<typeof networkSchema>>;

/**
 * A whole run. The single source of truth for what a run is: every preset, file and flag is
 * merged into an object that must pass this schema before any training starts.
 */
export const runConfigSchema = z.strictObject({
  /** A label for the run (used in its directory name). */
  name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"').optional(),
  seed: z.int().min(0).max(2 ** 32 - 1).default(0),
  steps: positiveInt.default(2000),
  batchSize: positiveInt.default(256),
  /** Discriminator steps per generator step (k in Goodfellow et al. 2014). */
  dStepsPerG: positiveInt.default(1),
  backend: z.enum(BACKEND_NAMES).default('auto'),
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
      samples: positiveInt.default(2500),
      /** Save real/generated samples and D's surface for plots at each evaluation. */
      snapshots: z.boolean().default(true),
      /** Also record the health signals the doctor reads (diversity, coverage, r_t, G's sensitivity, spectra). */
      health: z.boolean().default(true),
    })
    .prefault({}),
  /** How many most recent checkpoints to keep on disk. */
  keepCheckpoints: positiveInt.default(3),
});

/** A fully resolved, validated run config. */
export type RunConfig = z.output<typeof runConfigSchema>;
/** What a user may write: every field with a default may be left out. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
