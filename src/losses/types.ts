import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Recommendation } from '../registry.ts';
import type { Constraint, Penalty } from '../penalties/index.ts';

/**
 * What D's output means, which decides how it is reported:
 * `logit` — a probability through a sigmoid (records show σ(logit)); `score` — an unbounded
 * critic value or least-squares target; `energy` — BEGAN's per-sample reconstruction error.
 */
export type DOutput = 'logit' | 'score' | 'energy';

/**
 * A GAN loss on D's outputs: `d` is minimized by D, `g` by G. Both take the per-sample outputs
 * `[n, 1]` of D on real and generated batches and return a scalar.
 */
export interface Loss {
  readonly name: string;
  readonly output: DOutput;
  d(dReal: tf.Tensor, dFake: tf.Tensor): tf.Scalar;
  g(dFake: tf.Tensor, dReal: tf.Tensor): tf.Scalar;
  /** Whether `g` reads `dReal` (relativistic losses); the trainer skips D(real) in G's step otherwise. */
  readonly gUsesReal: boolean;
  /** Losses with state between steps (BEGAN's k_t). */
  readonly state?: LossState;
}

/** State a loss carries between steps, saved in checkpoints. */
export interface LossState {
  /** Called after each D step with the batch means of D's outputs. */
  update(stats: { dRealMean: number; dFakeMean: number }): void;
  /** Values to log with each step (e.g. `k`, `convergence`). */
  values(): Record<string, number>;
  restore(values: Record<string, number>): void;
}

/** Everything a named loss brings to a run: the loss, its penalties, its weight constraints. */
export interface Objective {
  loss: Loss;
  penalties: Penalty[];
  constraints: Constraint[];
  /** What D must be: a plain network with one output, or BEGAN's autoencoder (with its code width). */
  discriminator: 'classifier' | { kind: 'autoencoder'; codeDim?: number };
}

/**
 * A loss family as config sees it: its name, the zod schema of its parameters (name included),
 * a one-line summary for `--help`, and the builder.
 */
export interface LossDefinition<N extends string, S extends z.ZodType<{ name: N }>> {
  readonly name: N;
  readonly summary: string;
  readonly schema: S;
  /** Settings this loss brings (n_critic, Adam's β, λ …), applied when it is chosen unless the user set them. */
  readonly recommended?: readonly Recommendation[];
  build(params: z.output<S>): Objective;
}

/** Declares a loss family; returns its argument so TypeScript infers the parameter types. */
export function defineLoss<N extends string, S extends z.ZodType<{ name: N }>>(def: LossDefinition<N, S>): LossDefinition<N, S> {
  return def;
}

/** A loss with no penalties or constraints, on a plain classifier D. */
export function plainObjective(loss: Loss): Objective {
  return { loss, penalties: [], constraints: [], discriminator: 'classifier' };
}
