import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.ts';
import type { Param } from '../nn/index.ts';
import { stabilizerKey, type Stabilizer, type StabilizerValues } from '../stabilizers/index.ts';
import { z } from 'zod';
import { parseOrThrow } from '../validate.ts';
import { ConfigError } from '../errors.ts';
import { Sha256, canonicalJson, utf8, hashString } from '../tensor/index.ts';
import type { GanSession } from './session.ts';

/** A random stream's state: four xoshiro128 words (not all zero, or the stream is stuck at 0) and the cached normal. */
const rngStateSchema = z
  .strictObject({ s: z.array(z.int().min(0).max(0xffffffff)).length(4), spare: z.number().finite().nullable() })
  .refine((st) => st.s.some((w) => w !== 0), { message: 'a random stream state of four zero words is not one this build writes' });

const finiteRecord = z.record(z.string(), z.number().finite());

const weightsSpecSchema = z.strictObject({
  name: z.string().min(1),
  shape: z.array(z.int().nonnegative()),
  // Only float32 is written; another dtype would decode to other values or sizes.
  dtype: z.literal('float32'),
});

/** The prefix of `metrics.jsonl` that existed when the checkpoint was written (see the run directory). */
const metricsStampSchema = z.strictObject({
  bytes: z.int().nonnegative(),
  lines: z.int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const manifestFields = {
  format: z.literal('saddlepoint-checkpoint', { error: 'not a saddlepoint checkpoint (expected "format": "saddlepoint-checkpoint")' }),
  step: z.int().nonnegative(),
  /** tfjs weights manifest: loadable with `tf.io` in a browser too. */
  weightsManifest: z.array(z.strictObject({ paths: z.array(z.string()), weights: z.array(weightsSpecSchema) })).length(1),
  byteLength: z.int().nonnegative(),
  state: z.strictObject({
    rngs: z.strictObject({ data: rngStateSchema, noise: rngStateSchema, penalty: rngStateSchema, dropout: rngStateSchema }),
    optimizers: z.strictObject({ g: finiteRecord, d: finiteRecord }),
    loss: finiteRecord.optional(),
    /** JSON state of the stabilizers that keep some, by key (`0-instance-noise`); their tensors are `stabilizers/<key>/<slot>`. */
    stabilizers: z.record(z.string(), z.record(z.string(), z.union([z.number().finite(), rngStateSchema]))).optional(),
  }),
};

/**
 * The manifest of a checkpoint (`checkpoint.json`), validated field by field before any of it is used.
 *
 * Version 2 (written by this build) carries `digest`: SHA-256 over the canonical JSON of the
 * manifest without `digest`, then the weights' bytes, so a changed RNG word, optimizer step or
 * step number is refused like a torn weights file. Version 1 (older builds) is still read: it is
 * validated by the same schema but only its weights are covered (`checksum`, FNV-1a), which
 * {@link checkpointWarnings} says; the next checkpoint a resumed run writes is version 2.
 */
export const checkpointManifestSchema = z.discriminatedUnion('version', [
  z.strictObject({ ...manifestFields, version: z.literal(1), checksum: z.string().regex(/^[0-9a-f]{8}$/) }),
  z.strictObject({ ...manifestFields, version: z.literal(2), metrics: metricsStampSchema.optional(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/) }),
]);

/** The JSON half of a checkpoint (`checkpoint.json`); the weights follow tfjs's weights manifest. */
export type CheckpointManifest = z.output<typeof checkpointManifestSchema>;
/** A version-2 manifest before {@link sealCheckpoint} adds its digest. */
export type UnsealedManifest = Omit<Extract<CheckpointManifest, { version: 2 }>, 'digest'>;
/** What a checkpoint records about `metrics.jsonl` at its step. */
export type MetricsStamp = z.output<typeof metricsStampSchema>;

/** The version this build writes. */
export const CHECKPOINT_VERSION = 2;

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

/**
 * The digest of a version-2 checkpoint: SHA-256 over the canonical JSON of the manifest without
 * its `digest`, a newline, then the weights. Every byte of the checkpoint is covered.
 */
export function checkpointDigest(manifest: UnsealedManifest | CheckpointManifest, weights: Uint8Array): string {
  const { digest: _digest, ...rest } = manifest as UnsealedManifest & { digest?: string };
  return `sha256:${new Sha256().update(utf8(`${canonicalJson(rest)}\n`)).update(weights).hex()}`;
}

/** Adds the digest to a manifest (after any field was added, such as the metrics stamp). */
export function sealCheckpoint(manifest: UnsealedManifest, weights: Uint8Array): EncodedCheckpoint {
  return { manifest: { ...manifest, digest: checkpointDigest(manifest, weights) }, weights };
}

/** A sealed checkpoint with `metrics` recorded, resealed so the stamp is covered by the digest. */
export function stampMetrics(checkpoint: EncodedCheckpoint, metrics: MetricsStamp): EncodedCheckpoint {
  const { digest: _digest, checksum: _checksum, ...rest } = checkpoint.manifest as CheckpointManifest & { digest?: string; checksum?: string };
  return sealCheckpoint({ ...rest, version: 2, metrics }, checkpoint.weights);
}

/** Serializes a session: weights, buffers, optimizer slots, RNG streams, loss and stabilizer state. */
export async function encodeCheckpoint(session: GanSession): Promise<EncodedCheckpoint> {
  const tensors = sessionTensors(session);
  const named: tf.NamedTensorMap = Object.fromEntries(tensors);
  const { data, specs } = await tf.io.encodeWeights(named);
  const weights = new Uint8Array(data);
  const { rngs, optimizers, objective } = session;
  const stabilizers = stabilizerValues(session);
  return sealCheckpoint(
    {
      format: 'saddlepoint-checkpoint',
      version: 2,
      step: session.step,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as 'float32' })) }],
      byteLength: weights.byteLength,
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
    },
    weights,
  );
}

