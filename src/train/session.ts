import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset.ts';
import type { Objective } from '../losses/types.ts';
import type { ApplyContext, Module } from '../nn/module.ts';
import type { Optimizer } from '../optim/types.ts';
import type { GameConfig } from '../optim/game.ts';
import type { LrSchedule } from '../optim/schedules.ts';
import type { Stabilizer } from '../stabilizers/types.ts';
import { Rng, type RngState } from '../tensor/rng.ts';

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

/** Latent noise: its width and distribution. */
export interface NoiseSpec {
  dim: number;
  distribution: 'normal' | 'uniform';
}

/** Draws a `[n, dim]` noise batch. */
export function sampleNoise(spec: NoiseSpec, n: number, rng: Rng): tf.Tensor2D {
  const size = n * spec.dim;
  const values = spec.distribution === 'normal' ? rng.normalArray(size) : rng.uniformArray(size, -1, 1);
  return tf.tensor2d(values, [n, spec.dim]);
}

/**
 * Everything one GAN run trains: built once from a validated config (or by hand in tests and
 * scenarios), then stepped by {@link ganStep} and saved by checkpoints.
 */
export interface GanSession {
  /** The true data: what evaluation measures against. */
  data: Dataset;
  /** Where training batches come from when it is not `data` (a curriculum's schedule of it). */
  trainingData?: Dataset;
  G: Module;
  D: Module;
  objective: Objective;
  optimizers: { g: Optimizer; d: Optimizer };
  noise: NoiseSpec;
  batchSize: number;
  /** Discriminator steps per generator step (the original paper's k). */
  dStepsPerG: number;
  /** How the players' updates combine in a step (see {@link GameConfig}); alternating when absent. */
  game?: GameConfig;
  /** Sets each player's lr to base × factor(step) before the step's updates; constant lrs when absent. */
  lrSchedule?: LrSchedule;
  rngs: RunRngs;
  /** Steps completed so far. */
  step: number;
  /** Remedies whose hooks the step calls, in config order (none when absent). */
  stabilizers?: readonly Stabilizer[];
  /** What the builder found questionable but let run (e.g. spectral norm with weight clipping), for the caller to show. */
  warnings?: string[];
}

/** `n` real samples for a training batch: from the curriculum's data when there is one. */
export function sampleReal(session: GanSession, n: number): tf.Tensor {
  return (session.trainingData ?? session.data).sample(n, session.rngs.data);
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
  for (const s of session.stabilizers ?? []) s.dispose?.();
  session.data.dispose?.();
}
