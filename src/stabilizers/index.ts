/**
 * Stabilizers: the remedies that change the GAN step, each a plain object whose parts are grouped
 * by when they act — `build`, `step`, `evaluation`, `state` ({@link Stabilizer}) — built from config
 * `stabilizers: [{ name, …params }]`, applied in config order.
 *
 * | name | what it does | parts |
 * |---|---|---|
 * | `spectral-norm` | D's kernels divided by their largest singular value (power iteration, persistent u/v) | `build.wrapD` (weight substitution), `step.beforeDStep`, state |
 * | `feature-matching` | G matches the mean of a D layer's features on real data, instead of or besides its loss | `build.attach`, `step.gLoss` (replace) or `step.gTerm` (add), through `ctx.record` |
 * | `minibatch-std` | the batch's mean feature std appended as a feature, before D's output layer or at its input | `build.wrapD` |
 * | `minibatch-discrimination` | each sample's closeness to its batch (B projections to R^C) appended before D's output layer; first derivative only | `build.wrapD` |
 * | `historical-averaging` | λ‖θ − mean of past θ‖² in D's and/or G's loss | `build.attach`, `step.dTerm`, `step.gTerm`, `step.afterDStep`, `step.afterGStep`, state |
 * | `label-smoothing` | D's BCE targets softened: real 0.9, fake 0 (one-sided) or > 0 (two-sided) | `build.wrapLoss` |
 * | `instance-noise` | N(0, σ²) on D's real and generated inputs, σ annealed linearly to 0 | `step.dInput`, `step.values`, state |
 * | `weight-penalty` | λ·Σ‖W‖² over D's kernels in D's loss | `step.dTerm` |
 * | `ema` | exponential moving average of G's weights, used by the evaluator | `build.attach`, `step.afterGStep`, `evaluation.generatorWeight`, state |
 * | `packing` | PacGAN: D sees m samples concatenated | `build.wrapD`, `evaluation.packing` |
 * | `unrolled` | G's loss against D after K differentiable updates of D's optimizer (surrogate gradient) | `build.wrapLoss`, `step.gLoss` |
 * | `gradient-penalty` | WGAN-GP (two/one-sided), DRAGAN, R1 or R2 added to any loss's D objective | definition `penalty` |
 * | `virtual-batch-norm` | G's and/or D's hidden features normalized with a fixed reference batch's statistics plus the example's own | `build.wrapG`, `build.wrapD` |
 * | `curriculum` | real batches from the first modes only, or blurred, until a step (a data schedule; evaluation uses the true data) | `build.wrapData`, `step.values` |
 *
 * Refusals are `ConfigError`s at build time (label smoothing without BCE targets, packing or
 * last-layer minibatch features with BEGAN, a batch not divisible by m, minibatch discrimination
 * with gradient penalties, a feature-matching layer D lacks, virtual batch norm on a network whose
 * config already has a norm, a curriculum over modes on data without known modes); questionable but working
 * combinations (spectral norm with weight clipping, packing with gradient penalties) become
 * `session.warnings`.
 */
import { z } from 'zod';
import type { Objective, Penalty } from '../losses/index.ts';
import type { Module, MlpNorm } from '../nn/index.ts';
import type { OptimizerConfig } from '../optim/index.ts';
import type { Dataset } from '../data/index.ts';
import { Rng } from '../tensor/index.ts';
import type { NoiseSpec } from '../data/index.ts';
import { byName, schemasOf } from '../registry.ts';
import { curriculumStabilizer } from './curriculum.ts';
import { emaStabilizer } from './ema.ts';
import { featureMatchingStabilizer } from './feature-matching.ts';
import { gradientPenaltyStabilizer } from './gradient-penalty.ts';
import { unrolledStabilizer } from './unrolled.ts';
import { historicalAveragingStabilizer } from './historical-averaging.ts';
import { instanceNoiseStabilizer } from './instance-noise.ts';
import { labelSmoothingStabilizer } from './label-smoothing.ts';
import { minibatchDiscriminationStabilizer } from './minibatch-discrimination.ts';
import { minibatchStdStabilizer } from './minibatch-std.ts';
import { packingStabilizer } from './packing.ts';
import { spectralNormStabilizer } from './spectral-norm.ts';
import type { BuildD, BuildG, Stabilizer, StabilizerInfo } from './types.ts';
import { virtualBatchNormStabilizer } from './virtual-batch-norm.ts';
import { weightPenaltyStabilizer } from './weight-penalty.ts';

