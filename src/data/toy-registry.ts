import { z } from 'zod';
import { spiral, twoMoons } from './continuous.ts';
import { grid, grid25 } from './grid.ts';
import { mixture1d } from './mixture.ts';
import { defineDataset, datasetRegistry } from './registry.ts';
import { ring, ring8 } from './ring.ts';

const positiveInt = z.int().positive();
const positive = z.number().positive();

/**
 * The toy distributions of the GAN literature, each declared once: its config schema (with the
 * defaults) and its builder. The config's `data` union, the kind names and the lookup all derive
 * from this array.
 */
export const TOY_DATASETS = [
  defineDataset({
    kind: 'ring8',
    summary: '8 Gaussians on a circle of radius 2, std 0.02 (Unrolled GAN, VEEGAN, PacGAN)',
    schema: z.strictObject({ kind: z.literal('ring8') }),
    build: () => ring8(),
  }),
  defineDataset({
    kind: 'ring',
    summary: 'equal-weight Gaussians on a circle',
    schema: z.strictObject({ kind: z.literal('ring'), modes: positiveInt.default(8), radius: positive.default(2), std: positive.default(0.02) }),
    build: ({ modes, radius, std }) => ring({ modes, radius, std }),
  }),
  defineDataset({
    kind: 'grid25',
    summary: '25 Gaussians on a 5×5 grid, spacing 2, std 0.05',
    schema: z.strictObject({ kind: z.literal('grid25') }),
    build: () => grid25(),
  }),
  defineDataset({
    kind: 'grid',
    summary: 'equal-weight Gaussians on a square grid',
    schema: z.strictObject({ kind: z.literal('grid'), size: positiveInt.default(5), spacing: positive.default(2), std: positive.default(0.05) }),
    build: ({ size, spacing, std }) => grid({ size, spacing, std }),
  }),
  defineDataset({
    kind: 'mixture1d',
    summary: 'a 1-D Gaussian mixture',
    schema: z
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
    build: ({ weights, means, stds }) => mixture1d({ weights, means, stds }),
  }),
  defineDataset({
    kind: 'spiral',
    summary: 'a noisy 2-D spiral',
    schema: z.strictObject({ kind: z.literal('spiral'), turns: positive.default(1.5), noise: z.number().nonnegative().default(0.05), scale: positive.default(1) }),
    build: ({ turns, noise, scale }) => spiral({ turns, noise, scale }),
  }),
  defineDataset({
    kind: 'two-moons',
    summary: 'two interleaved half circles',
    schema: z.strictObject({ kind: z.literal('two-moons'), noise: z.number().nonnegative().default(0.05) }),
    build: ({ noise }) => twoMoons({ noise }),
  }),
] as const;

/** Names of the built-in toy datasets, as config files spell them. */
export const TOY_DATASET_NAMES = TOY_DATASETS.map((d) => d.kind);

/** A built-in toy dataset's name. */
export type ToyDatasetName = (typeof TOY_DATASETS)[number]['kind'];

/**
 * The core's data sources: the toy sets, which need nothing but memory. The Node adapter
 * extends it with file-backed kinds (points files).
 *
 * @example
 * const data = toyDatasets.build({ kind: 'ring', modes: 6 });
 */
export const toyDatasets = datasetRegistry(TOY_DATASETS);
