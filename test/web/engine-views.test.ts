/**
 * The lab's views beyond the step, through the engine as the worker drives it (Node, wasm): one
 * player's update alone, slow motion, G's manifold, the doctor's findings with remedies as lab
 * settings, a points file, and a CLI run loaded from its files.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { REMEDY_NAMES, resolveConfig } from '../../src/config/index.ts';
import { DOCTOR_CHANGES, type Finding } from '../../src/doctor/index.ts';
import { nodeWasmDir, useNodeBackend } from '../../src/node/backends.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { disposeSession } from '../../src/train/index.ts';
import type { LabSettings, WorkerEvent } from '../../web/src/protocol.ts';
import { DRAWN, SLOW_MS, configFor, createEngine, manifoldOf, offerSettings, type EngineOptions } from '../../web/src/worker/engine.ts';
import { tar, untar } from '../../web/src/worker/tar.ts';

const base: LabSettings = { data: 'ring8', loss: 'non-saturating', remedies: [], lrG: 5e-4, lrD: 5e-4, k: 1, seed: 0 };

function harness(options: Partial<EngineOptions> = {}) {
  const events: WorkerEvent[] = [];
  const engine = createEngine((e) => events.push(e), { wasmDir: nodeWasmDir(), ...options });
  const all = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  const last = <T extends WorkerEvent['type']>(type: T) => all(type).at(-1);
  return { engine, events, last, all, init: (settings = base) => engine.handle({ type: 'init', settings, backend: 'wasm', evalEvery: 10, evalSamples: 200 }) };
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('one player alone', () => {
  it('step D leaves G (its manifold) and the step count as they were; step G moves G; each is counted and pictured', async () => {
    const { engine, all, last, init } = harness();
    await init();
    const before = last('eval')!.manifold!.grid;
    await engine.handle({ type: 'step', count: 1, player: 'd' });
    expect(last('player')).toMatchObject({ player: 'd', step: 0, updates: { d: 1, g: 0 } });
    expect(Number.isFinite(last('player')!.loss)).toBe(true);
    expect(last('view')!.manifold!.grid).toEqual(before);
    expect(last('state')).toMatchObject({ step: 0 });
    await engine.handle({ type: 'step', count: 1, player: 'g' });
    expect(last('player')).toMatchObject({ player: 'g', step: 0, updates: { d: 1, g: 1 } });
    expect(last('view')!.manifold!.grid).not.toEqual(before);
    expect(all('steps')).toHaveLength(0);
    // The export says the weights had updates its records do not show.
    await engine.handle({ type: 'export' });
    const files = untar(last('export')!.archive);
    const config = JSON.parse(new TextDecoder().decode(files.find((f) => f.path.endsWith('config.json'))!.data)) as { _run: Record<string, unknown> };
    expect(config._run.singlePlayerUpdates).toEqual({ d: 1, g: 1 });
  });
});

describe('slow motion', () => {
  it('plays one step per message, each followed by a picture, at most one step per pause', async () => {
    const { engine, all, last, init } = harness();
    await init();
    await engine.handle({ type: 'slow', on: true });
    expect(last('state')!.slow).toBe(true);
    void engine.handle({ type: 'play' });
    await new Promise((r) => setTimeout(r, 4 * SLOW_MS));
    await engine.handle({ type: 'pause' });
    const chunks = all('steps');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.every((c) => c.records.length === 1)).toBe(true);
    // A step every SLOW_MS at most (the first at once).
    expect(chunks.length).toBeLessThanOrEqual(5);
    expect(all('view').length + all('eval').length - 1).toBe(chunks.length);
  });
});

describe('manifoldOf', () => {
  it('is G on a 15 × 15 grid over (z₁, z₂) ∈ [−2, 2]², the other coordinates 0', () => {
    const session = sessionFromConfig(configFor(base, 25, 1000));
    const m = manifoldOf(session)!;
    expect([m.grid.length, m.grid[0].length, m.span, m.noiseDim]).toEqual([15, 15, 2, 8]);
    // Row 3, column 11: z₂ = −2 + 4·3/14, z₁ = −2 + 4·11/14.
    const z = [-2 + (4 * 11) / 14, -2 + (4 * 3) / 14, 0, 0, 0, 0, 0, 0];
    const expected = tf.tidy(() => Array.from(session.G.apply(tf.tensor2d([z]), { training: false }).dataSync()));
    expect(m.grid[3][11][0]).toBeCloseTo(expected[0], 5);
    expect(m.grid[3][11][1]).toBeCloseTo(expected[1], 5);
    disposeSession(session);
  });

  it('is a line for 1-D noise', () => {
    const session = sessionFromConfig(resolveConfig({ preset: 'ring8', flags: { model: { noiseDim: 1 } } }));
    const m = manifoldOf(session)!;
    expect([m.grid.length, m.grid[0].length, m.noiseDim]).toEqual([1, 60, 1]);
    disposeSession(session);
  });
});

describe('offerSettings', () => {
  const config = configFor(base, 25, 1000);
  it('switches a catalogue remedy on, once', () => {
    for (const name of REMEDY_NAMES.filter((n) => n !== 'none')) expect(offerSettings(base, config, name)).toEqual({ ...base, remedies: [name] });
    expect(offerSettings({ ...base, remedies: ['pac2'] }, config, 'pac2')).toBeNull();
  });

  it("reads the doctor-only changes' patches into the loss, learning rate and k controls", () => {
    expect(offerSettings({ ...base, loss: 'minimax' }, config, 'non-saturating')).toEqual({ ...base, loss: 'non-saturating' });
    expect(offerSettings(base, config, 'lower-lr')).toEqual({ ...base, lrG: 5e-5, lrD: 5e-5 });
    expect(offerSettings(base, config, 'lower-lr-d')).toEqual({ ...base, lrD: 1.25e-4 });
    const k3 = configFor({ ...base, k: 3 }, 25, 1000);
    expect(offerSettings({ ...base, k: 3 }, k3, 'one-d-step')).toEqual({ ...base, k: 1 });
    // A change that changes nothing here is not offered as a button.
    expect(offerSettings(base, config, 'one-d-step')).toBeNull();
    // The conditioning controls: a projection D is the lab's condition selector; the embedding width and ACGAN's weight have no control.
    const concat = configFor({ ...base, condition: 'concat' }, 25, 1000);
    expect(offerSettings({ ...base, condition: 'concat' }, concat, 'projection-d')).toEqual({ ...base, condition: 'projection' });
    expect(offerSettings({ ...base, condition: 'concat' }, concat, 'wider-embedding')).toBeNull();
    expect(Object.keys(DOCTOR_CHANGES).sort()).toEqual(['lower-aux-weight', 'lower-lr', 'lower-lr-d', 'non-saturating', 'one-d-step', 'projection-d', 'wider-embedding']);
    expect(offerSettings(base, config, 'no-such-remedy')).toBeNull();
  });
});

describe('the doctor in the lab', () => {
  it("reports a confirmed finding once, with its remedies as settings the page can apply", async () => {
    const diagnose = (records: readonly { step: number }[]): Finding[] =>
      (records.at(-1)?.step ?? 0) >= 20
        ? [{ pathology: 'mode-collapse', severity: 'critical', fromStep: 15, evidence: { modes: 1, nan: Number.NaN }, explanation: 'scripted', remedies: [{ remedy: 'pac2', change: '--set …', sets: [], why: 'scripted' }, { remedy: 'lower-lr', change: '--set …', sets: [], why: 'scripted' }] }]
        : [];
    const { engine, all, init } = harness({ doctor: { every: 5, warmup: 0, confirmations: 2, diagnose: diagnose as never } });
    await init();
    await engine.handle({ type: 'step', count: 40 });
    const findings = all('finding');
    expect(findings).toHaveLength(1);
    // Seen at 20, confirmed at the next look (25).
    expect(findings[0].finding).toMatchObject({ step: 25, pathology: 'mode-collapse', fromStep: 15, evidence: { modes: 1 } });
    expect(findings[0].offers.map((o) => o.settings)).toEqual([{ ...base, remedies: ['pac2'] }, { ...base, lrG: 5e-5, lrD: 5e-5 }]);
  });
});

describe('class conditioning in the lab', () => {
  it("restarts with G asked for each mode; evaluations carry class accuracy, the arrows and the manifold work", async () => {
    const { engine, last, init } = harness();
    await init();
    await engine.handle({ type: 'settings', settings: { ...base, condition: 'concat' } });
    const config = last('config')!;
    expect([config.applied, config.config.model.condition]).toEqual(['restarted', 'concat']);
    const e = last('eval')!;
    expect(e.record.classAccuracy).toBeGreaterThanOrEqual(0);
    expect(e.pushes).toHaveLength(e.snapshot.fake.length);
    expect(e.manifold!.grid).toHaveLength(15);
    await engine.handle({ type: 'step', count: 10 });
    expect(last('eval')!.record.step).toBe(10);
    expect(last('error')).toBeUndefined();
    // Conditioning on data without labels is refused, and the conditional session keeps running.
    await engine.handle({ type: 'settings', settings: { ...base, data: 'spiral', condition: 'projection' } });
    expect(last('error')!.message).toContain("'projection' needs labelled data");
    expect(last('config')!.config.model.condition).toBe('concat');
  });
});

describe('a points file', () => {
  it('trains on a CSV with a header, and refuses a malformed one naming the line', async () => {
    const { engine, last, init } = harness();
    await init();
    await engine.handle({ type: 'points-file', name: 'two.csv', text: 'x,y\n-1,0.5\n1,-0.5\n' });
    expect(last('drawn')).toMatchObject({ points: [[-1, 0.5], [1, -0.5]], source: 'two.csv' });
    expect(last('config')!.settings.data).toBe(DRAWN);
    expect(new Set(last('eval')!.snapshot.real.map((p) => p.join(',')))).toEqual(new Set(['-1,0.5', '1,-0.5']));
    await engine.handle({ type: 'points-file', name: 'bad.csv', text: 'x,y\n1,2\n3,oops\n' });
    expect(last('error')!.message).toContain('line 3, column 2 is "oops", not a number');
    await engine.handle({ type: 'points-file', name: 'three.csv', text: '1,2,3\n4,5,6\n' });
    expect(last('error')!.message).toBe('three.csv: 3 columns; the lab trains on 2-D points (x, y)');
    // Neither refusal touched the session on the good file.
    expect(last('config')!.settings.data).toBe(DRAWN);
  });
});

describe('loading a run', () => {
  /** A run exported by one engine after `steps` steps, as the files of its tar. */
  async function exported(steps: number, settings = base) {
    const a = harness();
    await a.init(settings);
    await a.engine.handle({ type: 'step', count: steps });
    await a.engine.handle({ type: 'export' });
    return { files: untar(a.last('export')!.archive), lastEval: a.last('eval')!, a };
  }

  it('continues from the checkpoint with the charts of its records, and trains on exactly as the run would have', async () => {
    const { files, a } = await exported(20, { ...base, remedies: ['pac2'], lrD: 1e-3 });
    const b = harness();
    await b.init();
    await b.engine.handle({ type: 'load', name: 'run.tar', files });
    const loaded = b.last('config')!;
    expect([loaded.applied, loaded.step]).toEqual(['loaded', 20]);
    expect(loaded.config.stabilizers.map((s) => s.name)).toEqual(['packing']);
    expect(loaded.settings).toMatchObject({ data: 'ring8', lrD: 1e-3, seed: 0 });
    const history = b.last('history')!.records;
    expect(history.filter((r) => r.kind === 'step')).toHaveLength(20);
    expect(history.filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([0, 10, 20]);
    // Ten more steps in each: the loaded session and the one that never stopped give the same records.
    await a.engine.handle({ type: 'step', count: 10 });
    await b.engine.handle({ type: 'step', count: 10 });
    const tail = (h: ReturnType<typeof harness>) => h.all('steps').flatMap((e) => e.records).slice(-10).map(({ ms: _ms, ...r }) => r);
    expect(tail(b)).toEqual(tail(a));
  });

  it('refuses a tampered checkpoint, a missing config and non-planar data, and keeps the session it had', async () => {
    const { files } = await exported(10);
    const b = harness();
    await b.init();
    await b.engine.handle({ type: 'step', count: 3 });
    const tampered = files.map((f) => (f.path.endsWith('weights.bin') ? { ...f, data: f.data.map((v, i) => (i === 100 ? v ^ 1 : v)) } : f));
    await b.engine.handle({ type: 'load', name: 'run.tar', files: tampered });
    expect(b.last('error')!.message).toMatch(/checkpoints\/10/);
    await b.engine.handle({ type: 'load', name: 'loose', files: files.filter((f) => !f.path.endsWith('config.json')) });
    expect(b.last('error')!.message).toContain('loose: no config.json');
    const mnist = files.map((f) => (f.path.endsWith('config.json') ? { ...f, data: new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(f.data)), data: { kind: 'mnist' } })) } : f));
    await b.engine.handle({ type: 'load', name: 'mnist.tar', files: mnist });
    expect(b.last('error')!.message).toMatch(/^mnist\.tar: the run trains 'mnist'; the lab shows 2-D data/);
    const brokenLog = files.map((f) => (f.path.endsWith('metrics.jsonl') ? { ...f, data: new TextEncoder().encode('{"kind":"step"\n') } : f));
    await b.engine.handle({ type: 'load', name: 'log.tar', files: brokenLog });
    expect(b.last('error')!.message).toMatch(/^log\.tar\/metrics\.jsonl line 1: not JSON/);
    await b.engine.handle({ type: 'step', count: 1 });
    expect(b.last('state')!.step).toBe(4);
  });

  it('reads a tar that tar(1)-style archives would give: the reader and writer agree, and garbage is refused', () => {
    const files = [{ path: 'r/config.json', data: new TextEncoder().encode('{}') }, { path: 'r/checkpoints/5/weights.bin', data: Uint8Array.from({ length: 700 }, (_, i) => i % 256) }];
    expect(untar(tar(files))).toEqual(files);
    expect(() => untar(new Uint8Array(1024).fill(7), 'junk.tar')).toThrow(/^junk\.tar: not a tar archive/);
    expect(() => untar(tar(files).slice(0, 3 * 512 + 100), 'cut.tar')).toThrow(/^cut\.tar: truncated/);
  });
});
