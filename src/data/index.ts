/**
 * Data sources: the toy distributions of the GAN literature and the user's own points, as a
 * registry of plain definitions (`defineDataset`), and the latent noise G draws from.
 * This file is the folder's only public door.
 */
export { type Dataset, type FeatureSpace, type Mode, type Batch, type ArrayBatch, batchTensors, disposeBatch, sampleSize } from './dataset.ts';
export { arrayDataset, type ArrayDatasetSpec } from './array-dataset.ts';
export { type NoiseSpec, sampleNoise, noiseValues } from './latent.ts';
export { defineDataset, datasetRegistry, extendDatasets, type DatasetDefinition, type DatasetRegistry, type DataConfig } from './registry.ts';
export { mixture1d, gaussianMixture, type Mixture1dParams } from './mixture.ts';
export { ring, ring8, type RingParams } from './ring.ts';
export { grid, grid25, type GridParams } from './grid.ts';
export { spiral, twoMoons, type SpiralParams, type TwoMoonsParams } from './continuous.ts';
export { points, type PointsOptions } from './points.ts';
export { parsePoints, type PointsFormat } from './parse-points.ts';
export { TOY_DATASETS, TOY_DATASET_NAMES, toyDatasets, type ToyDatasetName } from './toy-registry.ts';
export { parseIdx, IDX_TYPES, type IdxArray, type IdxTypeName } from './idx.ts';
export type { LabeledDataset, LabeledDraw } from './labeled-dataset.ts';
export {
  mnistDataset,
  stackedMnistDataset,
  mnistArrays,
  mnistSchema,
  stackedMnistSchema,
  encodeStackedLabel,
  decodeStackedLabel,
  MNIST_SPLITS,
  MNIST_SPLIT_SIZES,
  type MnistArrays,
  type MnistSplit,
  type MnistConfig,
  type StackedMnistConfig,
} from './mnist.ts';
export { imageDataset, PIXEL_TO_UNIT, type ImageArrays } from './image-arrays.ts';
export { pairedDataset, derivedSources, mnistPairsSchema, PAIRED_TASKS, type PairedTask, type MnistPairsConfig } from './paired.ts';
export { imageFolderSchema, IMAGE_EXTENSIONS, type ImageFolderConfig } from './image-folder.ts';
