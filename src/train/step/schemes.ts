/**
 * How one GAN step combines the players' updates (`optim.game`): alternating, simultaneous,
 * extragradient and consensus optimization. Each scheme evaluates the players through the same
 * loss functions (`players.ts`) and calls the stabilizers' hooks at the same points:
 * `beforeDStep` once before D's first gradient; `dInput`/`dTerm` and `dInput`/`gLoss`/`gTerm` in
 * every evaluation of D's and G's loss; after D's update its constraints, the loss state and
 * `afterDStep`; after G's update `afterGStep`. Every scheme checks each update for NaN/Inf before
 * any weight changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { variablesOf, type Param } from '../../nn/index.ts';
import { byName, schemasOf } from '../../registry.ts';
import type { GanSession } from '../session.ts';
import {
  beforeDStep,
  dInputs,
  discriminatorLoss,
  disposeBatch,
  drawDBatch,
  drawGBatch,
  evaluateD,
  evaluateG,
  generatorLoss,
  globalNorm,
  gradientList,
  gStatsFrom,
  readD,
  readScalars,
  refuseNonFinite,
  updateD,
  updateG,
  type DBatch,
  type DEvaluation,
  type DStats,
  type GBatch,
  type GEvaluation,
  type GStats,
  type KeptScalars,
} from './players.ts';

/** What a scheme's step reports: the numbers of the updates it applied, and scheme-specific extras. */
export interface SchemeStats {
  d: DStats;
  g: GStats;
  extras?: Record<string, number>;
}

/** Both players' gradients at the current weights on the given batches (D's first). */
function evaluateBoth(session: GanSession, dBatch: DBatch, gBatch: GBatch): { d: DEvaluation; g: GEvaluation } {
  const d = evaluateD(session, dBatch);
  let g: GEvaluation;
  try {
    g = evaluateG(session, gBatch);
  } catch (err) {
    tf.dispose(d.grads);
    throw err;
  }
  return { d, g };
}

/** Runs `fn` on one drawn batch, freeing the batch afterwards. */
function onBatch<B extends DBatch | GBatch, T>(batch: B, fn: (batch: B) => T): T {
  try {
    return fn(batch);
  } finally {
    disposeBatch(batch);
  }
}

/** Runs `fn` on freshly drawn batches of both players (D's first), freeing them afterwards. */
function withBatches<T>(session: GanSession, fn: (dBatch: DBatch, gBatch: GBatch) => T): T {
  const dBatch = drawDBatch(session);
  const gBatch = drawGBatch(session);
  try {
    return fn(dBatch, gBatch);
  } finally {
    disposeBatch(dBatch);
    disposeBatch(gBatch);
  }
}

/** Applies both players' checked updates: D's (with what follows it), then G's. */
function updateBoth(session: GanSession, evaluations: { d: DEvaluation; g: GEvaluation }): SchemeStats {
  try {
    updateD(session, evaluations.d);
  } catch (err) {
    tf.dispose(evaluations.g.grads);
    throw err;
  }
  updateG(session, evaluations.g);
  return { d: evaluations.d.stats, g: evaluations.g.stats };
}

/**
 * Alternating updates, the original GAN algorithm: `dStepsPerG` D updates, each on fresh batches,
 * then one G update on fresh noise at D's new weights. On the bilinear game x·y its iterates cycle
 * (see `theory/bilinear-game.ts`).
 */
export function alternatingStep(session: GanSession): SchemeStats {
  let d: DStats | undefined;
  for (let k = 0; k < session.dStepsPerG; k++) {
    beforeDStep(session);
    const evaluation = onBatch(drawDBatch(session), (batch) => evaluateD(session, batch));
    refuseNonFinite(session, { d: evaluation });
    updateD(session, evaluation);
    d = evaluation.stats;
  }
  const evaluation = onBatch(drawGBatch(session), (batch) => evaluateG(session, batch));
  refuseNonFinite(session, { g: evaluation });
  updateG(session, evaluation);
  return { d: d!, g: evaluation.stats };
}

/** One player's update alone, as {@link playerStep} reports it. */
export type PlayerUpdate = { player: 'd'; stats: DStats } | { player: 'g'; stats: GStats };

