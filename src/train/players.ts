/**
 * The two players' parts of a GAN step, shared by every game scheme (`game-schemes.ts`): drawing
 * batches, each player's loss inside a gradient tape, the gradient at the current weights, the
 * NaN/Inf guard, and applying an update with the hooks that follow it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DivergenceError } from '../errors.ts';
import { variablesOf } from '../nn/module.ts';
import type { DStepView, GStepView, InputSite, Players, Stabilizer } from '../stabilizers/types.ts';
import { sampleNoise, sampleReal, trainingContext, type GanSession } from './session.ts';

/** What D's step reports (see `StepRecord`). */
export interface DStats {
  dLoss: number;
  dPenalty: number;
  dReal: number;
  dFake: number;
  gradNormD: number;
}

/** What G's step reports. */
export interface GStats {
  gLoss: number;
  gradNormG: number;
}

/** Batch means of D's raw outputs, for the loss state (BEGAN's k). */
export interface DMeans {
  dRealMean: number;
  dFakeMean: number;
}

/** D's gradient at some weights, with what it reports; `grads[i]` belongs to `D.params[i]`. */
export interface DEvaluation {
  grads: tf.Tensor[];
  stats: DStats;
  means: DMeans;
}

/** G's gradient at some weights, with what it reports; `grads[i]` belongs to `G.params[i]`. */
export interface GEvaluation {
  grads: tf.Tensor[];
  stats: GStats;
}

/** What one D evaluation draws: a real batch (before any input transform) and noise for G(z). */
export interface DBatch {
  readonly real: tf.Tensor;
  readonly z: tf.Tensor2D;
}

/** What one G evaluation draws: noise, and a real batch when the loss or a stabilizer needs one. */
export interface GBatch {
  readonly z: tf.Tensor2D;
  readonly real?: tf.Tensor;
}

/** Global L2 norm of a list of gradients. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/** D's mean output in reporting units: a probability for logit losses, the raw value otherwise. */
function reportedMean(session: GanSession, out: tf.Tensor): tf.Scalar {
  return tf.mean(session.objective.loss.output === 'logit' ? tf.sigmoid(out) : out) as tf.Scalar;
}

/** Reads a few scalars with one device read, disposing them. */
export function readScalars(scalars: tf.Scalar[]): number[] {
  const packed = tf.stack(scalars);
  const values = Array.from(packed.dataSync());
  packed.dispose();
  tf.dispose(scalars);
  return values;
}

/** The session's stabilizers, in config order. */
export const stabilizersOf = (session: GanSession): readonly Stabilizer[] => session.stabilizers ?? [];

/** The players as hooks outside the tape see them. */
export const playersOf = (session: GanSession): Players => ({ G: session.G, D: session.D, step: session.step });

/** A batch on its way into D, through every stabilizer's input transform (instance noise). */
function intoD(session: GanSession, x: tf.Tensor, source: InputSite['source'], player: InputSite['player']): tf.Tensor {
  const site: InputSite = { source, player, step: session.step };
  return stabilizersOf(session).reduce((t, s) => (s.dInput ? s.dInput(t, site) : t), x);
}

/** A gradient for every variable; one the loss does not reach (an unused bias) has none, and gets 0. */
export function gradientList(vars: readonly tf.Variable[], byName: tf.NamedTensorMap): tf.Tensor[] {
  return vars.map((v) => byName[v.name] ?? tf.zerosLike(v));
}

/** Draws D's batch: real samples (the curriculum's data when set), then noise. */
export function drawDBatch(session: GanSession): DBatch {
  return { real: sampleReal(session, session.batchSize), z: sampleNoise(session.noise, session.batchSize, session.rngs.noise) };
}

/** Draws G's batch: noise, then a real batch if the loss or a stabilizer reads D(real) in G's step. */
export function drawGBatch(session: GanSession): GBatch {
  const usesReal = session.objective.loss.gUsesReal || stabilizersOf(session).some((s) => s.gStepUsesReal);
  const z = sampleNoise(session.noise, session.batchSize, session.rngs.noise);
  return usesReal ? { z, real: sampleReal(session, session.batchSize) } : { z };
}

