/**
 * The two players' parts of a GAN step, shared by every game scheme (`schemes.ts`): drawing
 * batches, each player's loss inside a gradient tape (the loss, then its named terms), the
 * gradient at the current weights, the NaN/Inf guard, and applying an update with the hooks
 * that follow it. Every statistic is read by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch as disposeData, sampleNoise, type Batch } from '../../data/index.ts';
import { DivergenceError } from '../../errors.ts';
import { acganD, acganG, infoLoss } from '../../losses/index.ts';
import { variablesOf, type ApplyContext } from '../../nn/index.ts';
import type { Rng } from '../../tensor/index.ts';
import type { GStepView, InputSite, Players, Stabilizer } from '../../stabilizers/index.ts';
import { dTakesLabels, sampleReal, trainingContext, type DTermView, type GanSession } from '../session.ts';

/** What D's step reports (see `StepRecord`). */
export interface DStats {
  dLoss: number;
  /** The sum of D's terms (0 without any). */
  dPenalty: number;
  dReal: number;
  dFake: number;
  gradNormD: number;
  /** Each of D's terms by name (empty without any). */
  dTerms: Record<string, number>;
}

/** What G's step reports. */
export interface GStats {
  gLoss: number;
  gradNormG: number;
  /** Each of G's terms by name (empty without any). */
  gTerms: Record<string, number>;
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
  readonly real: Batch;
  readonly z: tf.Tensor2D;
  /** InfoGAN's categorical codes for G(z), drawn from the noise stream (a conditional session gives G the real batch's labels instead). */
  readonly labels?: tf.Tensor1D;
}

/** What one G evaluation draws: noise, and a real batch when the loss or a stabilizer needs one. */
export interface GBatch {
  readonly z: tf.Tensor2D;
  readonly real?: Batch;
  /** The class ids G is given, one per row of `z`, when the session is conditional. */
  readonly labels?: tf.Tensor1D;
}

/** The context entry that hands class ids (and, for translation, the source images) to a network; nothing when there are neither. */
export function given(labels: tf.Tensor1D | undefined, input?: tf.Tensor): { condition?: { labels?: tf.Tensor1D; input?: tf.Tensor } } {
  if (!labels && !input) return {};
  return { condition: { ...(labels ? { labels } : {}), ...(input ? { input } : {}) } };
}

/** A translating session's source images of a real batch (the builder checks the data is paired). */
function sourcesOf(session: GanSession, real: Batch | undefined): tf.Tensor | undefined {
  if (session.translation === null) return undefined;
  if (!real?.inputs) throw new Error(`the session translates images but a batch of '${session.data.name}' came without its source images`);
  return real.inputs;
}

/** G's output for a batch: from the noise (and class), or, translating, from the real batch's sources. */
function generateFor(session: GanSession, z: tf.Tensor2D, ctx: ApplyContext, labels: tf.Tensor1D | undefined, sources: tf.Tensor | undefined): tf.Tensor {
  return sources ? session.G.apply(sources, ctx) : session.G.apply(z, { ...ctx, ...given(labels) });
}

/**
 * `n` class ids drawn uniformly from the session's classes with `rng` (a conditional G's labels in
 * its own step); undefined for an unconditional session, which draws nothing.
 */
export function drawLabels(session: GanSession, n: number, rng: Rng): tf.Tensor1D | undefined {
  const classes = session.classes;
  if (classes === null) return undefined;
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = rng.int(classes);
  return tf.tensor1d(ids, 'int32');
}

/** The real batch's labels, which a conditional session needs (the builder checks the data has them). */
function realLabels(session: GanSession, real: Batch): tf.Tensor1D | undefined {
  if (session.classes === null) return undefined;
  if (!real.labels) throw new Error(`the session is class-conditional but a real batch of '${session.data.name}' came without labels`);
  return real.labels;
}

/** An auxiliary target that must be there. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`D's auxiliary loss needs the labels of ${what}, which the batch does not carry`);
  return value;
}

/** Scalars kept from inside a tape, by name, to be read with one device read ({@link readScalars}). */
export type KeptScalars = Record<string, tf.Scalar>;

/** Global L2 norm of a list of gradients. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/** D's mean output in reporting units: a probability for logit losses, the raw value otherwise. */
function reportedMean(session: GanSession, out: tf.Tensor): tf.Scalar {
  return tf.mean(session.objective.loss.output === 'logit' ? tf.sigmoid(out) : out) as tf.Scalar;
}