/**
 * One update of one player on a fresh batch, the other held still (GAN Lab's "train D only" /
 * "train G only"): D's update runs `beforeDStep` and everything that follows an update of D in
 * a full step (constraints, the loss state, `afterDStep`); G's the same as in {@link alternatingStep}.
 * It is half of a game step, not a step: `session.step` does not move, and no step record is
 * made. Checked for NaN/Inf before the weights change, as every scheme is.
 */
export function playerStep(session: GanSession, player: 'd' | 'g'): PlayerUpdate {
  if (player === 'd') {
    beforeDStep(session);
    const evaluation = onBatch(drawDBatch(session), (batch) => evaluateD(session, batch));
    refuseNonFinite(session, { d: evaluation });
    updateD(session, evaluation);
    return { player, stats: evaluation.stats };
  }
  const evaluation = onBatch(drawGBatch(session), (batch) => evaluateG(session, batch));
  refuseNonFinite(session, { g: evaluation });
  updateG(session, evaluation);
  return { player, stats: evaluation.stats };
}

/**
 * Simultaneous updates: both players' gradients at the same weights (D's batch drawn first, as in
 * alternating), then D's update and G's. On the bilinear game x·y plain gradient steps spiral out
 * by √(1 + η²) a step.
 */
export function simultaneousStep(session: GanSession): SchemeStats {
  beforeDStep(session);
  const evaluations = withBatches(session, (dBatch, gBatch) => evaluateBoth(session, dBatch, gBatch));
  refuseNonFinite(session, evaluations);
  return updateBoth(session, evaluations);
}

/** Copies of the current values of `params`, to restore after an extrapolation. */
function snapshot(params: readonly Param[]): tf.Tensor[] {
  return params.map((p) => p.variable.clone());
}

/** Moves `params` by a plain gradient step θ − lr·g. */
function gradientStep(params: readonly Param[], grads: readonly tf.Tensor[], lr: number): void {
  tf.tidy(() => params.forEach((p, i) => p.variable.assign(tf.sub(p.variable, tf.mul(grads[i], lr)))));
}

/**
 * Extragradient (Korpelevich 1976; for GANs Gidel et al. 2019, "A Variational Inequality
 * Perspective on GANs"): both players' gradients g at the weights θ; extrapolation to
 * θ' = θ − lr·g by a plain gradient step at each player's current lr (then D's constraints, a
 * projection as in projected extragradient); both gradients g' at θ' on the same batches; back to
 * θ; then each player's optimizer applies g'. Two gradient evaluations per step.
 *
 * Unlike Gidel et al.'s Extra-Adam, which also extrapolates with Adam's normalized step (and keeps
 * moments from both evaluations), the extrapolation here is a plain gradient step and only g'
 * reaches the optimizer, so any optimizer (Adam, optimistic Adam, SGD) composes with it and its
 * state sees one gradient per step. With SGD it is exactly the extragradient method of
 * `theory/bilinear-game.ts`, which converges on x·y for lr < 1. Reusing the batches makes both
 * evaluations gradients of the same stochastic operator (Mishchenko et al. 2020's same-sample
 * extragradient). The record reports the losses and gradient norms at θ', whose gradients were
 * applied. Batch-norm running statistics keep the updates of all four forward passes.
 */
export function extragradientStep(session: GanSession): SchemeStats {
  const { D, G, optimizers, objective } = session;
  beforeDStep(session);
  const evaluations = withBatches(session, (dBatch, gBatch) => {
    const first = evaluateBoth(session, dBatch, gBatch);
    refuseNonFinite(session, first);
    const saved = [...snapshot(D.params), ...snapshot(G.params)];
    try {
      gradientStep(D.params, first.d.grads, optimizers.d.lr);
      gradientStep(G.params, first.g.grads, optimizers.g.lr);
      tf.dispose([...first.d.grads, ...first.g.grads]);
      for (const c of objective.constraints) c.apply(D);
      return evaluateBoth(session, dBatch, gBatch);
    } finally {
      // Back to θ whatever happened, before the guard can throw: a refused step changes no weight.
      [...D.params, ...G.params].forEach((p, i) => p.variable.assign(saved[i]));
      tf.dispose(saved);
      tf.dispose([...first.d.grads, ...first.g.grads].filter((t) => !t.isDisposed));
    }
  });
  refuseNonFinite(session, evaluations);
  return updateBoth(session, evaluations);
}

