import { errorOf } from '../helpers/errors.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.ts';
import { latestCheckpoint, readCheckpoint, validateResume, writeCheckpoint, writeRunConfig } from '../../src/node/index.ts';
import { checkpointDigest, checkpointWarnings, disposeSession, encodeCheckpoint, ganStep, restoreCheckpoint, type GanSession } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { hashTree, tmp } from './helpers.ts';

beforeAll(() => selectTestBackend('cpu'));

const config = tinyConfig({ batchSize: 16, model: { g: { hidden: [8] }, d: { hidden: [8] } }, steps: 50 });

/** A run directory holding config.json and one checkpoint at step 6 (Adam's t = 6 for both players). */
async function runWithCheckpoint(): Promise<{ dir: string; ckpt: string }> {
  const dir = tmp();
  writeRunConfig(dir, config, {});
  const session = sessionFromConfig(config);
  for (let i = 0; i < 6; i++) ganStep(session);
  const ckpt = writeCheckpoint(dir, await encodeCheckpoint(session), 3);
  disposeSession(session);
  return { dir, ckpt };
}

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form edits of JSON on disk

/** Edits checkpoint.json; `reseal` recomputes the digest, as a careful forger would, to reach the schema behind it. */
function edit(ckpt: string, change: (m: Manifest) => void, reseal: boolean): void {
  const path = join(ckpt, 'checkpoint.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  change(m);
  if (reseal) m.digest = checkpointDigest(m as Parameters<typeof checkpointDigest>[0], new Uint8Array(readFileSync(join(ckpt, 'weights.bin'))));
  writeFileSync(path, JSON.stringify(m));
}

const checkpointErrorOf = (fn: () => unknown): CheckpointError => errorOf(CheckpointError, fn);

describe('edited checkpoints are refused with the path and field, and nothing on disk changes', () => {
  it.each<[string, (m: Manifest) => void, RegExp]>([
    ["Adam's t changed 6 → 2", (m) => (m.state.optimizers.g.t = 2), /digest sha256:[0-9a-f]{64} does not match the manifest's/],
    ['one RNG state word changed', (m) => (m.state.rngs.noise.s[2] ^= 1), /checkpoint\.json or weights\.bin was changed after it was written/],
    ['optimizers emptied to {g:{},d:{}}', (m) => (m.state.optimizers = { g: {}, d: {} }), /digest .* does not match/],
  ])('%s (digest)', async (_what, change, message) => {
    const { dir, ckpt } = await runWithCheckpoint();
    edit(ckpt, change, false);
    const before = hashTree(dir);
    const err = checkpointErrorOf(() => validateResume(dir, { steps: 50 }));
    expect(err.message).toContain(ckpt);
    expect(err.message).toMatch(message);
    expect(hashTree(dir)).toBe(before);
  });

  it.each<[string, (m: Manifest) => void, RegExp]>([
    ['the step says 2 in folder 6', (m) => (m.step = 2), /checkpoint\.json: step: says 2 but the folder is named 6; the manifest was edited or moved/],
    ['state.rngs.data deleted', (m) => delete m.state.rngs.data, /state\.rngs\.data: is required \(object\)/],
    ['a garbage RNG state', (m) => (m.state.rngs.penalty = { s: [1, 2, 'x', 4], spare: null }), /state\.rngs\.penalty\.s\[2\]: expected number, got "x"/],
    ['an all-zero RNG state', (m) => (m.state.rngs.dropout.s = [0, 0, 0, 0]), /state\.rngs\.dropout: a random stream state of four zero words/],
    ['an int32 dtype', (m) => (m.weightsManifest[0].weights[0].dtype = 'int32'), /weightsManifest\[0\]\.weights\[0\]\.dtype: got "int32"; allowed: "float32"/],
    ['a version this build does not know', (m) => (m.version = 7), /checkpoint\.json: version: got 7; this build reads versions 1 and 2/],
    ['an unknown state field', (m) => (m.state.extra = 1), /state: unknown field 'extra'/],
    ['byteLength against the specs', (m) => (m.byteLength += 4), /byteLength: says \d+ but its float32 tensors need \d+ bytes/],
  ])('%s (schema, even with a recomputed digest)', async (_what, change, message) => {
    const { dir, ckpt } = await runWithCheckpoint();
    edit(ckpt, change, true);
    const before = hashTree(dir);
    const err = checkpointErrorOf(() => readCheckpoint(ckpt));
    expect(err.message).toContain(ckpt);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(hashTree(dir)).toBe(before);
  });

  it.each<[string, (m: Manifest) => void, RegExp]>([
    ['optimizer scalars removed', (m) => (m.state.optimizers = { g: {}, d: {} }), /state\.optimizers\.g: holds \[\] but adam keeps \[t\]/],
    ['Adam t as a fraction', (m) => (m.state.optimizers.d.t = 2.5), /state\.optimizers\.d\.t: got 2\.5; expected a whole number of steps/],
    ['t = 0 with Adam slots present', (m) => (m.state.optimizers.g.t = 0), /state\.optimizers\.g\.t: is 0 but the checkpoint holds optimizer slots \(m, v\)/],
    ['loss state where the loss keeps none', (m) => (m.state.loss = { k: 0.1 }), /state\.loss: holds loss state but loss 'non-saturating' keeps none/],
  ])('%s: refused against the session before anything is assigned', async (_what, change, message) => {
    const { ckpt } = await runWithCheckpoint();
    edit(ckpt, change, true);
    const checkpoint = readCheckpoint(ckpt);
    const session: GanSession = sessionFromConfig(config);
    const weightsBefore = session.G.params.map((p) => Array.from(p.variable.dataSync()));
    const rngBefore = session.rngs.noise.getState();
    expect(() => restoreCheckpoint(session, checkpoint, ckpt)).toThrow(message);
    // Nothing was assigned: the session is as built.
    expect(session.G.params.map((p) => Array.from(p.variable.dataSync()))).toEqual(weightsBefore);
    expect(session.rngs.noise.getState()).toEqual(rngBefore);
    expect(session.step).toBe(0);
    disposeSession(session);
  });

  it('a missing optimizer slot tensor is named', async () => {
    const dir = tmp();
    const session = sessionFromConfig(config);
    for (let i = 0; i < 3; i++) ganStep(session);
    const encoded = await encodeCheckpoint(session);
    // Drop the last spec and its bytes (the last tensor is an optimizer slot), then reseal.
    const specs = encoded.manifest.weightsManifest[0].weights;
    const last = specs[specs.length - 1];
    const bytes = 4 * last.shape.reduce((a, b) => a * b, 1);
    const weights = encoded.weights.slice(0, encoded.weights.byteLength - bytes);
    const manifest = { ...encoded.manifest, byteLength: weights.byteLength, weightsManifest: [{ paths: ['weights.bin'], weights: specs.slice(0, -1) }] };
    const sealed = { ...manifest, digest: checkpointDigest(manifest, weights) };
    mkdirSync(join(dir, '3'));
    writeFileSync(join(dir, '3', 'checkpoint.json'), JSON.stringify(sealed));
    writeFileSync(join(dir, '3', 'weights.bin'), weights);
    const fresh = sessionFromConfig(config);
    expect(() => restoreCheckpoint(fresh, readCheckpoint(join(dir, '3')), 'here')).toThrow(new RegExp(`tensor '${last.name.replace(/\//g, '\\/')}' is missing: the optimizer state is incomplete`));
    disposeSession(session);
    disposeSession(fresh);
  });

  it('reads a version-1 checkpoint by its old rule (weights checksum) and says its state is not covered', async () => {
    const { dir, ckpt } = await runWithCheckpoint();
    const weights = new Uint8Array(readFileSync(join(ckpt, 'weights.bin')));
    let h = 0x811c9dc5;
    for (const b of weights) h = Math.imul(h ^ b, 0x01000193);
    edit(
      ckpt,
      (m) => {
        delete m.digest;
        delete m.metrics;
        m.version = 1;
        m.checksum = (h >>> 0).toString(16).padStart(8, '0');
      },
      false,
    );
    const { checkpoint } = latestCheckpoint(dir);
    expect(checkpoint.manifest.version).toBe(1);
    expect(checkpointWarnings(checkpoint.manifest)).toEqual([expect.stringMatching(/step 6 is version 1: only its weights are checksummed/)]);
    const session = sessionFromConfig(config);
    restoreCheckpoint(session, checkpoint, ckpt);
    expect(session.step).toBe(6);
    expect(session.optimizers.g.state().scalars).toEqual({ t: 6 });
    disposeSession(session);
    weights[10] ^= 0xff;
    writeFileSync(join(ckpt, 'weights.bin'), weights);
    expect(() => readCheckpoint(ckpt)).toThrow(/weights\.bin checksum [0-9a-f]{8} does not match the manifest's/);
    rmSync(dir, { recursive: true, force: true });
  });
});
