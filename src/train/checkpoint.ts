import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.ts';
import type { Param } from '../nn/index.ts';
import { stabilizerKey, type Stabilizer, type StabilizerValues } from '../stabilizers/index.ts';
import { hashString, type RngState } from '../tensor/index.ts';
import type { GanSession, RunRngs } from './session.ts';

/** The JSON half of a checkpoint (`checkpoint.json`); the weights follow tfjs's weights manifest. */
export interface CheckpointManifest {
  format: 'saddlepoint-checkpoint';
  version: 1;
  step: number;
  /** tfjs weights manifest: loadable with `tf.io` in a browser too. */
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  /** Size and FNV-1a hash of the weights file, checked on load: a torn file is refused. */
  byteLength: number;
  checksum: string;
  state: {
    rngs: Record<keyof RunRngs, RngState>;
    optimizers: { g: Record<string, number>; d: Record<string, number> };
    loss?: Record<string, number>;
    /** JSON state of the stabilizers that keep some, by key (`0-instance-noise`); their tensors are `stabilizers/<key>/<slot>`. */
    stabilizers?: Record<string, StabilizerValues>;
  };
}

/** A checkpoint in memory: manifest plus the weights file's bytes. */
export interface EncodedCheckpoint {
  manifest: CheckpointManifest;
  weights: Uint8Array;
}

/** The name of the weights file inside a checkpoint directory. */
export const WEIGHTS_FILE = 'weights.bin';
/** The name of the manifest inside a checkpoint directory. */
export const MANIFEST_FILE = 'checkpoint.json';

const paramTensors = (prefix: string, params: readonly Param[]) => params.map((p) => [`${prefix}${p.name}`, p.variable] as const);

/** Each stabilizer of the session with its checkpoint key, in config order. */
const keyedStabilizers = (session: GanSession): [string, Stabilizer][] => (session.stabilizers ?? []).map((s, i) => [stabilizerKey(i, s.name), s]);

/** The variables of every stabilizer's state, by checkpoint name. */
function stabilizerVariables(session: GanSession): Map<string, tf.Variable> {
  const entries = keyedStabilizers(session).flatMap(([key, s]) => [...(s.state?.variables() ?? [])].map(([slot, v]) => [`stabilizers/${key}/${slot}`, v] as const));
  return new Map(entries);
}