/** Both players' gradients with the consensus term, and the term's value. */
export interface ConsensusGradients {
  d: DEvaluation;
  g: GEvaluation;
  /** γ·½‖v‖² at the current weights. */
  term: number;
  /** The consensus term's own gradients γ·∇(½‖v‖²) w.r.t. D's and G's parameters (only when asked for). */
  regularizer?: { d: tf.Tensor[]; g: tf.Tensor[] };
}

/**
 * Consensus optimization's gradients (Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs"):
 * each player follows the gradient of its own loss plus γ·½‖v‖², where v = (∇_D L_D, ∇_G L_G) is
 * the players' gradient field. ∇(½‖v‖²) = Jᵀv needs the gradient of gradients: the players'
 * gradients are taken by `tf.variableGrads` inside an outer tape over both players' weights,
 * with G(z) computed inside it so ∇_D L_D stays a function of G (double backprop, as the gradient
 * penalties do). Batches are the caller's. With `keepRegularizer` the term's own gradients are
 * returned too (tests compare them with finite differences); the caller frees them.
 */
export function consensusGradients(session: GanSession, dBatch: DBatch, gBatch: GBatch, gamma: number, keepRegularizer = false): ConsensusGradients {
  const dVars = variablesOf(session.D);
  const gVars = variablesOf(session.G);
  const dKept: KeptScalars = {};
  const gKept: KeptScalars = {};
  const scalars: KeptScalars = {};
  let regularizer: ConsensusGradients['regularizer'];
  const [dGrads, gGrads] = tf.tidy(() => {
    let dOwn: tf.Tensor[] = [];
    let gOwn: tf.Tensor[] = [];
    const outer = tf.variableGrads(() => {
      const inputs = dInputs(session, dBatch);
      const d = tf.variableGrads(() => discriminatorLoss(session, inputs, dKept), dVars);
      const g = tf.variableGrads(() => generatorLoss(session, gBatch, gKept), gVars);
      dOwn = gradientList(dVars, d.grads).map((t) => tf.keep(t));
      gOwn = gradientList(gVars, g.grads).map((t) => tf.keep(t));
      scalars.dValue = tf.keep(d.value);
      scalars.gValue = tf.keep(g.value);
      const halfSquaredNorm = tf.mul(tf.addN([...dOwn, ...gOwn].map((t) => tf.sum(tf.square(t)))), 0.5);
      return tf.mul(halfSquaredNorm, gamma) as tf.Scalar;
    }, [...dVars, ...gVars]);
    const dReg = gradientList(dVars, outer.grads);
    const gReg = gradientList(gVars, outer.grads);
    if (keepRegularizer) regularizer = { d: dReg.map((t) => tf.keep(t)), g: gReg.map((t) => tf.keep(t)) };
    const dList = dOwn.map((t, i) => tf.add(t, dReg[i]));
    const gList = gOwn.map((t, i) => tf.add(t, gReg[i]));
    tf.dispose([...dOwn, ...gOwn]);
    scalars.dNorm = tf.keep(globalNorm(dList));
    scalars.gNorm = tf.keep(globalNorm(gList));
    scalars.term = tf.keep(outer.value);
    return [dList, gList];
  });
  const d = { grads: dGrads, ...readD(scalars.dValue, scalars.dNorm, dKept) };
  const read = readScalars({ ...gKept, gLoss: scalars.gValue, gradNormG: scalars.gNorm, consensusTerm: scalars.term });
  return { d, g: { grads: gGrads, stats: gStatsFrom(read) }, term: read.consensusTerm, regularizer };
}

/**
 * Consensus optimization: simultaneous updates, each player's optimizer applying the gradient of
 * its own loss plus γ·½‖v‖² ({@link consensusGradients}). On the bilinear game x·y it converges
 * for lr < 2γ/(1 + γ²). The record's `dLoss`/`gLoss` are the players' own losses; the term
 * γ·½‖v‖² is logged as `extras.consensusTerm`, and the gradient norms include it.
 */
export function consensusStep(session: GanSession, gamma: number): SchemeStats {
  beforeDStep(session);
  const { d, g, term } = withBatches(session, (dBatch, gBatch) => consensusGradients(session, dBatch, gBatch, gamma));
  refuseNonFinite(session, { d, g });
  return { ...updateBoth(session, { d, g }), extras: { consensusTerm: term } };
}