/** Reads named scalars with one device read, disposing them. */
export function readScalars(scalars: KeptScalars): Record<string, number> {
  const names = Object.keys(scalars);
  const packed = tf.stack(names.map((k) => scalars[k]));
  const values = packed.dataSync();
  packed.dispose();
  tf.dispose(names.map((k) => scalars[k]));
  return Object.fromEntries(names.map((k, i) => [k, values[i]]));
}

/** The values under `prefix` in `read`, by the name after it (the terms of a step). */
function termsOf(read: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(read).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));
}

/** The players as hooks outside the tape see them. */
export const playersOf = (session: GanSession): Players => ({ G: session.G, D: session.D, step: session.step });

/** A batch on its way into D, through every stabilizer's input transform (instance noise). */
function intoD(session: GanSession, x: tf.Tensor, source: InputSite['source'], player: InputSite['player']): tf.Tensor {
  const site: InputSite = { source, player, step: session.step };
  return session.stabilizers.reduce((t, s) => s.step?.dInput?.(t, site) ?? t, x);
}

/** A gradient for every variable; one the loss does not reach (an unused bias) has none, and gets 0. */
export function gradientList(vars: readonly tf.Variable[], byName: tf.NamedTensorMap): tf.Tensor[] {
  return vars.map((v) => byName[v.name] ?? tf.zerosLike(v));
}

/** Whether G's codes come from the prior in D's step too (InfoGAN), not from the real batch's labels. */
const codesFromPrior = (session: GanSession) => session.auxiliary?.kind === 'infogan';

/** Draws D's batch: real samples (the curriculum's data when set), then noise (and InfoGAN's categorical codes). */
export function drawDBatch(session: GanSession): DBatch {
  const real = sampleReal(session, session.batchSize);
  const z = sampleNoise(session.noise, session.batchSize, session.rngs.noise);
  const labels = codesFromPrior(session) ? drawLabels(session, session.batchSize, session.rngs.noise) : undefined;
  return labels ? { real, z, labels } : { real, z };
}

/** InfoGAN's continuous codes of a noise batch: its last `noise.codes` columns; undefined without any. */
function continuousCodes(session: GanSession, z: tf.Tensor2D): tf.Tensor2D | undefined {
  const codes = session.noise.codes ?? 0;
  return codes > 0 ? tf.slice(z, [0, session.noise.dim - codes], [z.shape[0], codes]) : undefined;
}

/** Whether G's step reads a real batch: the loss does (relativistic) or a stabilizer asks for one. */
const gStepUsesReal = (session: GanSession) => session.translation !== null || session.objective.loss.gUsesReal || session.stabilizers.some((s: Stabilizer) => s.step?.gStepUsesReal);

/** Draws G's batch: noise, then a real batch if the loss or a stabilizer reads D(real) in G's step. */
export function drawGBatch(session: GanSession): GBatch {
  const z = sampleNoise(session.noise, session.batchSize, session.rngs.noise);
  const labels = drawLabels(session, session.batchSize, session.rngs.noise);
  const conditioned = labels ? { labels } : {};
  return gStepUsesReal(session) ? { z, real: sampleReal(session, session.batchSize), ...conditioned } : { z, ...conditioned };
}

/** Frees a drawn batch. */
export function disposeBatch(batch: DBatch | GBatch): void {
  batch.z.dispose();
  batch.labels?.dispose();
  if (batch.real) disposeData(batch.real);
}

/** Calls every stabilizer's `beforeDStep` (spectral norm's power iteration): once before D's gradients. */
export function beforeDStep(session: GanSession): void {
  for (const s of session.stabilizers) s.step?.beforeDStep?.(playersOf(session));
}

/**
 * D's inputs: the real batch and G(z), each through the stabilizers' input transforms. Outside a
 * tape over G's weights they are constants of D's loss; inside one (consensus) G(z) stays
 * differentiable w.r.t. G.
 */
export function dInputs(session: GanSession, batch: DBatch): DInputs {
  const ctx = trainingContext(session);
  const classes = codesFromPrior(session) ? undefined : realLabels(session, batch.real);
  const codes = codesFromPrior(session) ? batch.labels : classes;
  const sources = sourcesOf(session, batch.real);
  const real = intoD(session, batch.real.x, 'real', 'd');
  const fake = intoD(session, generateFor(session, batch.z, ctx, codes, sources), 'fake', 'd');
  const inputs: DInputs = dTakesLabels(session) && classes ? { real, fake, labels: classes } : { real, fake };
  if (sources) inputs.sources = sources;
  if (session.auxiliary) inputs.auxiliary = { ...(classes ? { realLabels: classes } : {}), ...(codes ? { fakeLabels: codes } : {}), ...optional('fakeCodes', continuousCodes(session, batch.z)) };
  return inputs;
}