/** Frees a drawn batch. */
export function disposeBatch(batch: DBatch | GBatch): void {
  tf.dispose([batch.z, ...(batch.real ? [batch.real] : [])]);
}

/** Calls every stabilizer's `beforeDStep` (spectral norm's power iteration): once before D's gradients. */
export function beforeDStep(session: GanSession): void {
  for (const s of stabilizersOf(session)) s.beforeDStep?.(playersOf(session));
}

/**
 * D's inputs: the real batch and G(z), each through the stabilizers' input transforms. Outside a
 * tape over G's weights they are constants of D's loss; inside one (consensus) G(z) stays
 * differentiable w.r.t. G.
 */
export function dInputs(session: GanSession, batch: DBatch): { real: tf.Tensor; fake: tf.Tensor } {
  const ctx = trainingContext(session);
  const real = intoD(session, batch.real, 'real', 'd');
  const fake = intoD(session, session.G.apply(batch.z, ctx), 'fake', 'd');
  return { real, fake };
}

/**
 * D's loss at the current weights, to be called inside a gradient tape: the loss, plus the
 * objective's penalties and the stabilizers' `dPenalty` terms. Pushes five kept scalars onto
 * `kept` for reporting: the penalty, D's mean output on real and fake in reporting units, and the
 * raw means (for the loss state).
 */
export function discriminatorLoss(session: GanSession, inputs: { real: tf.Tensor; fake: tf.Tensor }, kept: tf.Scalar[]): tf.Scalar {
  const { D, objective, rngs } = session;
  const { real, fake } = inputs;
  const ctx = trainingContext(session);
  const applyD = (x: tf.Tensor) => D.apply(x, ctx);
  const dReal = applyD(real);
  const dFake = applyD(fake);
  const loss = objective.loss.d(dReal, dFake);
  const view: DStepView = { ...playersOf(session), real, fake, dReal, dFake };
  const terms = [
    ...objective.penalties.map((p) => p.compute({ D: applyD, real, fake, rng: rngs.penalty })),
    ...stabilizersOf(session).flatMap((s) => (s.dPenalty ? [s.dPenalty(view)] : [])),
  ];
  const penalty = terms.length ? (tf.addN(terms) as tf.Scalar) : tf.scalar(0);
  kept.push(tf.keep(penalty), tf.keep(reportedMean(session, dReal)), tf.keep(reportedMean(session, dFake)));
  kept.push(tf.keep(tf.mean(dReal)), tf.keep(tf.mean(dFake)));
  return tf.add(loss, penalty) as tf.Scalar;
}

/**
 * G's loss at the current weights, to be called inside a gradient tape: the loss on D(G(z)) (and
 * D(real) when drawn), turned by every stabilizer's `gObjective`. The view offers D's optimizer
 * for look-ahead (unrolling).
 */
export function generatorLoss(session: GanSession, batch: GBatch): tf.Scalar {
  const { D, G, objective } = session;
  const ctx = trainingContext(session);
  const fakeFeatures = new Map<string, tf.Tensor>();
  const realFeatures = new Map<string, tf.Tensor>();
  const fake = intoD(session, G.apply(batch.z, ctx), 'fake', 'g');
  const dFake = D.apply(fake, { ...ctx, record: (layer, a) => fakeFeatures.set(layer, a) });
  const real = batch.real && intoD(session, batch.real, 'real', 'g');
  const dReal = real ? D.apply(real, { ...ctx, record: (layer, a) => realFeatures.set(layer, a) }) : dFake;
  const view: GStepView = { ...playersOf(session), fake, dFake, fakeFeatures, real, ...(real ? { dReal } : {}), realFeatures, dOptimizer: session.optimizers.d };
  return stabilizersOf(session).reduce((loss, s) => (s.gObjective ? s.gObjective(loss, view) : loss), objective.loss.g(dFake, dReal));
}

/**
 * Reads D's numbers from kept scalars: its loss, its gradient norm, then the five
 * {@link discriminatorLoss} pushed. Disposes them.
 */
