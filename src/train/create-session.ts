import type * as tf from '@tensorflow/tfjs-core';
import type { Dataset, NoiseSpec } from '../data/index.ts';
import type { AuxiliarySpec, Objective } from '../losses/index.ts';
import type { Module } from '../nn/index.ts';
import type { LrSchedule, Optimizer } from '../optim/index.ts';
import { composeData, stabilizerKey, type Stabilizer } from '../stabilizers/index.ts';
import { runRngs, type DTermView, type GanSession, type LossTerm, type SessionTerms } from './session.ts';
import { checkGameScheme, type GameConfig } from './step/schemes.ts';

/** What {@link createSession} needs; what is left out has the default named beside it. */
export interface SessionParts {
  data: Dataset;
  /** Both networks, already built (through the stabilizers' wrappers when there are any). */
  G: Module;
  D: Module;
  /** The objective, already wrapped by the stabilizers' `wrapLoss`. */
  objective: Objective;
  optimizers: { g: Optimizer; d: Optimizer };
  noise: NoiseSpec;
  batchSize: number;
  /** Seeds the run's random streams. */
  seed: number;
  /** Default 1. */
  dStepsPerG?: number;
  /** Default alternating. */
  game?: GameConfig;
  /** Default none (constant learning rates). */
  lrSchedule?: LrSchedule | null;
  /** Default none; their `attach` is called here, once G and D exist. */
  stabilizers?: readonly Stabilizer[];
  /** Class-conditional G and D (default: unconditional): G is given a class id per sample, drawn uniformly from `classes`. */
  classes?: number | null;
  /** D's auxiliary head (ACGAN, InfoGAN); default none. */
  auxiliary?: AuxiliarySpec | null;
  /** Image-to-image translation (Pix2Pix) on paired data; default none. */
  translation?: GanSession['translation'];
  warnings?: readonly string[];
}

/**
 * The one constructor of {@link GanSession}: fills the defaults, checks the game scheme against
 * `dStepsPerG` (a {@link ConfigError} names the field), attaches the stabilizers to the networks,
 * composes the training data (curricula) and gathers each player's named loss terms.
 *
 * @example
 * const session = createSession({ data: ring8(), G, D, objective: buildObjective({ name: 'non-saturating' }),
 *   optimizers: { g: adam({ lr: 1e-4 }), d: adam({ lr: 1e-4 }) }, noise: { dim: 8, distribution: 'normal' }, batchSize: 256, seed: 0 });
 */
export function createSession(parts: SessionParts): GanSession {
  const stabilizers = parts.stabilizers ?? [];
  const game = parts.game ?? { name: 'alternating' };
  const dStepsPerG = parts.dStepsPerG ?? 1;
  checkGameScheme(game, dStepsPerG);
  for (const s of stabilizers) s.build?.attach?.({ G: parts.G, D: parts.D, step: 0 });
  // Schedules (curricula) read the session's own counter, which checkpoints restore.
  let self: GanSession | undefined;
  const trainingData = composeData(stabilizers, parts.data, () => self!.step);
  self = {
    data: parts.data,
    trainingData,
    G: parts.G,
    D: parts.D,
    objective: parts.objective,
    terms: sessionTerms(parts.objective, stabilizers),
    optimizers: parts.optimizers,
    noise: parts.noise,
    batchSize: parts.batchSize,
    dStepsPerG,
    game,
    lrSchedule: parts.lrSchedule ?? null,
    rngs: runRngs(parts.seed),
    step: 0,
    stabilizers,
    warnings: parts.warnings ?? [],
    classes: parts.classes ?? null,
    auxiliary: parts.auxiliary ?? null,
    translation: parts.translation ?? null,
  };
  return self;
}

/**
 * Each player's named terms: the objective's penalties, then every stabilizer's `dTerm` and
 * `gTerm` in config order. A stabilizer's term is named after it (`historical-averaging`), with
 * its config key (`2-historical-averaging`) where a name would repeat.
 */
function sessionTerms(objective: Objective, stabilizers: readonly Stabilizer[]): SessionTerms {
  const d = [
    ...objective.penalties.map((p, i) => ({
      name: p.name,
      key: `penalty${i}-${p.name}`,
      compute: (v: DTermView) => p.compute({ D: v.applyD, real: v.real, fake: v.fake, rng: v.rng }),
    })),
    ...stabilizers.flatMap((s, i) => (s.step?.dTerm ? [{ name: s.name, key: stabilizerKey(i, s.name), compute: s.step.dTerm }] : [])),
  ];
  const g = stabilizers.flatMap((s, i) => (s.step?.gTerm ? [{ name: s.name, key: stabilizerKey(i, s.name), compute: s.step.gTerm }] : []));
  return { d: distinctNames(d), g: distinctNames(g) };
}

/** Terms whose name repeats take their key instead, so every recorded value is told apart. */
function distinctNames<V>(terms: readonly { name: string; key: string; compute(view: V): tf.Scalar }[]): LossTerm<V>[] {
  return terms.map(({ name, key, compute }) => ({ name: terms.filter((t) => t.name === name).length > 1 ? key : name, compute }));
}