/** What to check a manifest against beyond its own contents. */
export interface ValidateOptions {
  /** The step its folder is named after: the manifest must say the same. */
  step?: number;
}

/**
 * Checks every field of a manifest against the schema, the weights' size against the specs and
 * the digest (version 2) or the weights checksum (version 1); `where` names the checkpoint in
 * errors. Throws a {@link CheckpointError} naming the field; never returns a partly valid manifest.
 */
export function validateCheckpoint(manifest: unknown, weights: Uint8Array, where: string, options: ValidateOptions = {}): CheckpointManifest {
  const m = parseManifest(manifest, where);
  if (options.step !== undefined && m.step !== options.step) {
    throw new CheckpointError(`${MANIFEST_FILE}: step: says ${m.step} but the folder is named ${options.step}; the manifest was edited or moved`, where);
  }
  const expected = m.weightsManifest[0].weights.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (expected !== m.byteLength) {
    throw new CheckpointError(`${MANIFEST_FILE}: byteLength: says ${m.byteLength} but its float32 tensors need ${expected} bytes`, where);
  }
  if (weights.byteLength !== m.byteLength) {
    throw new CheckpointError(`${WEIGHTS_FILE} has ${weights.byteLength} bytes, the manifest says ${m.byteLength}: the file is torn or replaced`, where);
  }
  if (m.version === 1) {
    const sum = fnv1aHex(weights);
    if (sum !== m.checksum) throw new CheckpointError(`${WEIGHTS_FILE} checksum ${sum} does not match the manifest's ${m.checksum}: the file is corrupt`, where);
  } else {
    const digest = checkpointDigest(m, weights);
    if (digest !== m.digest) {
      throw new CheckpointError(
        `digest ${digest} does not match the manifest's ${m.digest}: ${MANIFEST_FILE} or ${WEIGHTS_FILE} was changed after it was written`,
        where,
      );
    }
  }
  return m;
}

