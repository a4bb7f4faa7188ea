import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Recommendation } from '../registry.ts';
import { ConfigError } from '../errors.ts';
import type { Loss, Objective, Penalty } from '../losses/index.ts';
import type { Dataset } from '../data/index.ts';
import type { MlpNorm, MlpOptions, LayerFactory, Module, Param } from '../nn/index.ts';
import type { OptimizerConfig, Optimizer } from '../optim/index.ts';
import type { Rng, RngState } from '../tensor/index.ts';
import type { NoiseSpec } from '../data/index.ts';

/**
 * A normalization a stabilizer asks a network to be built with, replacing its config's `norm`
 * (virtual batch norm: `{ norm: 'virtual-batch', referenceRows: 128 }`).
 */
export type NormOverride = Required<Pick<MlpOptions, 'norm'>> & Pick<MlpOptions, 'referenceRows'>;

/** How D is to be built: the shape of each input it receives and layers to put before its output layer. */
export interface DSpec {
  /**
   * The shape of one input of D, without the batch axis: the data's sample shape (`[2]`,
   * `[28, 28, 1]`), ×m along the last axis when packed, +1 there with a minibatch-std input feature.
   */
  readonly inputShape: readonly number[];
  /** Layers inserted between D's last hidden layer and its output layer (minibatch features). */
  readonly beforeOutput: readonly LayerFactory[];
  /** The normalization of D's hidden layers, instead of `model.d.norm`. */
  readonly norm?: NormOverride;
}

/** Builds D for a spec: the session's network builder, or a stabilizer wrapping it. */
export type BuildD = (spec: DSpec) => Module;

/** How G is to be built: the width of its input z, and a normalization replacing `model.g.norm`. */
export interface GSpec {
  readonly inputWidth: number;
  readonly norm?: NormOverride;
}

/** Builds G for a spec: the session's network builder, or a stabilizer wrapping it. */
export type BuildG = (spec: GSpec) => Module;

/** The two networks and how many steps are done, as hooks outside the gradient tape see them. */
export interface Players {
  readonly G: Module;
  readonly D: Module;
  /** Steps completed before the current one. */
  readonly step: number;
}

/** Where a D input comes from, for {@link Stabilizer.dInput}. */
export interface InputSite {
  readonly source: 'real' | 'fake';
  /** Whose update the input is for. */
  readonly player: 'd' | 'g';
  /** Steps completed before the current one (schedules). */
  readonly step: number;
}

/** What D's step offers the stabilizers' `step.dTerm`, inside D's gradient tape. */
export interface DStepView extends Players {
  /** The batches as D sees them (after input transforms); constants in D's tape. */
  readonly real: tf.Tensor;
  readonly fake: tf.Tensor;
  readonly dReal: tf.Tensor;
  readonly dFake: tf.Tensor;
}

/** What G's step offers the stabilizers' `step.gLoss` and `step.gTerm`, inside G's gradient tape. */
export interface GStepView extends Players {
  /** G(z) as D sees it (after input transforms); differentiable w.r.t. G's weights. */
  readonly fake: tf.Tensor;
  readonly dFake: tf.Tensor;
  /** D's recorded activations on `fake`, by layer name, in layer order. */
  readonly fakeFeatures: ReadonlyMap<string, tf.Tensor>;
  /** A real batch as D sees it, when the loss or a stabilizer ({@link Stabilizer.gStepUsesReal}) needs one. */
  readonly real?: tf.Tensor;
  /** D's output on `real`, when there is one. */
  readonly dReal?: tf.Tensor;
  readonly realFeatures: ReadonlyMap<string, tf.Tensor>;
  /** D's optimizer, read-only: its state and rule let a stabilizer look ahead (unrolling). */
  readonly dOptimizer?: Optimizer;
}

/** JSON values a stabilizer keeps between steps: counters and random streams. */
export type StabilizerValues = Record<string, number | RngState>;

/**
 * State a stabilizer carries between steps, saved in checkpoints: its variables (power-iteration
 * vectors, averaged weights) by slot name, and JSON values. Variables exist from build on, so a
 * checkpoint restores by assigning into them.
 */
export interface StabilizerState {
  variables(): ReadonlyMap<string, tf.Variable>;
  values?(): StabilizerValues;
  restoreValues?(values: StabilizerValues): void;
}

/** Applied once while the session is built, in config order. */
export interface StabilizerBuildParts {
  /** Replaces the loss (label smoothing; unrolling keeps the loss it is given). */
  wrapLoss?(loss: Loss): Loss;
  /** Builds G through `build`, possibly with another normalization, and wraps it (virtual batch norm). */
  wrapG?(build: BuildG, spec: GSpec): Module;
  /** Builds D through `build`, possibly asking for another input width or extra layers, and wraps it. */
  wrapD?(build: BuildD, spec: DSpec): Module;
  /**
   * The data real training batches are drawn from, as a schedule over `clock()` (steps completed):
   * a curriculum. Evaluation keeps measuring against the true data.
   */
  wrapData?(data: Dataset, clock: () => number): Dataset;
  /** Creates state once G and D exist (EMA copies, running averages). */
  attach?(players: Players): void;
}