export {
  type Stabilizer,
  type StabilizerBuildParts,
  type StabilizerStepHooks,
  type StabilizerEvaluationParts,
  type StabilizerState,
  type StabilizerValues,
  type StabilizerInfo,
  type StabilizerDefinition,
  type BuildD,
  type DSpec,
  type BuildG,
  type GSpec,
  type NormOverride,
  type Players,
  type InputSite,
  type DStepView,
  type GStepView,
  defineStabilizer,
  refuse,
} from './types.ts';
export { spectralNorm, spectralNormEstimate, type SpectralNorm, type SpectralNormOptions } from './spectral-norm.ts';
export { featureMatching, featureMatchingLoss, recordedLayers, type FeatureMatchingOptions } from './feature-matching.ts';
export { minibatchStd, appendMinibatchStd, minibatchStdLayer, minibatchStdFeature, withStdFeature } from './minibatch-std.ts';
export { minibatchDiscrimination, minibatchDiscriminationLayer, minibatchFeatures } from './minibatch-discrimination.ts';
export { historicalAveraging, type HistoricalAveragingOptions } from './historical-averaging.ts';
export { labelSmoothing, bceWithTarget, hasBceTargets, type LabelSmoothingOptions } from './label-smoothing.ts';
export { instanceNoise, instanceNoiseSigma, type InstanceNoiseOptions } from './instance-noise.ts';
export { weightPenalty, kernelSquaredNorm } from './weight-penalty.ts';
export { ema } from './ema.ts';
export { packing, pack, packedShape } from './packing.ts';
export { gradientPenaltyStabilizer } from './gradient-penalty.ts';
export { unrolled, unrollRule, type UnrolledOptions } from './unrolled.ts';
export { virtualBatchNormalization, type ReferenceBatches } from './virtual-batch-norm.ts';
export {
  modesCurriculum,
  noiseCurriculum,
  curriculumModes,
  curriculumSigma,
  firstModes,
  type ModesCurriculumOptions,
  type NoiseCurriculumOptions,
} from './curriculum.ts';

/** Every stabilizer's definition, in the order help texts list them: the one list the schema and the lookup derive from. */
export const STABILIZER_DEFINITIONS = [
  spectralNormStabilizer,
  featureMatchingStabilizer,
  minibatchStdStabilizer,
  minibatchDiscriminationStabilizer,
  historicalAveragingStabilizer,
  labelSmoothingStabilizer,
  instanceNoiseStabilizer,
  weightPenaltyStabilizer,
  emaStabilizer,
  packingStabilizer,
  gradientPenaltyStabilizer,
  unrolledStabilizer,
  virtualBatchNormStabilizer,
  curriculumStabilizer,
] as const;

/** The config schema of one entry of `stabilizers`: one strict object per stabilizer, told apart by `name`. */
export const stabilizerSchema = z.discriminatedUnion('name', schemasOf(STABILIZER_DEFINITIONS));

/** A validated stabilizer config. */
export type StabilizerConfig = z.output<typeof stabilizerSchema>;
/** The name of a stabilizer, as configs write it. */
export type StabilizerName = StabilizerConfig['name'];

/** A registry: every stabilizer by name, with its summary and builder. */
export type StabilizerRegistry = {
  readonly [N in StabilizerName]: {
    summary: string;
    penalty?(params: Extract<StabilizerConfig, { name: N }>): Penalty;
    build(params: Extract<StabilizerConfig, { name: N }>, info: StabilizerInfo): Stabilizer;
  };
};

/** Every stabilizer by name: the registry configs draw from (keys are the definitions' names). */
export const STABILIZERS: StabilizerRegistry = byName(STABILIZER_DEFINITIONS);