const optional = <K extends string, T>(key: K, value: T | undefined) => (value === undefined ? {} : ({ [key]: value } as { [k in K]: T }));

/** What D's loss is computed on: real samples and G's, and when D takes the class, the class ids of both (row i of each has label i). */
export interface DInputs {
  real: tf.Tensor;
  fake: tf.Tensor;
  labels?: tf.Tensor1D;
  /** Translation: the source image of row i of both, which D judges each with. */
  sources?: tf.Tensor;
  /** What D's auxiliary head is scored against, when it has one: the real batch's classes (ACGAN), and the class or codes G was given for each fake. */
  auxiliary?: AuxiliaryTargets;
}

/** The targets of D's auxiliary head. */
export interface AuxiliaryTargets {
  realLabels?: tf.Tensor1D;
  fakeLabels?: tf.Tensor1D;
  fakeCodes?: tf.Tensor2D;
}

/** D's adversarial output on `x` and, when `want`, its auxiliary head's output too. */
function withHead(D: GanSession['D'], x: tf.Tensor, ctx: ApplyContext, want: boolean): { out: tf.Tensor; head?: tf.Tensor } {
  let head: tf.Tensor | undefined;
  const out = D.apply(x, want ? { ...ctx, auxiliary: (h) => (head = h) } : ctx);
  if (want && !head) throw new Error(`${D.name} has no auxiliary head, but the session's auxiliary loss needs one`);
  return head ? { out, head } : { out };
}

/**
 * D's loss at the current weights, to be called inside a gradient tape: the loss plus the sum of
 * D's named terms (penalties, stabilizer terms). Keeps, by name, for reporting: the terms' sum
 * `dPenalty` and each term (`term:<name>`), D's mean output on real and fake in reporting units,
 * and the raw means (for the loss state).
 */
export function discriminatorLoss(session: GanSession, inputs: DInputs, kept: KeptScalars): tf.Scalar {
  const { D, objective, rngs } = session;
  const { real, fake } = inputs;
  const ctx = { ...trainingContext(session), ...given(inputs.labels, inputs.sources) };
  // Penalties call D on real, fake or points between them: rows stay paired, so each keeps its label.
  const applyD = (x: tf.Tensor) => D.apply(x, ctx);
  const aux = session.auxiliary;
  const onReal = withHead(D, real, ctx, aux?.kind === 'acgan');
  const onFake = withHead(D, fake, ctx, aux !== null);
  const [dReal, dFake] = [onReal.out, onFake.out];
  const loss = objective.loss.d(dReal, dFake);
  const view: DTermView = { ...playersOf(session), real, fake, dReal, dFake, applyD, rng: rngs.penalty };
  const terms: (readonly [string, tf.Scalar])[] = session.terms.d.map((t) => [t.name, t.compute(view)] as const);
  if (aux) {
    const targets = inputs.auxiliary ?? {};
    const value =
      aux.kind === 'acgan'
        ? acganD(aux, onReal.head!, required(targets.realLabels, 'the real batch'), onFake.head!, required(targets.fakeLabels, 'the fakes'))
        : infoLoss(aux, onFake.head!, targets.fakeLabels, targets.fakeCodes);
    terms.push([aux.kind, value]);
  }
  const penalty = terms.length ? (tf.addN(terms.map(([, v]) => v)) as tf.Scalar) : tf.scalar(0);
  kept.dPenalty = tf.keep(penalty);
  for (const [name, value] of terms) kept[`term:${name}`] = tf.keep(value);
  kept.dReal = tf.keep(reportedMean(session, dReal));
  kept.dFake = tf.keep(reportedMean(session, dFake));
  kept.dRealMean = tf.keep(tf.mean(dReal) as tf.Scalar);
  kept.dFakeMean = tf.keep(tf.mean(dFake) as tf.Scalar);
  return tf.add(loss, penalty) as tf.Scalar;
}

/**
 * G's loss at the current weights, to be called inside a gradient tape: the loss on D(G(z)) (and
 * D(real) when drawn), replaced in turn by every stabilizer's `gLoss`, then G's named terms added
 * one by one (each kept as `term:<name>`). The view offers D's optimizer for look-ahead (unrolling).
 */