export function readD(value: tf.Scalar, norm: tf.Scalar, kept: tf.Scalar[]): { stats: DStats; means: DMeans } {
  const [dLoss, gradNormD, dPenalty, dReal, dFake, dRealMean, dFakeMean] = readScalars([value, norm, ...kept]);
  return { stats: { dLoss, dPenalty, dReal, dFake, gradNormD }, means: { dRealMean, dFakeMean } };
}

/** D's gradient at the current weights on `batch` (the batch stays the caller's). */
export function evaluateD(session: GanSession, batch: DBatch): DEvaluation {
  const dVars = variablesOf(session.D);
  const kept: tf.Scalar[] = [];
  let value: tf.Scalar | undefined;
  let norm: tf.Scalar | undefined;
  const grads = tf.tidy(() => {
    const inputs = dInputs(session, batch);
    const result = tf.variableGrads(() => discriminatorLoss(session, inputs, kept), dVars);
    const list = gradientList(dVars, result.grads);
    value = tf.keep(result.value);
    norm = tf.keep(globalNorm(list));
    return list;
  });
  return { grads, ...readD(value!, norm!, kept) };
}

/** G's gradient at the current weights on `batch` (the batch stays the caller's). */
export function evaluateG(session: GanSession, batch: GBatch): GEvaluation {
  const gVars = variablesOf(session.G);
  const kept: tf.Scalar[] = [];
  const grads = tf.tidy(() => {
    const { value, grads: byName } = tf.variableGrads(() => generatorLoss(session, batch), gVars);
    const list = gradientList(gVars, byName);
    kept.push(tf.keep(value), tf.keep(globalNorm(list)));
    return list;
  });
  const [gLoss, gradNormG] = readScalars(kept);
  return { grads, stats: { gLoss, gradNormG } };
}

/**
 * The NaN/Inf guard: throws a {@link DivergenceError} naming the first player with a non-finite
 * loss or gradient norm, after freeing every evaluation's gradients. Call it before any weight
 * changes, so the weights stay good.
 */
export function refuseNonFinite(session: GanSession, evaluations: { d?: DEvaluation; g?: GEvaluation }): void {
  const checks: ['D' | 'G', Record<string, number>][] = [];
  if (evaluations.d) checks.push(['D', { dLoss: evaluations.d.stats.dLoss, gradNormD: evaluations.d.stats.gradNormD }]);
  if (evaluations.g) checks.push(['G', { gLoss: evaluations.g.stats.gLoss, gradNormG: evaluations.g.stats.gradNormG }]);
  for (const [player, values] of checks) {
    const bad = Object.entries(values).filter(([, v]) => !Number.isFinite(v));
    if (bad.length === 0) continue;
    tf.dispose([...(evaluations.d?.grads ?? []), ...(evaluations.g?.grads ?? [])]);
    throw new DivergenceError(
      `training diverged at step ${session.step + 1}: ${player}'s ${bad.map(([k, v]) => `${k} = ${v}`).join(', ')}; weights were not updated`,
      session.step + 1,
    );
  }
}

/**
 * Applies D's update with its optimizer and frees the gradients, then what follows every D update:
 * the objective's constraints (weight clipping), the loss state update and `afterDStep`.
 */
export function updateD(session: GanSession, evaluation: DEvaluation): void {
  try {
    session.optimizers.d.apply(session.D.params, evaluation.grads);
  } finally {
    tf.dispose(evaluation.grads);
  }
  for (const c of session.objective.constraints) c.apply(session.D);
  session.objective.loss.state?.update(evaluation.means);
  for (const s of stabilizersOf(session)) s.afterDStep?.(playersOf(session));
}

/** Applies G's update with its optimizer and frees the gradients, then `afterGStep`. */
export function updateG(session: GanSession, evaluation: GEvaluation): void {
  try {
    session.optimizers.g.apply(session.G.params, evaluation.grads);
  } finally {
    tf.dispose(evaluation.grads);
  }
  for (const s of stabilizersOf(session)) s.afterGStep?.(playersOf(session));
}