/** A game scheme as config sees it: its name, the schema of `optim.game`, and its step. */
export interface GameSchemeDefinition<N extends string, S extends z.ZodType<{ name: N }>> {
  readonly name: N;
  readonly summary: string;
  readonly schema: S;
  /** Whether the scheme can take several D steps per G step (only alternating can). */
  readonly takesDSteps: boolean;
  step(session: GanSession, config: z.output<S>): SchemeStats;
}

/** Declares a game scheme; returns its argument so TypeScript infers the config type. */
export function defineGameScheme<N extends string, S extends z.ZodType<{ name: N }>>(def: GameSchemeDefinition<N, S>): GameSchemeDefinition<N, S> {
  return def;
}

/**
 * Every game scheme (`optim.game`), the one list its schema and lookup derive from:
 * - `alternating` (default): D's `dStepsPerG` updates, then G's update at D's new weights.
 * - `simultaneous`: both players' gradients at the same weights, then both updates.
 * - `extragradient`: gradients at the weights, a plain gradient step to extrapolated weights,
 *   gradients there, back to the weights, then both updates with the extrapolated gradients
 *   (Korpelevich 1976; Gidel et al. 2019).
 * - `consensus`: simultaneous updates on each player's loss plus γ·½‖v‖², v the concatenated
 *   players' gradients (Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs").
 */
export const GAME_SCHEMES = [
  defineGameScheme({
    name: 'alternating',
    summary: "D's dStepsPerG updates, then G's at D's new weights (the original algorithm)",
    schema: z.strictObject({ name: z.literal('alternating') }),
    takesDSteps: true,
    step: (session) => alternatingStep(session),
  }),
  defineGameScheme({
    name: 'simultaneous',
    summary: "both players' gradients at the same weights, then both updates",
    schema: z.strictObject({ name: z.literal('simultaneous') }),
    takesDSteps: false,
    step: (session) => simultaneousStep(session),
  }),
  defineGameScheme({
    name: 'extragradient',
    summary: 'both players step with the gradients at a look-ahead point (Korpelevich 1976; Gidel et al. 2019)',
    schema: z.strictObject({ name: z.literal('extragradient') }),
    takesDSteps: false,
    step: (session) => extragradientStep(session),
  }),
  defineGameScheme({
    name: 'consensus',
    summary: 'both players also descend γ/2·‖v‖² of the joint gradient field (Mescheder et al. 2017)',
    schema: z.strictObject({
      name: z.literal('consensus'),
      /** Weight γ of the consensus term ½‖v‖² (the paper uses 10). */
      gamma: z.number().positive().default(10),
    }),
    takesDSteps: false,
    step: (session, config) => consensusStep(session, config.gamma),
  }),
] as const;

/** The config schema of `optim.game`: how the two players' updates are combined in one step. */
export const gameSchema = z.discriminatedUnion('name', schemasOf(GAME_SCHEMES));

/** A validated game-scheme config. */
export type GameConfig = z.output<typeof gameSchema>;

type GameSchemeRegistry = {
  readonly [N in GameConfig['name']]: { summary: string; takesDSteps: boolean; step(session: GanSession, config: Extract<GameConfig, { name: N }>): SchemeStats };
};

/** Every game scheme by name (keys are the definitions' names). */
export const GAME_SCHEME_REGISTRY: GameSchemeRegistry = byName(GAME_SCHEMES);

/** Every game scheme name, in registry order. */
export const GAME_SCHEME_NAMES = GAME_SCHEMES.map((s) => s.name);

/**
 * Refuses a scheme that cannot take `dStepsPerG` D steps per G step: every scheme but
 * `alternating` updates both players once from one evaluation each. The {@link ConfigError} names
 * `optim.game.name` and says what to change.
 */
export function checkGameScheme(game: GameConfig, dStepsPerG: number): void {
  if (GAME_SCHEME_REGISTRY[game.name].takesDSteps || dStepsPerG === 1) return;
  const field = 'optim.game.name';
  const message = `'${game.name}' updates each player once per step, but dStepsPerG is ${dStepsPerG}; set dStepsPerG to 1 or optim.game.name to 'alternating'`;
  throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received: game.name }]);
}

/** The step of the session's game scheme. */
export function gameStep<C extends GameConfig>(session: GanSession, game: C): SchemeStats {
  const scheme = GAME_SCHEME_REGISTRY[game.name] as { step(session: GanSession, config: C): SchemeStats };
  return scheme.step(session, game);
}