/** The JSON state of the stabilizers that keep some, by key; undefined when none does. */
function stabilizerValues(session: GanSession): Record<string, StabilizerValues> | undefined {
  const entries = keyedStabilizers(session).flatMap(([key, s]) => (s.state?.values ? [[key, s.state.values()] as const] : []));
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** Assigns a loaded tensor into a variable, refusing a missing one or a shape mismatch by name. */
function assignLoaded(loaded: tf.NamedTensorMap, name: string, variable: tf.Variable, where: string, missing: string): void {
  const t = loaded[name];
  if (!t) throw new CheckpointError(`tensor '${name}' is missing: ${missing}`, where);
  if (!tf.util.arraysEqual(t.shape, variable.shape)) {
    throw new CheckpointError(`tensor '${name}' has shape [${t.shape}] but the model has [${variable.shape}]`, where);
  }
  variable.assign(t);
}

/** Every tensor a session's state consists of, by checkpoint name. */
function sessionTensors(session: GanSession): Map<string, tf.Tensor> {
  const { G, D, optimizers } = session;
  const entries: (readonly [string, tf.Tensor])[] = [
    ...paramTensors('', G.params),
    ...paramTensors('', G.buffers),
    ...paramTensors('', D.params),
    ...paramTensors('', D.buffers),
    ...stabilizerVariables(session),
  ];
  for (const [player, opt] of [['g', optimizers.g], ['d', optimizers.d]] as const) {
    for (const [slot, t] of opt.state().tensors) entries.push([`optim/${player}/${slot}`, t]);
  }
  return new Map(entries);
}

function fnv1aHex(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Serializes a session: weights, buffers, optimizer slots, RNG streams, loss and stabilizer state. */
export async function encodeCheckpoint(session: GanSession): Promise<EncodedCheckpoint> {
  const tensors = sessionTensors(session);
  const named: tf.NamedTensorMap = Object.fromEntries(tensors);
  const { data, specs } = await tf.io.encodeWeights(named);
  const weights = new Uint8Array(data);
  const { rngs, optimizers, objective } = session;
  const stabilizers = stabilizerValues(session);
  const manifest: CheckpointManifest = {
    format: 'saddlepoint-checkpoint',
    version: 1,
    step: session.step,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    byteLength: weights.byteLength,
    checksum: fnv1aHex(weights),
    state: {
      rngs: {
        data: rngs.data.getState(),
        noise: rngs.noise.getState(),
        penalty: rngs.penalty.getState(),
        dropout: rngs.dropout.getState(),
      },
      optimizers: { g: optimizers.g.state().scalars, d: optimizers.d.state().scalars },
      ...(objective.loss.state ? { loss: objective.loss.state.values() } : {}),
      ...(stabilizers ? { stabilizers } : {}),
    },
  };
  return { manifest, weights };
}

/** Checks a manifest's shape and the weights' integrity; `where` names the files in errors. */
export function validateCheckpoint(manifest: unknown, weights: Uint8Array, where: string): CheckpointManifest {
  const m = manifest as Partial<CheckpointManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 'saddlepoint-checkpoint') {
    throw new CheckpointError('not a saddlepoint checkpoint (missing "format": "saddlepoint-checkpoint")', where);
  }
  if (m.version !== 1) throw new CheckpointError(`unsupported checkpoint version ${String(m.version)} (this build reads version 1)`, where);
  if (!Number.isInteger(m.step) || !m.weightsManifest?.[0]?.weights || !m.state?.rngs) {
    throw new CheckpointError('manifest is incomplete (step, weightsManifest or state missing)', where);
  }
  if (weights.byteLength !== m.byteLength) {
    throw new CheckpointError(`${WEIGHTS_FILE} has ${weights.byteLength} bytes, the manifest says ${m.byteLength}: the file is torn or replaced`, where);
  }
  const sum = fnv1aHex(weights);
  if (sum !== m.checksum) throw new CheckpointError(`${WEIGHTS_FILE} checksum ${sum} does not match the manifest's ${m.checksum}: the file is corrupt`, where);
  return m as CheckpointManifest;
}

/**
 * Restores a session from a checkpoint written for the same config. Every tensor must be
 * present with the same shape; a mismatch names the tensor.
 */
export function restoreCheckpoint(session: GanSession, checkpoint: EncodedCheckpoint, where: string): void {
  const manifest = validateCheckpoint(checkpoint.manifest, checkpoint.weights, where);
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const buffer = Uint8Array.from(checkpoint.weights).buffer;
  const loaded = tf.io.decodeWeights(buffer, specs);
  try {
    const { G, D, optimizers, rngs, objective } = session;
    for (const p of [...G.params, ...G.buffers, ...D.params, ...D.buffers]) {
      assignLoaded(loaded, p.name, p.variable, where, 'the checkpoint was written for another model');
    }
    for (const [name, v] of stabilizerVariables(session)) {
      assignLoaded(loaded, name, v, where, 'the checkpoint was written without this stabilizer (or with others before it)');
    }
    for (const [key, s] of keyedStabilizers(session)) {
      if (!s.state?.restoreValues) continue;
      const values = manifest.state.stabilizers?.[key];
      if (!values) throw new CheckpointError(`the checkpoint has no state for stabilizer '${key}'`, where);
      s.state.restoreValues(values);
    }
    for (const [player, opt] of [['g', optimizers.g], ['d', optimizers.d]] as const) {
      const prefix = `optim/${player}/`;
      const slots = new Map(Object.entries(loaded).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      opt.restore({ tensors: slots, scalars: manifest.state.optimizers[player] });
    }
    rngs.data.setState(manifest.state.rngs.data);
    rngs.noise.setState(manifest.state.rngs.noise);
    rngs.penalty.setState(manifest.state.rngs.penalty);
    rngs.dropout.setState(manifest.state.rngs.dropout);
    if (objective.loss.state) {
      if (!manifest.state.loss) throw new CheckpointError(`the checkpoint has no state for loss '${objective.loss.name}'`, where);
      objective.loss.state.restore(manifest.state.loss);
    }
    session.step = manifest.step;
  } finally {
    tf.dispose(Object.values(loaded));
  }
}

/** A short, stable fingerprint of a JSON value (config identity in run names). */
export function fingerprint(value: unknown): string {
  return hashString(JSON.stringify(value)).toString(16).padStart(8, '0');
}