function parseManifest(manifest: unknown, where: string): CheckpointManifest {
  const fields = manifest !== null && typeof manifest === 'object' && !Array.isArray(manifest) ? (manifest as { format?: unknown; version?: unknown }) : undefined;
  if (fields?.format !== 'saddlepoint-checkpoint') throw new CheckpointError(`${MANIFEST_FILE}: not a saddlepoint checkpoint (missing "format": "saddlepoint-checkpoint")`, where);
  const version = fields.version;
  if (version !== undefined && version !== 1 && version !== 2) {
    throw new CheckpointError(`${MANIFEST_FILE}: version: got ${JSON.stringify(version)}; this build reads versions 1 and 2`, where);
  }
  try {
    return parseOrThrow(checkpointManifestSchema, manifest, MANIFEST_FILE);
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckpointError(err.message, where);
    throw err;
  }
}

/** Notes about a valid checkpoint a user should see (a version-1 manifest is not covered by its checksum). */
export function checkpointWarnings(manifest: CheckpointManifest): string[] {
  return manifest.version === 1
    ? [`checkpoint at step ${manifest.step} is version 1: only its weights are checksummed, not its optimizer, RNG or stabilizer state; checkpoints written from now on are version 2`]
    : [];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((k, i) => k === [...b].sort()[i]);

/**
 * Checks that a valid manifest fits `session` before anything is assigned: every tensor the
 * session needs with its shape, optimizer slots for known parameters only and complete, the
 * optimizer, loss and stabilizer scalars the session's parts keep. Throws a {@link CheckpointError}
 * naming the tensor or field.
 */
function checkFits(session: GanSession, manifest: CheckpointManifest, where: string): void {
  const specs = new Map(manifest.weightsManifest[0].weights.map((w) => [w.name, w.shape]));
  const need = (name: string, shape: readonly number[], missing: string) => {
    const got = specs.get(name);
    if (!got) throw new CheckpointError(`tensor '${name}' is missing: ${missing}`, where);
    if (!tf.util.arraysEqual(got, [...shape])) throw new CheckpointError(`tensor '${name}' has shape [${got}] but the model has [${shape}]`, where);
  };
  const { G, D, optimizers, objective } = session;
  for (const p of [...G.params, ...G.buffers, ...D.params, ...D.buffers]) need(p.name, p.variable.shape, 'the checkpoint was written for another model');
  for (const [name, v] of stabilizerVariables(session)) need(name, v.shape, 'the checkpoint was written without this stabilizer (or with others before it)');

  for (const [player, opt, params] of [['g', optimizers.g, G.params], ['d', optimizers.d, D.params]] as const) {
    const prefix = `optim/${player}/`;
    const byName = new Map<string, Param>(params.map((p) => [p.name, p]));
    const slotsOf = new Map<string, Set<string>>();
    for (const [name, shape] of specs) {
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length);
      const cut = key.lastIndexOf('/');
      const param = byName.get(key.slice(0, cut));
      if (cut <= 0 || !param) throw new CheckpointError(`tensor '${name}' is an optimizer slot for no parameter of ${player.toUpperCase()}`, where);
      if (!tf.util.arraysEqual(shape, param.variable.shape)) throw new CheckpointError(`tensor '${name}' has shape [${shape}] but ${param.name} has [${param.variable.shape}]`, where);
      const slots = slotsOf.get(param.name) ?? new Set<string>();
      slots.add(key.slice(cut + 1));
      slotsOf.set(param.name, slots);
    }
    const slotNames = new Set([...slotsOf.values()].flatMap((s) => [...s]));
    for (const p of params) for (const slot of slotNames) if (!slotsOf.get(p.name)?.has(slot)) throw new CheckpointError(`tensor '${prefix}${p.name}/${slot}' is missing: the optimizer state is incomplete`, where);
    const scalars = manifest.state.optimizers[player];
    const expected = Object.keys(opt.state().scalars);
    if (!same(Object.keys(scalars), expected)) {
      throw new CheckpointError(
        `${MANIFEST_FILE}: state.optimizers.${player}: holds [${Object.keys(scalars).join(', ')}] but ${opt.name} keeps [${expected.join(', ')}]`,
        where,
      );
    }
    if ('t' in scalars && (!Number.isInteger(scalars.t) || scalars.t < 0)) {
      throw new CheckpointError(`${MANIFEST_FILE}: state.optimizers.${player}.t: got ${scalars.t}; expected a whole number of steps ≥ 0`, where);
    }
    if ('t' in scalars && (scalars.t === 0) !== (slotNames.size === 0) && opt.name !== 'sgd') {
      throw new CheckpointError(`${MANIFEST_FILE}: state.optimizers.${player}.t: is ${scalars.t} but the checkpoint holds ${slotNames.size === 0 ? 'no optimizer slots' : `optimizer slots (${[...slotNames].join(', ')})`}`, where);
    }
  }

  const loss = manifest.state.loss;
  if (objective.loss.state) {
    if (!loss) throw new CheckpointError(`the checkpoint has no state for loss '${objective.loss.name}'`, where);
    const expected = Object.keys(objective.loss.state.values());
    if (!same(Object.keys(loss), expected)) throw new CheckpointError(`${MANIFEST_FILE}: state.loss: holds [${Object.keys(loss).join(', ')}] but loss '${objective.loss.name}' keeps [${expected.join(', ')}]`, where);
  } else if (loss) {
    throw new CheckpointError(`${MANIFEST_FILE}: state.loss: holds loss state but loss '${objective.loss.name}' keeps none`, where);
  }

  const keyed = keyedStabilizers(session);
  for (const key of Object.keys(manifest.state.stabilizers ?? {})) {
    if (!keyed.some(([k, s]) => k === key && s.state?.values)) throw new CheckpointError(`${MANIFEST_FILE}: state.stabilizers.${key}: no stabilizer of this run keeps state under that key`, where);
  }
  for (const [key, s] of keyed) {
    if (!s.state?.values) continue;
    const values = manifest.state.stabilizers?.[key];
    if (!values) throw new CheckpointError(`the checkpoint has no state for stabilizer '${key}'`, where);
    const fresh = s.state.values();
    for (const [field, value] of Object.entries(fresh)) {
      const got = values[field];
      if (got === undefined) throw new CheckpointError(`${MANIFEST_FILE}: state.stabilizers.${key}.${field}: is missing`, where);
      if (typeof got !== typeof value) throw new CheckpointError(`${MANIFEST_FILE}: state.stabilizers.${key}.${field}: expected ${typeof value === 'number' ? 'a number' : 'a random stream state'}, got ${JSON.stringify(got)}`, where);
    }
    const extra = Object.keys(values).filter((f) => !(f in fresh));
    if (extra.length) throw new CheckpointError(`${MANIFEST_FILE}: state.stabilizers.${key}: unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`, where);
  }
}