/** Names of all stabilizers, in registry order. */
export const STABILIZER_NAMES = Object.keys(STABILIZERS) as StabilizerName[];

/** What building the stabilizers of a run needs. */
export interface StabilizerContext {
  objective: Objective;
  dataShape: readonly number[];
  batchSize: number;
  seed: number;
  dOptimizer: OptimizerConfig;
  data: Dataset;
  noise: NoiseSpec;
  norms: { g: MlpNorm; d: MlpNorm };
}

/**
 * Builds the stabilizers a config lists, in order. Each gets its own random stream (forked from
 * the seed and its place in the list) and its config path for errors; warnings go to `warnings`.
 */
export function buildStabilizers(
  configs: readonly StabilizerConfig[],
  context: StabilizerContext,
  warnings: string[],
  registry: StabilizerRegistry = STABILIZERS,
): Stabilizer[] {
  const root = new Rng(context.seed).fork('stabilizers');
  return configs.map(<C extends StabilizerConfig>(config: C, i: number) => {
    const entry = registry[config.name] as { build(params: C, info: StabilizerInfo): Stabilizer };
    return entry.build(config, {
      field: `stabilizers[${i}]`,
      objective: context.objective,
      dataShape: context.dataShape,
      batchSize: context.batchSize,
      dOptimizer: context.dOptimizer,
      data: context.data,
      noise: context.noise,
      norms: context.norms,
      rng: root.fork(stabilizerKey(i, config.name)),
      warn: (message) => warnings.push(message),
    });
  });
}

/**
 * The objective with the penalties stabilizers add to it (a gradient penalty on any loss), in
 * config order after the loss's own. Built before the stabilizers, which see the result.
 */
export function withStabilizerPenalties(objective: Objective, configs: readonly StabilizerConfig[], registry: StabilizerRegistry = STABILIZERS): Objective {
  const added = configs.flatMap(<C extends StabilizerConfig>(config: C) => {
    const entry = registry[config.name] as { penalty?(params: C): Penalty };
    return entry.penalty ? [entry.penalty(config)] : [];
  });
  return added.length ? { ...objective, penalties: [...objective.penalties, ...added] } : objective;
}

/** The stable key of the i-th stabilizer (checkpoint names, random streams): `0-spectral-norm`. */
export function stabilizerKey(index: number, name: string): string {
  return `${index}-${name}`;
}

/** Builds D through every stabilizer's `wrapD`, the first listed outermost, for samples of shape `inputShape`. */
export function composeD(stabilizers: readonly Stabilizer[], base: BuildD, inputShape: readonly number[]): Module {
  const build = stabilizers.reduceRight<BuildD>((inner, s) => {
    const wrap = s.build?.wrapD;
    return wrap ? (spec) => wrap(inner, spec) : inner;
  }, base);
  return build({ inputShape, beforeOutput: [] });
}

/** Builds G through every stabilizer's `wrapG`, the first listed outermost, for latent inputs of width `inputWidth`. */
export function composeG(stabilizers: readonly Stabilizer[], base: BuildG, inputWidth: number): Module {
  const build = stabilizers.reduceRight<BuildG>((inner, s) => {
    const wrap = s.build?.wrapG;
    return wrap ? (spec) => wrap(inner, spec) : inner;
  }, base);
  return build({ inputWidth });
}

/**
 * The data training batches come from: `data` through every stabilizer's `wrapData` (the first
 * listed sees the true data), each scheduled by `clock` (steps completed); `data` itself when no
 * stabilizer schedules it.
 */
export function composeData(stabilizers: readonly Stabilizer[], data: Dataset, clock: () => number): Dataset {
  return stabilizers.reduce((d, s) => s.build?.wrapData?.(d, clock) ?? d, data);
}

/** Samples D scores jointly: the product of the stabilizers' packing degrees (1 without packing). */
export function packingOf(stabilizers: readonly Stabilizer[]): number {
  return stabilizers.reduce((m, s) => m * (s.evaluation?.packing ?? 1), 1);
}
