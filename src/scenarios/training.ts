/**
 * Small pieces the training scenarios share: sessions assembled by hand around the exact networks
 * a classic experiment names (our presets differ from them), a fixed real batch, a D-only update,
 * and reading G's samples back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleNoise, type Dataset, type NoiseSpec } from '../data/index.ts';
import { bceD, buildObjective, type LossConfig } from '../losses/index.ts';
import { variablesOf, type Module } from '../nn/index.ts';
import { adam, type Optimizer } from '../optim/index.ts';
import { memoryStore, runSession, type RunOutcome } from '../run/index.ts';
import type { Stabilizer } from '../stabilizers/index.ts';
import type { Rng } from '../tensor/index.ts';
import { createSession, type GanSession, type StepRecord } from '../train/index.ts';

export { disposeSession } from '../train/index.ts';

/**
 * A dataset that always returns the same `n` rows (the classic examples train on one fixed real
 * batch). Asking for more rows than it holds is an error, not a silent repeat.
 */
export function fixedBatch(name: string, values: Float32Array, dim: number): Dataset {
  const rows = values.length / dim;
  const take = (n: number): Float32Array => {
    if (!Number.isInteger(n) || n < 0 || n > rows) throw new RangeError(`${name}: holds ${rows} rows, asked for ${n}`);
    return values.slice(0, n * dim);
  };
  return { name, shape: [dim], sampleArray: (n) => ({ x: take(n) }), sample: (n) => ({ x: tf.tensor2d(take(n), [n, dim]) }) };
}

/** What {@link handSession} needs: the networks and the classic example's training settings. */
export interface HandSessionSpec {
  data: Dataset;
  G: Module;
  D: Module;
  loss: LossConfig;
  /** One Adam learning rate for both players unless `lrD` is given. */
  lr: number;
  lrD?: number;
  beta1?: number;
  beta2?: number;
  noise: NoiseSpec;
  batchSize: number;
  dStepsPerG?: number;
  seed: number;
  /** Remedies whose hooks the step calls (D already built through their `wrapD`). */
  stabilizers?: readonly Stabilizer[];
}

/** A {@link GanSession} around hand-built networks (through {@link createSession}), trained like any other. */
export function handSession(spec: HandSessionSpec): GanSession {
  const opt = (lr: number): Optimizer => adam({ lr, beta1: spec.beta1 ?? 0.9, beta2: spec.beta2 ?? 0.999 });
  return createSession({
    data: spec.data,
    G: spec.G,
    D: spec.D,
    objective: buildObjective(spec.loss),
    optimizers: { g: opt(spec.lr), d: opt(spec.lrD ?? spec.lr) },
    noise: spec.noise,
    batchSize: spec.batchSize,
    dStepsPerG: spec.dStepsPerG ?? 1,
    seed: spec.seed,
    stabilizers: spec.stabilizers ?? [],
  });
}

/**
 * Trains a scenario's session for `steps` more steps through the run (`runSession`, in memory,
 * without evaluations or checkpoints: the scenario measures what it needs in `onRecord`, which
 * may await, e.g. the scenario's progress tick).
 */
export function trainFor(session: GanSession, steps: number, onRecord: (record: StepRecord) => void | Promise<void> = () => {}): Promise<RunOutcome> {
  const plan = { until: session.step + steps, checkpointEvery: 0, keepCheckpoints: 1, eval: { every: 0, samples: 1, seed: 0, snapshots: false } };
  return runSession(session, plan, memoryStore('scenario'), { onRecord });
}

/** `n` samples of G on fresh noise from `rng`, flat. */
export function generate(G: Module, noise: NoiseSpec, n: number, rng: Rng): Float32Array {
  const out = tf.tidy(() => G.apply(sampleNoise(noise, n, rng), { training: false }));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** Mean σ(D(x)) over `x`: D's probability of "real", for logit discriminators. */
export function meanProbability(D: Module, x: tf.Tensor): number {
  const p = tf.tidy(() => tf.mean(tf.sigmoid(D.apply(x, { training: false }))));
  const value = p.dataSync()[0];
  p.dispose();
  return value;
}

/**
 * One BCE update of D alone against G's current samples: the "D is ahead" start of training
 * (Goodfellow et al. 2014: early on, D rejects G's samples with high confidence).
 */
export function discriminatorOnlyStep(session: GanSession, optimizer: Optimizer, rng: Rng): void {
  const vars = variablesOf(session.D);
  const grads = tf.tidy(() => {
    const { x: real } = session.data.sample(session.batchSize, rng);
    const fake = session.G.apply(sampleNoise(session.noise, session.batchSize, rng), { training: true });
    const { grads: byName } = tf.variableGrads(() => bceD(session.D.apply(real, { training: true }), session.D.apply(fake, { training: true })), vars);
    return vars.map((v) => byName[v.name] ?? tf.zerosLike(v));
  });
  try {
    optimizer.apply(session.D.params, grads);
  } finally {
    tf.dispose(grads);
  }
}