/**
 * Restores a session from a checkpoint written for the same config. The manifest is validated
 * and checked against the session before anything is assigned, so a refused checkpoint leaves
 * the session as it was; a mismatch names the tensor or field.
 */
export function restoreCheckpoint(session: GanSession, checkpoint: EncodedCheckpoint, where: string): void {
  const manifest = validateCheckpoint(checkpoint.manifest, checkpoint.weights, where);
  checkFits(session, manifest, where);
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const buffer = Uint8Array.from(checkpoint.weights).buffer;
  const loaded = tf.io.decodeWeights(buffer, specs);
  try {
    const { G, D, optimizers, rngs, objective } = session;
    for (const p of [...G.params, ...G.buffers, ...D.params, ...D.buffers]) p.variable.assign(loaded[p.name]);
    for (const [name, v] of stabilizerVariables(session)) v.assign(loaded[name]);
    for (const [key, s] of keyedStabilizers(session)) {
      const values = manifest.state.stabilizers?.[key];
      if (s.state?.restoreValues && values) s.state.restoreValues(values);
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
    if (objective.loss.state && manifest.state.loss) objective.loss.state.restore(manifest.state.loss);
    session.step = manifest.step;
  } finally {
    tf.dispose(Object.values(loaded));
  }
}

/** A short, stable fingerprint of a JSON value (config identity in run names). */
export function fingerprint(value: unknown): string {
  return hashString(JSON.stringify(value)).toString(16).padStart(8, '0');
}