/** Called at fixed points of every step, in config order. */
export interface StabilizerStepHooks {
  /** Whether G's step needs a real batch through D (feature matching, unrolling). */
  readonly gStepUsesReal?: boolean;
  /** Before each D step, outside the tape (spectral norm's power iteration). */
  beforeDStep?(players: Players): void;
  /** Transforms a batch on its way into D, in both players' steps (instance noise). */
  dInput?(x: tf.Tensor, site: InputSite): tf.Tensor;
  /** A named term added to D's loss inside its tape (named after the stabilizer in the step record's `dTerms`). */
  dTerm?(view: DStepView): tf.Scalar;
  /** Replaces G's loss inside its tape (feature matching's `replace` mode, unrolling's surrogate). */
  gLoss?(loss: tf.Scalar, view: GStepView): tf.Scalar;
  /** A named term added to G's loss inside its tape (recorded in `gTerms`). */
  gTerm?(view: GStepView): tf.Scalar;
  /** After each applied D update. */
  afterDStep?(players: Players): void;
  /** After each applied G update (EMA, running averages). */
  afterGStep?(players: Players): void;
  /** Numbers logged with each step in `StepRecord.extras` (e.g. the instance-noise σ). */
  values?(step: number): Record<string, number>;
}

/** What evaluation reads from a stabilizer. */
export interface StabilizerEvaluationParts {
  /** D scores this many samples jointly (PacGAN's m): its output has n/m rows. 1 when absent. */
  readonly packing?: number;
  /** The value G's parameter takes when drawing samples for evaluation (EMA); undefined: the live weight. */
  generatorWeight?(param: Param): tf.Tensor | undefined;
}

/**
 * A remedy that changes the GAN step: a plain object whose parts are grouped by when they act.
 * A stabilizer fills only the parts it needs; nothing in the trainer knows any stabilizer by name.
 *
 * - `build`: applied once while the session is made — `wrapLoss`, then `wrapG` and `wrapD` (first
 *   in the config is outermost), then `wrapData` (first in the config sees the true data), then `attach`.
 * - `step`: each D step `beforeDStep` → `dInput` on both batches → (tape) `dTerm` → update →
 *   `afterDStep`; each G step (tape) `dInput` on G(z) → D → loss → `gLoss` → `gTerm` → update → `afterGStep`.
 * - `evaluation`: what the evaluator reads (packing, EMA weights).
 * - `state`: what checkpoints save and restore; `dispose` frees it.
 */
export interface Stabilizer {
  readonly name: string;
  readonly build?: StabilizerBuildParts;
  readonly step?: StabilizerStepHooks;
  readonly evaluation?: StabilizerEvaluationParts;
  readonly state?: StabilizerState;
  /** Frees the stabilizer's variables. */
  dispose?(): void;
}

/** What building a stabilizer may look at. */
export interface StabilizerInfo {
  /** The config path of this stabilizer, e.g. `stabilizers[2]`, for error messages. */
  readonly field: string;
  /** The loss with its penalties, constraints and D's shape, before any stabilizer wrapped it. */
  readonly objective: Objective;
  /** Shape of one data sample. */
  readonly dataShape: readonly number[];
  readonly batchSize: number;
  /** The true data of the run (reference batches, modes a curriculum schedules). */
  readonly data: Dataset;
  /** G's latent noise: its width and distribution. */
  readonly noise: NoiseSpec;
  /** The `norm` each network's config asks for (`model.g.norm`, `model.d.norm`). */
  readonly norms: { readonly g: MlpNorm; readonly d: MlpNorm };
  /** D's optimizer as configured (unrolling replays its rule). */
  readonly dOptimizer: OptimizerConfig;
  /** This stabilizer's own random stream, forked from the run's seed and its place in the config. */
  readonly rng: Rng;
  /** Records a warning the session reports (`session.warnings`) instead of printing it. */
  warn(message: string): void;
}

/**
 * A stabilizer as config sees it: name, zod schema of its parameters (name included), one-line
 * summary, and the builder. Building may refuse a combination with {@link refuse}.
 */
export interface StabilizerDefinition<N extends string, S extends z.ZodType<{ name: N }>> {
  readonly name: N;
  readonly summary: string;
  readonly schema: S;
  /** Settings this stabilizer brings (its paper's loss, learning rates, k …), applied when it is chosen unless the user set them. */
  readonly recommended?: readonly Recommendation[];
  /**
   * A term the stabilizer adds to D's objective, known before any stabilizer is built, so the
   * step computes it with the loss's own penalties and every stabilizer's `info.objective` lists
   * it (gradient penalties on any loss).
   */
  penalty?(params: z.output<S>): Penalty;
  build(params: z.output<S>, info: StabilizerInfo): Stabilizer;
}

/** Declares a stabilizer; returns its argument so TypeScript infers the parameter types. */
export function defineStabilizer<N extends string, S extends z.ZodType<{ name: N }>>(def: StabilizerDefinition<N, S>): StabilizerDefinition<N, S> {
  return def;
}

/**
 * Throws a {@link ConfigError} for a combination a stabilizer cannot serve, in the format of
 * schema errors: `invalid config:\n  stabilizers[0].name: …`.
 */
export function refuse(info: StabilizerInfo, message: string, key = 'name', received?: unknown): never {
  const field = `${info.field}.${key}`;
  throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received }]);
}
