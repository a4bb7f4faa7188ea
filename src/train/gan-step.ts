import * as tf from '@tensorflow/tfjs-core';
import { DivergenceError } from '../errors.ts';
import { variablesOf } from '../nn/module.ts';
import type { DStepView, GStepView, InputSite, Players, Stabilizer } from '../stabilizers/types.ts';
import type { StepRecord } from './records.ts';
import { sampleNoise, sampleReal, trainingContext, type GanSession } from './session.ts';

/** Global L2 norm of a list of gradients. */
function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/** D's mean output in reporting units: a probability for logit losses, the raw value otherwise. */
function reportedMean(session: GanSession, out: tf.Tensor): tf.Scalar {
  return tf.mean(session.objective.loss.output === 'logit' ? tf.sigmoid(out) : out) as tf.Scalar;
}

/** Reads a few scalars with one device read, disposing them. */
function readScalars(scalars: tf.Scalar[]): number[] {
  const packed = tf.stack(scalars);
  const values = Array.from(packed.dataSync());
  packed.dispose();
  tf.dispose(scalars);
  return values;
}

function assertFinite(session: GanSession, values: Record<string, number>, player: 'D' | 'G'): void {
  const bad = Object.entries(values).filter(([, v]) => !Number.isFinite(v));
  if (bad.length > 0) {
    throw new DivergenceError(
      `training diverged at step ${session.step + 1}: ${player}'s ${bad.map(([k, v]) => `${k} = ${v}`).join(', ')}; weights were not updated`,
      session.step + 1,
    );
  }
}

interface DStats {
  dLoss: number;
  dPenalty: number;
  dReal: number;
  dFake: number;
  gradNormD: number;
}

/** The session's stabilizers, in config order. */
const stabilizersOf = (session: GanSession): readonly Stabilizer[] => session.stabilizers ?? [];

const playersOf = (session: GanSession): Players => ({ G: session.G, D: session.D, step: session.step });

/** A batch on its way into D, through every stabilizer's input transform (instance noise). */
function intoD(session: GanSession, x: tf.Tensor, source: InputSite['source'], player: InputSite['player']): tf.Tensor {
  const site: InputSite = { source, player, step: session.step };
  return stabilizersOf(session).reduce((t, s) => (s.dInput ? s.dInput(t, site) : t), x);
}

/** One discriminator update on a fresh real batch and a fresh generated batch. */
function discriminatorStep(session: GanSession): DStats {
  const { D, G, objective, rngs, batchSize } = session;
  const stabilizers = stabilizersOf(session);
  const ctx = trainingContext(session);
  const dVars = variablesOf(D);
  for (const s of stabilizers) s.beforeDStep?.(playersOf(session));
  const kept: tf.Scalar[] = [];
  const grads = tf.tidy(() => {
    const real = intoD(session, sampleReal(session, batchSize), 'real', 'd');
    const fake = intoD(session, G.apply(sampleNoise(session.noise, batchSize, rngs.noise), ctx), 'fake', 'd');
    const applyD = (x: tf.Tensor) => D.apply(x, ctx);
    const { value, grads: byName } = tf.variableGrads(() => {
      const dReal = applyD(real);
      const dFake = applyD(fake);
      const loss = objective.loss.d(dReal, dFake);
      const view: DStepView = { ...playersOf(session), real, fake, dReal, dFake };
      const terms = [
        ...objective.penalties.map((p) => p.compute({ D: applyD, real, fake, rng: rngs.penalty })),
        ...stabilizers.flatMap((s) => (s.dPenalty ? [s.dPenalty(view)] : [])),
      ];
      const penalty = terms.length ? (tf.addN(terms) as tf.Scalar) : tf.scalar(0);
      kept.push(tf.keep(penalty), tf.keep(reportedMean(session, dReal)), tf.keep(reportedMean(session, dFake)));
      kept.push(tf.keep(tf.mean(dReal)), tf.keep(tf.mean(dFake)));
      return tf.add(loss, penalty) as tf.Scalar;
    }, dVars);
    // A parameter the loss does not reach (e.g. an unused bias) has no entry: its gradient is 0.
    const list = dVars.map((v) => byName[v.name] ?? tf.zerosLike(v));
    kept.unshift(tf.keep(value), tf.keep(globalNorm(list)));
    return list;
  });
  const [dLoss, gradNormD, dPenalty, dReal, dFake, rawReal, rawFake] = readScalars(kept);
  const stats = { dLoss, dPenalty, dReal, dFake, gradNormD };
  try {
    assertFinite(session, { dLoss, gradNormD }, 'D');
    session.optimizers.d.apply(D.params, grads);
  } finally {
    tf.dispose(grads);
  }
  for (const c of objective.constraints) c.apply(D);
  objective.loss.state?.update({ dRealMean: rawReal, dFakeMean: rawFake });
  for (const s of stabilizers) s.afterDStep?.(playersOf(session));
  return stats;
}

