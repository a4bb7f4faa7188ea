import { z } from 'zod';
import { defineDataset, extendDatasets, toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { runConfigSchemaFor } from '../config/index.ts';
import { loadPointsFile } from './points-file.ts';

/** The user's own points: a CSV or JSON file, read where there is a file system. */
export const pointsFileDataset = defineDataset({
  kind: 'points',
  summary: "the user's own points from a .csv or .json file, sampled uniformly with replacement",
  schema: z.strictObject({ kind: z.literal('points'), path: z.string().min(1) }),
  build: ({ path }) => loadPointsFile(path),
});

/** The data sources of Node: the core's toy sets and points files. */
export const nodeDatasets: DatasetRegistry = extendDatasets(toyDatasets, [pointsFileDataset]);

/** The run config schema of Node, whose `data` may also be a points file. */
export const nodeRunConfigSchema = runConfigSchemaFor(nodeDatasets);
