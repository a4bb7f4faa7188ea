/**
 * Measured quality: pure functions on sample arrays, with no tfjs and no Node imports, so the
 * evaluator, the CLI and the browser all compute the same numbers. This file is the folder's only
 * public door.
 */
export { toPoints, toRows, pointCount, type Points } from './points.ts';
export { modeMetrics, type ModeMetrics, type ModeMetricsOptions } from './modes.ts';
export { histogram, histogram2d, sharedRange, type Range } from './histogram.ts';
export {
  klDivergence,
  jsDivergence,
  smoothedDistribution,
  histogramDivergences,
  gridDivergences,
  type Divergences,
  type HistogramDivergenceOptions,
  type GridDivergenceOptions,
} from './divergence.ts';
export { wasserstein1d, slicedWasserstein, randomDirections, type SlicedWassersteinOptions } from './wasserstein.ts';
export { mmd2, medianBandwidth, type MmdOptions } from './mmd.ts';
export { discriminatorAccuracy, criticGap, type DiscriminatorAccuracy } from './discriminator.ts';
export type { FeatureMatrix } from './features.ts';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.ts';
export { featureStats, frechetDistance, fid, type FeatureStats, type FrechetOptions, type FrechetResult, type FidResult } from './frechet.ts';
export { kernelInceptionDistance, type KidOptions, type KidResult } from './kid.ts';
export {
  precisionRecall,
  densityCoverage,
  kthNeighbourDistances,
  DEFAULT_CHUNK_SIZE,
  type ManifoldOptions,
  type PrecisionRecall,
  type DensityCoverage,
} from './manifold.ts';
export { inceptionScore, type InceptionScore } from './inception-score.ts';
export { stackedMnistModes, type StackedModes } from './stacked-modes.ts';
export { matchedAccuracy, minimumAssignment } from './matching.ts';
export {
  diversityHealth,
  coverage,
  overfittingHealth,
  singularValues,
  periodicity,
  DUPLICATE_FRACTION,
  COVERAGE_K,
  type DiversityHealth,
  type OverfittingHealth,
  type Periodicity,
} from './health.ts';
export { pixelL1, psnr, ssim } from './image-quality.ts';