/** One generator update on fresh noise. */
function generatorStep(session: GanSession): { gLoss: number; gradNormG: number } {
  const { D, G, objective, rngs, batchSize } = session;
  const stabilizers = stabilizersOf(session);
  const ctx = trainingContext(session);
  const gVars = variablesOf(G);
  const usesReal = objective.loss.gUsesReal || stabilizers.some((s) => s.gStepUsesReal);
  const kept: tf.Scalar[] = [];
  const grads = tf.tidy(() => {
    const z = sampleNoise(session.noise, batchSize, rngs.noise);
    const realBatch = usesReal ? sampleReal(session, batchSize) : undefined;
    const { value, grads: byName } = tf.variableGrads(() => {
      const fakeFeatures = new Map<string, tf.Tensor>();
      const realFeatures = new Map<string, tf.Tensor>();
      const fake = intoD(session, G.apply(z, ctx), 'fake', 'g');
      const dFake = D.apply(fake, { ...ctx, record: (layer, a) => fakeFeatures.set(layer, a) });
      const real = realBatch && intoD(session, realBatch, 'real', 'g');
      const dReal = real ? D.apply(real, { ...ctx, record: (layer, a) => realFeatures.set(layer, a) }) : dFake;
      const view: GStepView = { ...playersOf(session), fake, dFake, fakeFeatures, real, realFeatures, dOptimizer: session.optimizers.d };
      return stabilizers.reduce((loss, s) => (s.gObjective ? s.gObjective(loss, view) : loss), objective.loss.g(dFake, dReal));
    }, gVars);
    const list = gVars.map((v) => byName[v.name] ?? tf.zerosLike(v));
    kept.push(tf.keep(value), tf.keep(globalNorm(list)));
    return list;
  });
  const [gLoss, gradNormG] = readScalars(kept);
  try {
    assertFinite(session, { gLoss, gradNormG }, 'G');
    session.optimizers.g.apply(G.params, grads);
  } finally {
    tf.dispose(grads);
  }
  for (const s of stabilizers) s.afterGStep?.(playersOf(session));
  return { gLoss, gradNormG };
}

/** Loss state (BEGAN's k) and stabilizer values (instance-noise σ) of the step being taken. */
function stepExtras(session: GanSession): Record<string, number> | undefined {
  const values = stabilizersOf(session).map((s) => s.values?.(session.step) ?? {});
  const extras = Object.assign({}, session.objective.loss.state?.values(), ...values);
  return Object.keys(extras).length ? extras : undefined;
}

/**
 * One GAN step: `dStepsPerG` discriminator updates, then one generator update, each on fresh
 * batches; the session's stabilizers act through their hooks (see {@link Stabilizer}). D's update
 * never moves G's weights and vice versa (explicit variable lists). Throws
 * {@link DivergenceError} before applying a non-finite update, so the weights stay good.
 */
export function ganStep(session: GanSession): StepRecord {
  const t0 = performance.now();
  let d: DStats | undefined;
  for (let k = 0; k < session.dStepsPerG; k++) d = discriminatorStep(session);
  const g = generatorStep(session);
  const extras = stepExtras(session);
  session.step += 1;
  const record: StepRecord = {
    kind: 'step',
    step: session.step,
    dLoss: d!.dLoss,
    dPenalty: d!.dPenalty,
    gLoss: g.gLoss,
    dReal: d!.dReal,
    dFake: d!.dFake,
    gradNormD: d!.gradNormD,
    gradNormG: g.gradNormG,
    ms: performance.now() - t0,
  };
  if (extras) record.extras = extras;
  return record;
}
