import type * as tf from '@tensorflow/tfjs-core';
import type { Batch, Dataset, NoiseSpec } from '../data/index.ts';
import type { AuxiliarySpec, Objective } from '../losses/index.ts';
import type { ApplyContext, Module } from '../nn/index.ts';
import type { LrSchedule, Optimizer } from '../optim/index.ts';
import type { DStepView, GStepView, Stabilizer } from '../stabilizers/index.ts';
import { Rng, type RngState } from '../tensor/index.ts';
import type { GameConfig } from './step/schemes.ts';

/** The random streams of a run, each independent and saved in checkpoints. */
export interface RunRngs {
  /** Real batches. */
  data: Rng;
  /** Latent noise z. */
  noise: Rng;
  /** Penalty randomness (interpolation α, DRAGAN δ). */
  penalty: Rng;
  /** Dropout masks. */
  dropout: Rng;
}

/** Forks the run's streams from its seed. */
export function runRngs(seed: number): RunRngs {
  const root = new Rng(seed);
  return { data: root.fork('data'), noise: root.fork('noise'), penalty: root.fork('penalty'), dropout: root.fork('dropout') };
}

/** Serializes every stream's state. */
export function rngStates(rngs: RunRngs): Record<keyof RunRngs, RngState> {
  return { data: rngs.data.getState(), noise: rngs.noise.getState(), penalty: rngs.penalty.getState(), dropout: rngs.dropout.getState() };
}

/** What D's loss terms see inside D's tape: the stabilizers' view, plus D as a function and the penalty stream. */
export interface DTermView extends DStepView {
  /** D in training mode, for penalties that evaluate it at other points (gradient penalties). */
  readonly applyD: (x: tf.Tensor) => tf.Tensor;
  /** The run's penalty stream (interpolation α, DRAGAN δ). */
  readonly rng: Rng;
}

/** A named term added to one player's loss inside its tape; its value is recorded by name. */
export interface LossTerm<V> {
  readonly name: string;
  compute(view: V): tf.Scalar;
}

/**
 * Each player's loss terms, in the order they are summed: D's are the objective's penalties
 * (the loss's own, then those stabilizers declare) and the stabilizers' `dTerm`s; G's the
 * stabilizers' `gTerm`s. Their values go to the step record's `dTerms` and `gTerms`.
 */
export interface SessionTerms {
  readonly d: readonly LossTerm<DTermView>[];
  readonly g: readonly LossTerm<GStepView>[];
}

/**
 * Everything one GAN run trains: made once by {@link createSession} (from a validated config by
 * `src/run`, or from hand-built networks in scenarios and benchmarks), then stepped by `ganStep`
 * and saved by checkpoints. Every field is present: nothing is re-defaulted where it is read.
 */
export interface GanSession {
  /** The true data: what evaluation measures against. */
  readonly data: Dataset;
  /** Where training batches come from: `data`, or a curriculum's schedule of it. */
  readonly trainingData: Dataset;
  readonly G: Module;
  readonly D: Module;
  readonly objective: Objective;
  readonly terms: SessionTerms;
  /** Each player's optimizer (a test or a page may swap one). */
  readonly optimizers: { g: Optimizer; d: Optimizer };
  readonly noise: NoiseSpec;
  readonly batchSize: number;
  /** Discriminator steps per generator step (the original paper's k); a page may change it between steps (checked at each step). */
  dStepsPerG: number;
  /** How the players' updates combine in a step. */
  readonly game: GameConfig;
  /** Sets each player's lr to base × factor(step) before the step's updates; null keeps the optimizers' lrs. A page may replace it between steps. */
  lrSchedule: LrSchedule | null;
  readonly rngs: RunRngs;
  /** Steps completed so far. */
  step: number;
  /** Remedies whose hooks the step calls, in config order. */
  readonly stabilizers: readonly Stabilizer[];
  /** What the builder found questionable but let run (e.g. spectral norm with weight clipping), for the caller to show. */
  readonly warnings: readonly string[];
  /**
   * The class count of a class-conditional G and D, null for unconditional ones. Conditional: D
   * judges each real sample with its label and each fake with the label G was given; in D's step
   * G is given the real batch's labels (so real and fake rows pair up, as gradient penalties on
   * interpolates need), in G's step labels drawn uniformly from the noise stream.
   */
  readonly classes: number | null;
  /**
   * D's auxiliary head and its loss, null without one. ACGAN: D predicts every sample's class and
   * takes none (G is given the real batch's labels in D's step, as above). InfoGAN: `classes` is
   * the categorical code's size and G is given codes drawn from the noise stream in both steps
   * (the data's labels are never read); the continuous codes are the noise's trailing `codes`.
   */
  readonly auxiliary: AuxiliarySpec | null;
  /**
   * Image-to-image translation on paired data (Pix2Pix), null otherwise: G translates each real
   * batch's source images (`Batch.inputs`; the noise is not used), D judges (source, image) pairs,
   * and G's loss adds `l1` × mean |G(source) − target| (without its adversarial term when
   * `adversarial` is false: the L1-only baseline).
   */
  readonly translation: { readonly l1: number; readonly adversarial: boolean } | null;
}

/** Whether D is given each sample's class (concat and projection conditioning; ACGAN and InfoGAN predict it instead). */
export function dTakesLabels(session: GanSession): boolean {
  return session.classes !== null && session.auxiliary === null;
}

/** `n` real samples for a training batch: from the curriculum's data when there is one. */
export function sampleReal(session: GanSession, n: number): Batch {
  return session.trainingData.sample(n, session.rngs.data);
}

/** The context both networks run in while training. */
export function trainingContext(session: GanSession): ApplyContext {
  return { training: true, rng: session.rngs.dropout };
}

/** Frees everything a session holds: both networks, the optimizers' slots, the stabilizers' state and the data's tensors. */
export function disposeSession(session: GanSession): void {
  for (const p of [...session.G.params, ...session.G.buffers, ...session.D.params, ...session.D.buffers]) p.variable.dispose();
  session.optimizers.g.dispose();
  session.optimizers.d.dispose();
  for (const s of session.stabilizers) s.dispose?.();
  session.data.dispose?.();
}
