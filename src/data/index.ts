/**
 * Data sources: the toy distributions of the GAN literature and the user's own points.
 * This file is the folder's only public door.
 */
export type { Dataset, Mode } from './dataset.ts';
export { mixture1d, type Mixture1dParams } from './mixture.ts';
export { ring, ring8, type RingParams } from './ring.ts';
export { grid, grid25, type GridParams } from './grid.ts';
export { spiral, twoMoons, type SpiralParams, type TwoMoonsParams } from './continuous.ts';
export { points, type PointsOptions } from './points.ts';
export { parsePoints, type PointsFormat } from './parse-points.ts';
export {
  toyDatasets,
  buildToyDataset,
  TOY_DATASET_NAMES,
  type ToyDatasetName,
  type ToyDatasetParams,
  type ToyDatasetRegistry,
} from './toy-registry.ts';
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
export { imageDataset, type ImageArrays } from './image-arrays.ts';
export { imageFolderSchema, IMAGE_EXTENSIONS, type ImageFolderConfig } from './image-folder.ts';