export function generatorLoss(session: GanSession, batch: GBatch, kept: KeptScalars = {}): tf.Scalar {
  const { D, G, objective } = session;
  const ctx = trainingContext(session);
  const fakeFeatures = new Map<string, tf.Tensor>();
  const realFeatures = new Map<string, tf.Tensor>();
  const sources = sourcesOf(session, batch.real);
  const generated = generateFor(session, batch.z, ctx, batch.labels, sources);
  const fake = intoD(session, generated, 'fake', 'g');
  const dLabels = given(dTakesLabels(session) ? batch.labels : undefined, sources);
  const aux = session.auxiliary;
  const { out: dFake, head } = withHead(D, fake, { ...ctx, ...dLabels, record: (layer, a) => fakeFeatures.set(layer, a) }, aux !== null);
  const real = batch.real && intoD(session, batch.real.x, 'real', 'g');
  const realGiven = batch.real ? given(dTakesLabels(session) ? realLabels(session, batch.real) : undefined, sources) : {};
  const dReal = real ? D.apply(real, { ...ctx, ...realGiven, record: (layer, a) => realFeatures.set(layer, a) }) : dFake;
  const view: GStepView = { ...playersOf(session), fake, dFake, fakeFeatures, real, ...(real ? { dReal } : {}), realFeatures, dOptimizer: session.optimizers.d };
  const adversarial = session.translation?.adversarial === false ? tf.scalar(0) : objective.loss.g(dFake, dReal);
  const loss = session.stabilizers.reduce((l, s) => s.step?.gLoss?.(l, view) ?? l, adversarial);
  const terms: { name: string; compute(): tf.Scalar }[] = session.terms.g.map((t) => ({ name: t.name, compute: () => t.compute(view) }));
  const translation = session.translation;
  if (translation) terms.push({ name: 'l1', compute: () => tf.mul(translation.l1, tf.mean(tf.abs(tf.sub(generated, batch.real!.x)))) as tf.Scalar });
  if (aux) {
    const compute = () =>
      aux.kind === 'acgan' ? acganG(aux, head!, required(batch.labels, "G's batch")) : infoLoss(aux, head!, batch.labels, continuousCodes(session, batch.z));
    terms.push({ name: aux.kind, compute });
  }
  return terms.reduce((total, t) => {
    const value = t.compute();
    kept[`term:${t.name}`] = tf.keep(value);
    return tf.add(total, value) as tf.Scalar;
  }, loss);
}

/** D's statistics from the scalars {@link discriminatorLoss} kept, its loss and its gradient norm. */
export function readD(value: tf.Scalar, norm: tf.Scalar, kept: KeptScalars): { stats: DStats; means: DMeans } {
  const read = readScalars({ ...kept, dLoss: value, gradNormD: norm });
  const { dLoss, gradNormD, dPenalty, dReal, dFake, dRealMean, dFakeMean } = read;
  return { stats: { dLoss, dPenalty, dReal, dFake, gradNormD, dTerms: termsOf(read, 'term:') }, means: { dRealMean, dFakeMean } };
}

/** G's statistics from read values: `gLoss`, `gradNormG` and the `term:<name>` values {@link generatorLoss} kept. */
export function gStatsFrom(read: Record<string, number>): GStats {
  return { gLoss: read.gLoss, gradNormG: read.gradNormG, gTerms: termsOf(read, 'term:') };
}

/** G's statistics from its loss, its gradient norm and the terms {@link generatorLoss} kept. */
export function readG(value: tf.Scalar, norm: tf.Scalar, kept: KeptScalars): GStats {
  return gStatsFrom(readScalars({ ...kept, gLoss: value, gradNormG: norm }));
}

/** D's gradient at the current weights on `batch` (the batch stays the caller's). */
export function evaluateD(session: GanSession, batch: DBatch): DEvaluation {
  const dVars = variablesOf(session.D);
  const kept: KeptScalars = {};
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
  const kept: KeptScalars = {};
  let value: tf.Scalar | undefined;
  let norm: tf.Scalar | undefined;
  const grads = tf.tidy(() => {
    const result = tf.variableGrads(() => generatorLoss(session, batch, kept), gVars);
    const list = gradientList(gVars, result.grads);
    value = tf.keep(result.value);
    norm = tf.keep(globalNorm(list));
    return list;
  });
  return { grads, stats: readG(value!, norm!, kept) };
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
  for (const s of session.stabilizers) s.step?.afterDStep?.(playersOf(session));
}

/** Applies G's update with its optimizer and frees the gradients, then `afterGStep`. */
export function updateG(session: GanSession, evaluation: GEvaluation): void {
  try {
    session.optimizers.g.apply(session.G.params, evaluation.grads);
  } finally {
    tf.dispose(evaluation.grads);
  }
  for (const s of session.stabilizers) s.step?.afterGStep?.(playersOf(session));
}

