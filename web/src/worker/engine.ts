/**
 * The one adapter between the lab and the library's training API. Everything the worker does to
 * a GAN goes through here: config (`resolveConfig` with the remedies), session (`buildSession`),
 * the step (`ganStep`) and measurement (`evaluate`). The rest of the web app sees only the typed
 * {@link WorkerEvent}s this emits, so swapping today's API for `runSession` with a memory store
 * changes this file alone.
 */
import { CONDITIONS, PRESETS, REMEDIES, resolveConfig, type RunConfig } from '../../../src/config/index.ts';
import { defineDataset, extendDatasets, parsePoints, points, toyDatasets, TOY_DATASET_NAMES, type Dataset } from '../../../src/data/index.ts';
import { DOCTOR_CHANGES, LiveDoctor, findingRecord, type LiveDoctorOptions } from '../../../src/doctor/index.ts';
import { cyclingLabels, labelsCondition } from '../../../src/nn/index.ts';
import { memoryStore, restoreRun, sessionFromConfig } from '../../../src/run/index.ts';
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs-core';
import { DivergenceError } from '../../../src/errors.ts';
import { LOSSES, LOSS_NAMES } from '../../../src/losses/index.ts';
import { packingOf } from '../../../src/stabilizers/index.ts';
import { cpuCandidate, useBackend, wasmCandidate, type BackendCandidate, type BackendName } from '../../../src/tensor/index.ts';
import {
  MANIFEST_FILE,
  WEIGHTS_FILE,
  disposeSession,
  encodeCheckpoint,
  evaluate,
  ganStep,
  playerStep,
  runRecordSchema,
  type CheckpointManifest,
  type EvalRecord,
  type GanSession,
  type SampleSnapshot,
  type StepRecord,
} from '../../../src/train/index.ts';
import { tar, type TarFile } from './tar.ts';
import type { Catalog, Command, LabOffer, LabSettings, Manifold, Player, WorkerEvent } from '../protocol.ts';

/** The `data` setting that trains on the user's drawn points. */
export const DRAWN = 'drawn';

/** The preset whose model and optimizers a toy dataset without its own preset borrows. */
const BASE_PRESET = 'ring8';

/** Steps per `steps` message while playing: the page redraws per message, not per step. */
const CHUNK_MS = 40;

/** Slow motion's pause after each step (with its picture), so a person can follow the moves. */
export const SLOW_MS = 300;

/** Lines of G's manifold each way, and how far z₁, z₂ reach (in units of N(0, 1)'s σ; U(−1, 1)'s whole range). */
const MANIFOLD_LINES = 15;
const MANIFOLD_SPAN = { normal: 2, uniform: 1 } as const;

/**
 * The webgl backend (registered by `@tensorflow/tfjs`, which the core's backend module imports;
 * in a worker it renders to an OffscreenCanvas). Under `auto` a software rasterizer (SwiftShader,
 * llvmpipe) is skipped: measured, it trains ring8 at ~1 step/s against ~40 on wasm.
 */
function webglCandidate(refuseSoftware: boolean): BackendCandidate {
  return {
    name: 'webgl',
    async init() {
      if (typeof OffscreenCanvas === 'undefined') throw new Error('no OffscreenCanvas in this worker');
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      if (!gl) throw new Error('no WebGL2 context');
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      if (refuseSoftware && /swiftshader|llvmpipe|software/i.test(renderer)) throw new Error(`software renderer (${renderer}); ask for it with ?backend=webgl`);
      return { renderer };
    },
  };
}

/**
 * Toy datasets the lab can pick with no parameters and whose samples are 2-D points (what the
 * heatmap shows): every registry entry whose bare `{ kind }` passes the config schema and builds
 * a dataset of shape [2].
 */
function planarDatasets(): string[] {
  return TOY_DATASET_NAMES.filter((kind) => {
    const definition = toyDatasets.get(kind);
    const parsed = definition.schema.safeParse({ kind });
    if (!parsed.success) return false;
    const data = definition.build(parsed.data);
    const planar = data.shape.length === 1 && data.shape[0] === 2;
    data.dispose?.();
    return planar;
  });
}

/**
 * The lab's data sources: the toy sets, and the points drawn on the canvas as a `points` kind
 * (`path: 'drawn'`) read from memory, not from a file.
 */
function labDatasets(drawnPoints: () => Dataset) {
  return extendDatasets(toyDatasets, [
    defineDataset({ kind: 'points', summary: 'points drawn on the canvas', schema: z.strictObject({ kind: z.literal('points'), path: z.string().min(1) }), build: drawnPoints }),
  ]);
}

/** The selectors' choices, straight from the registries. */
export function catalog(): Catalog {
  const datasets = planarDatasets().map((name) => ({ name, summary: PRESETS[name]?.summary ?? `the '${name}' toy dataset with its default parameters` }));
  return {
    losses: LOSS_NAMES.map((name) => ({ name, summary: LOSSES[name].summary })),
    remedies: Object.entries(REMEDIES)
      .filter(([name]) => name !== 'none')
      .map(([name, r]) => ({ name, summary: r.summary })),
    datasets: [...datasets, { name: DRAWN, summary: 'the points you draw on the canvas (click or drag)' }],
    conditions: Object.entries(CONDITIONS).map(([name, summary]) => ({ name, summary })),
  };
}

/**
 * The run config the lab's settings describe: the dataset's preset (or ring8's model for a
 * dataset without one), the chosen loss, k, learning rates and seed, then the remedies in order
 * (a remedy that swaps the loss wins over the loss selector).
 */
export function configFor(settings: LabSettings, evalEvery: number, evalSamples: number): RunConfig {
  const preset = settings.data in PRESETS ? settings.data : BASE_PRESET;
  const data = settings.data === DRAWN ? { kind: 'points', path: DRAWN } : { kind: settings.data };
  return resolveConfig({
    preset,
    datasets: labDatasets(() => points([[0, 0], [1, 1]], 2)),
    flags: {
      data,
      loss: { name: settings.loss },
      dStepsPerG: settings.k,
      seed: settings.seed,
      optim: { g: { lr: settings.lrG }, d: { lr: settings.lrD } },
      eval: { every: evalEvery, samples: evalSamples },
      ...(settings.condition && settings.condition !== 'none' ? { model: { condition: settings.condition } } : {}),
    },
    // The remedies bring their recommended settings where the lab's controls leave a field open (β2, λ, spectral norm's hinge).
    remedy: settings.remedies.length ? settings.remedies.join('+') : undefined,
  });
}

/** The parts of the settings that change only numbers the running session reads each step. */
function onlyLiveChanges(a: LabSettings, b: LabSettings): boolean {
  return a.data === b.data && a.loss === b.loss && a.seed === b.seed && a.remedies.join('+') === b.remedies.join('+') && (a.condition ?? 'none') === (b.condition ?? 'none');
}

/**
 * The direction G's loss pushes each generated point: −∂L_G/∂x through D as it is now (GAN Lab's
 * gradient arrows), from the loss's own `g` term on D's outputs. Stabilizers that change G's
 * objective (feature matching, unrolling's look-ahead) are not in it. Points are taken in whole
 * packs when D judges packs.
 */
export function generatorPushes(session: GanSession, fake: number[][], real: number[][]): number[][] {
  const m = packingOf(session.stabilizers);
  const n = Math.min(fake.length, real.length);
  const count = n - (n % m);
  if (count === 0) return [];
  return tf.tidy(() => {
    // A conditional D judges each point with the class it was generated for: the evaluator asks for class i mod classes.
    const ctx = { training: false, ...labelsCondition(session.classes === null ? undefined : cyclingLabels(count, session.classes)) };
    const dReal = session.D.apply(tf.tensor2d(real.slice(0, count)), ctx);
    const lossOf = (x: tf.Tensor) => session.objective.loss.g(session.D.apply(x, ctx), dReal);
    const grad = tf.grad(lossOf)(tf.tensor2d(fake.slice(0, count)));
    return tf.neg(grad).arraySync() as number[][];
  });
}

/**
 * G's manifold: G (the weights being trained) on a {@link MANIFOLD_LINES}² grid over z₁, z₂ with
 * the other coordinates of z at 0, or on a line of 4× as many points for 1-D noise. Only for 2-D data.
 */
export function manifoldOf(session: GanSession): Manifold | undefined {
  const dim = session.noise.dim;
  if (session.data.shape.length !== 1 || session.data.shape[0] !== 2) return undefined;
  const span = MANIFOLD_SPAN[session.noise.distribution];
  const ticks = (n: number) => Array.from({ length: n }, (_, i) => -span + (2 * span * i) / (n - 1));
  const rows = dim === 1 ? [0] : ticks(MANIFOLD_LINES);
  const cols = ticks(dim === 1 ? 4 * MANIFOLD_LINES : MANIFOLD_LINES);
  const z = new Float32Array(rows.length * cols.length * dim);
  rows.forEach((z2, i) =>
    cols.forEach((z1, j) => {
      const at = (i * cols.length + j) * dim;
      z[at] = z1;
      if (dim > 1) z[at + 1] = z2;
    }),
  );
  // A conditional G is drawn for class 0 (the manifold of one class).
  const labels = session.classes === null ? undefined : new Int32Array(rows.length * cols.length);
  const out = tf.tidy(() => session.G.apply(tf.tensor2d(z, [rows.length * cols.length, dim]), { training: false, ...labelsCondition(labels) }).dataSync() as Float32Array);
  const grid = rows.map((_, i) => cols.map((_, j) => [out[2 * (i * cols.length + j)], out[2 * (i * cols.length + j) + 1]]));
  return { grid, span, noiseDim: dim };
}

/**
 * The lab settings that apply a change the doctor offers: a catalogue remedy is switched on; a
 * doctor-only change (`non-saturating`, `lower-lr`, `lower-lr-d`, `one-d-step`) has its config
 * patch read into the lab's controls (loss, learning rates, k). Null when the patch touches
 * anything else, or the remedy is on already.
 */
export function offerSettings(settings: LabSettings, config: RunConfig, remedy: string): LabSettings | null {
  if (remedy in REMEDIES) return settings.remedies.includes(remedy) ? null : { ...settings, remedies: [...settings.remedies, remedy] };
  if (!(remedy in DOCTOR_CHANGES)) return null;
  const { loss, optim, dStepsPerG, model, ...rest } = DOCTOR_CHANGES[remedy as keyof typeof DOCTOR_CHANGES].patch(config) as {
    loss?: { name: string };
    optim?: { g?: { lr?: number }; d?: { lr?: number } };
    dStepsPerG?: number;
    model?: Record<string, unknown>;
  };
  // Of the model, the lab sets only the conditioning.
  const { condition, ...otherModel } = model ?? {};
  if (Object.keys(rest).length || Object.keys(otherModel).length) return null;
  const next: LabSettings = {
    ...settings,
    ...(condition !== undefined ? { condition: condition as LabSettings['condition'] } : {}),
    ...(loss ? { loss: loss.name } : {}),
    ...(optim?.g?.lr !== undefined ? { lrG: optim.g.lr } : {}),
    ...(optim?.d?.lr !== undefined ? { lrD: optim.d.lr } : {}),
    ...(dStepsPerG !== undefined ? { k: dStepsPerG } : {}),
  };
  return JSON.stringify(next) === JSON.stringify(settings) ? null : next;
}

/** The files of a run directory, however they were picked: paths relative to the folder that holds `config.json`. */
function runFiles(files: readonly { path: string; data: Uint8Array }[], name: string): Map<string, Uint8Array> {
  const configs = files.map((f) => f.path.replace(/\\/g, '/')).filter((p) => p === 'config.json' || p.endsWith('/config.json'));
  if (configs.length === 0) throw new Error(`${name}: no config.json: load a run directory (as a tar, or its config.json, metrics.jsonl and checkpoints/<step>/ files)`);
  const root = configs.sort((a, b) => a.length - b.length)[0].slice(0, -'config.json'.length);
  return new Map(files.map((f) => [f.path.replace(/\\/g, '/'), f.data] as const).filter(([p]) => p.startsWith(root)).map(([p, d]) => [p.slice(root.length), d]));
}

/**
 * A CLI run directory's files as a memory store: its config (and `_run` facts), its records
 * through the record schema, and its checkpoints as they were saved. Nothing is trusted:
 * `restoreRun` validates the config and verifies the checkpoint's digest.
 */
export async function storeFromFiles(files: readonly { path: string; data: Uint8Array }[], name: string): Promise<{ store: ReturnType<typeof memoryStore>; files: Map<string, Uint8Array> }> {
  const byPath = runFiles(files, name);
  const read = (path: string) => new TextDecoder().decode(byPath.get(path));
  /** JSON text of the file at `where`, or an error naming it. */
  const json = (text: string, where: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new Error(`${name}/${where}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const store = memoryStore(name);
  const stored = json(read('config.json'), 'config.json') as Record<string, unknown>;
  const { _run, ...config } = stored;
  await store.writeConfig(config as unknown as RunConfig, (_run ?? {}) as Record<string, unknown>);
  if (byPath.has('metrics.jsonl')) {
    read('metrics.jsonl')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const parsed = runRecordSchema.safeParse(json(line, `metrics.jsonl line ${i + 1}`));
        if (!parsed.success) throw new Error(`${name}/metrics.jsonl line ${i + 1}: not a run record (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        store.run.records.push(parsed.data);
      });
  }
  // A checkpoint's two files picked on their own (not under checkpoints/<step>/): placed by the step their manifest names.
  if (byPath.has(MANIFEST_FILE) && byPath.has(WEIGHTS_FILE)) {
    const step = (json(read(MANIFEST_FILE), MANIFEST_FILE) as { step?: unknown }).step;
    if (typeof step !== 'number') throw new Error(`${name}/${MANIFEST_FILE}: no step in it; is it a saddlepoint checkpoint?`);
    byPath.set(`checkpoints/${step}/${MANIFEST_FILE}`, byPath.get(MANIFEST_FILE)!);
    byPath.set(`checkpoints/${step}/${WEIGHTS_FILE}`, byPath.get(WEIGHTS_FILE)!);
  }
  for (const [path, data] of byPath) {
    const m = /^checkpoints\/(\d+)\/(.+)$/.exec(path);
    if (!m || m[2] !== MANIFEST_FILE) continue;
    const weights = byPath.get(`checkpoints/${m[1]}/${WEIGHTS_FILE}`);
    if (!weights) throw new Error(`${name}/checkpoints/${m[1]}: ${WEIGHTS_FILE} is missing`);
    store.run.checkpoints.set(Number(m[1]), { manifest: json(new TextDecoder().decode(data), path) as CheckpointManifest, weights });
  }
  return { store, files: byPath };
}

/** What a session has produced since it was built: the records and snapshots an exported run directory holds. */
interface RunLog {
  records: (StepRecord | EvalRecord)[];
  snapshots: SampleSnapshot[];
}

/**
 * The session as a run directory in the layout the CLI writes and reads (`report`, `eval`,
 * `--resume`): `config.json` (with `_run` facts), `metrics.jsonl`, `samples/<step>.json` and a
 * checkpoint of the session as it is now. All under one folder named like a CLI run.
 */
export async function exportRun(session: GanSession, config: RunConfig, log: RunLog, facts: Record<string, unknown>): Promise<{ fileName: string; archive: Uint8Array<ArrayBuffer> }> {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
  const dir = `lab-${config.data.kind}-s${config.seed}-step${session.step}`;
  const checkpoint = await encodeCheckpoint(session);
  const files: TarFile[] = [
    { path: `${dir}/config.json`, data: encode({ ...config, _run: facts }) },
    { path: `${dir}/metrics.jsonl`, data: new TextEncoder().encode(log.records.map((r) => JSON.stringify(r) + '\n').join('')) },
    ...log.snapshots.map((s) => ({ path: `${dir}/samples/${s.step}.json`, data: encode(s) })),
    { path: `${dir}/checkpoints/${session.step}/${MANIFEST_FILE}`, data: encode(checkpoint.manifest) },
    { path: `${dir}/checkpoints/${session.step}/${WEIGHTS_FILE}`, data: checkpoint.weights },
  ];
  return { fileName: `${dir}.tar`, archive: tar(files) };
}

/** Options the worker starts with. */
export interface EngineOptions {
  /** Where the tfjs wasm binaries are served, ending in `/`. */
  wasmDir: string;
  /** The live doctor's cadence and diagnosis (default: the CLI's `train --doctor`); tests script it. */
  doctor?: LiveDoctorOptions;
}

/** The lab's trainer: takes {@link Command}s, emits {@link WorkerEvent}s. */
export interface Engine {
  handle(command: Command): Promise<void>;
}

/** Creates the trainer; `emit` posts an event to the page. */
export function createEngine(emit: (event: WorkerEvent) => void, options: EngineOptions): Engine {
  let settings: LabSettings | undefined;
  let config: RunConfig | undefined;
  let session: GanSession | undefined;
  let drawn: number[][] = [];
  let playing = false;
  let loop: Promise<void> | undefined;
  let evalEvery = 25;
  let evalSamples = 1000;
  let backendName = '';
  let log: RunLog = { records: [], snapshots: [] };
  let slow = false;
  let doctor: LiveDoctor | undefined;
  /** Single-player updates since the session was built (an export says so: its records do not show them). */
  let updates = { d: 0, g: 0 };
  /** What the session was loaded from, when it continues a CLI run. */
  let loadedFrom: string | undefined;

  const state = () => emit({ type: 'state', playing, step: session?.step ?? 0, slow });

  /** The live doctor reads every record; each pathology it confirms reaches the page once, with its remedies as lab settings. */
  function observe(record: StepRecord | EvalRecord): void {
    for (const f of doctor?.observe(record) ?? []) {
      const finding = findingRecord(record.step, f);
      const offers: LabOffer[] = finding.remedies.map((r) => ({ remedy: r.remedy, change: r.change, why: r.why, settings: offerSettings(settings!, config!, r.remedy) }));
      emit({ type: 'finding', finding, offers });
    }
  }

  function picture(s: GanSession, snapshot: SampleSnapshot) {
    return { snapshot, pushes: snapshot.dim === 2 ? generatorPushes(s, snapshot.fake, snapshot.real) : undefined, manifold: manifoldOf(s) };
  }

  function measure(s: GanSession): void {
    const { record, snapshot } = evaluate(s, { samples: evalSamples, seed: config!.seed, surfaceResolution: 48, snapshotPoints: 500 });
    log.records.push(record);
    log.snapshots.push(snapshot);
    emit({ type: 'eval', record, ...picture(s, snapshot) });
    observe(record);
  }

  /** A picture of the session as it is, recording nothing: D's surface, G's samples, their pushes and G's manifold. */
  function view(s: GanSession): void {
    const { snapshot } = evaluate(s, { samples: 500, seed: config!.seed, surfaceResolution: 48, snapshotPoints: 500, health: false });
    emit({ type: 'view', step: s.step, ...picture(s, snapshot) });
  }

  /** A new session takes over: the old one is freed, its log and doctor start afresh. */
  function adopt(nextSession: GanSession, nextConfig: RunConfig, next: LabSettings, records: (StepRecord | EvalRecord)[] = []): void {
    if (session) disposeSession(session);
    session = nextSession;
    config = nextConfig;
    log = { records: [...records], snapshots: [] };
    settings = next;
    updates = { d: 0, g: 0 };
    doctor = new LiveDoctor(nextConfig, records, options.doctor);
  }

  /** Builds a fresh session at step 0 from the settings; a config the core refuses leaves the old session running. */
  function rebuild(next: LabSettings, applied: 'initial' | 'restarted'): void {
    const nextConfig = configFor(next, evalEvery, evalSamples);
    if (next.data === DRAWN && drawn.length < 2) throw new Error('draw at least 2 points on the canvas before training on them');
    const nextSession = sessionFromConfig(nextConfig, labDatasets(() => points(drawn, 2, { name: DRAWN })));
    adopt(nextSession, nextConfig, next);
    loadedFrom = undefined;
    emit({ type: 'config', config: nextConfig, settings: next, applied, step: 0, warnings: nextSession.warnings ?? [] });
    measure(nextSession);
    state();
  }

  /**
   * Continues a CLI run in the lab: its files as a store, restored as `train --resume` restores
   * it (config validated, checkpoint verified), its records up to the checkpoint shown in the
   * charts. The run's own config trains (its stabilizers as they are); the controls show its
   * data, loss, learning rates, k and seed. A run on points reads them from the same files.
   */
  async function load(files: { path: string; data: Uint8Array }[], name: string): Promise<void> {
    const { store, files: byPath } = await storeFromFiles(files, name);
    const { config: raw } = await store.readConfig();
    const data = (raw as { data?: { kind?: unknown; path?: unknown } }).data;
    let loadedPoints = drawn;
    if (data?.kind === 'points') {
      const path = String(data.path);
      const file = [...byPath.keys()].find((p) => p === path || p.endsWith(`/${path.split('/').at(-1)}`));
      if (!file) throw new Error(`${name}: the run trains on the points in '${path}': add that file to what you load`);
      loadedPoints = parsePoints(new TextDecoder().decode(byPath.get(file)), file.endsWith('.json') ? 'json' : 'csv', `${name}/${file}`);
    } else if (typeof data?.kind !== 'string' || !planarDatasets().includes(data.kind)) {
      throw new Error(`${name}: the run trains '${String(data?.kind)}'; the lab shows 2-D data: ${planarDatasets().join(', ')} or points`);
    }
    const restored = await restoreRun(store, { datasets: labDatasets(() => points(loadedPoints, 2, { name: DRAWN })) });
    const records = (await store.readRecords()).filter((r): r is StepRecord | EvalRecord => (r.kind === 'step' || r.kind === 'eval') && r.step <= restored.session.step);
    const c = restored.config;
    const next: LabSettings = { data: data.kind === 'points' ? DRAWN : c.data.kind, loss: c.loss.name, remedies: [], lrG: c.optim.g.lr, lrD: c.optim.d.lr, k: c.dStepsPerG, seed: c.seed, condition: c.model.condition };
    // The lab's own evaluations keep its cadence; the run's config is otherwise as it was stored.
    const labConfig: RunConfig = { ...c, eval: { ...c.eval, every: evalEvery, samples: evalSamples } };
    drawn = loadedPoints;
    adopt(restored.session, labConfig, next, records);
    loadedFrom = `${name} (${restored.location})`;
    emit({ type: 'config', config: labConfig, settings: next, applied: 'loaded', step: restored.session.step, warnings: [`continuing ${loadedFrom} with its own config; lr and k change it in place, while data, loss, remedies or seed start a new lab run from step 0`, ...(restored.session.warnings ?? [])] });
    emit({ type: 'history', records });
    if (data.kind === 'points') emit({ type: 'drawn', points: drawn, source: name });
    view(restored.session);
    state();
  }

  /** One update of one player alone, then a fresh picture of both. */
  function single(player: Player): void {
    const s = session!;
    const update = playerStep(s, player);
    updates = { ...updates, [player]: updates[player] + 1 };
    const [loss, gradNorm] = update.player === 'd' ? [update.stats.dLoss, update.stats.gradNormD] : [update.stats.gLoss, update.stats.gradNormG];
    emit({ type: 'player', player, loss, gradNorm, step: s.step, updates });
    view(s);
  }

  /** Learning rates and k change in place: the weights and the optimizers' moments are kept. */
  function applyLive(next: LabSettings): void {
    const s = session!;
    s.dStepsPerG = next.k;
    if (s.lrSchedule) s.lrSchedule = { factor: s.lrSchedule.factor, base: { g: next.lrG, d: next.lrD } };
    else {
      s.optimizers.g.lr = next.lrG;
      s.optimizers.d.lr = next.lrD;
    }
    config = { ...config!, dStepsPerG: next.k, optim: { ...config!.optim, g: { ...config!.optim.g, lr: next.lrG }, d: { ...config!.optim.d, lr: next.lrD } } };
    settings = next;
    emit({ type: 'config', config, settings, applied: 'live', step: s.step, warnings: s.warnings ?? [] });
  }

  /** Runs `count` steps (or until paused, for `Infinity`), posting records in chunks of about {@link CHUNK_MS}. */
  async function train(count: number): Promise<void> {
    let left = count;
    while (left > 0 && session) {
      const s = session;
      const records: StepRecord[] = [];
      const t0 = performance.now();
      try {
        while (left > 0 && performance.now() - t0 < CHUNK_MS) {
          const record = ganStep(s);
          records.push(record);
          log.records.push(record);
          left -= 1;
          observe(record);
          if (s.step % evalEvery === 0) measure(s);
          if (slow) break;
        }
      } catch (err) {
        if (records.length) emit({ type: 'steps', records, stepsPerSecond: rate(records) });
        playing = false;
        if (err instanceof DivergenceError) emit({ type: 'diverged', step: err.step, message: err.message });
        else emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        state();
        return;
      }
      emit({ type: 'steps', records, stepsPerSecond: rate(records) });
      if (slow && s.step % evalEvery !== 0) view(s);
      if (count === Infinity && !playing) break;
      // A macrotask, so commands (pause, settings) are handled between chunks.
      await new Promise((resolve) => setTimeout(resolve, slow && left > 0 ? SLOW_MS : 0));
      if (count === Infinity && !playing) break;
    }
  }

  /** Steps per second of the steps themselves (their records' `ms`), evaluations excluded. */
  function rate(records: StepRecord[]): number {
    const ms = records.reduce((sum, r) => sum + r.ms, 0);
    return ms > 0 ? (1000 * records.length) / ms : 0;
  }

  async function play(): Promise<void> {
    if (playing || !session) return;
    playing = true;
    state();
    const mine = train(Infinity);
    loop = mine;
    await mine;
    // A reset may have started a new loop meanwhile; only the latest loop reports its end.
    if (loop !== mine) return;
    loop = undefined;
    playing = false;
    state();
  }

  /** Stops the play loop and waits for its chunk to finish, so no step runs on a disposed session. */
  async function halt(): Promise<boolean> {
    const was = playing;
    playing = false;
    if (loop) await loop;
    return was;
  }

  return {
    async handle(command) {
      try {
        switch (command.type) {
          case 'init': {
            evalEvery = command.evalEvery;
            evalSamples = command.evalSamples;
            emit({ type: 'catalog', catalog: catalog() });
            const choice = await useBackend(command.backend, [webglCandidate(command.backend === 'auto'), wasmCandidate(options.wasmDir), cpuCandidate]);
            backendName = choice.name;
            emit({ type: 'backend', name: choice.name, skipped: choice.skipped });
            rebuild(command.settings, 'initial');
            break;
          }
          case 'play':
            void play();
            break;
          case 'pause':
            await halt();
            state();
            break;
          case 'step':
            if (!playing && session) {
              if (command.player) single(command.player);
              else await train(command.count);
              state();
            }
            break;
          case 'slow':
            slow = command.on;
            state();
            break;
          case 'load': {
            const was = await halt();
            try {
              await load(command.files, command.name);
            } finally {
              if (was) void play();
            }
            break;
          }
          case 'points-file': {
            const read = parsePoints(command.text, command.name.toLowerCase().endsWith('.json') ? 'json' : 'csv', command.name);
            if (read[0].length !== 2) throw new Error(`${command.name}: ${read[0].length} columns; the lab trains on 2-D points (x, y)`);
            if (read.length < 2) throw new Error(`${command.name}: 1 point; at least 2 are needed`);
            drawn = read;
            emit({ type: 'drawn', points: drawn, source: command.name });
            const was = await halt();
            rebuild({ ...settings!, data: DRAWN }, 'restarted');
            if (was) void play();
            break;
          }
          case 'reset': {
            const was = await halt();
            rebuild(settings!, 'restarted');
            if (was) void play();
            break;
          }
          case 'settings': {
            if (settings && session && onlyLiveChanges(settings, command.settings)) {
              applyLive(command.settings);
              break;
            }
            const was = await halt();
            rebuild(command.settings, 'restarted');
            if (was) void play();
            break;
          }
          case 'export': {
            const was = await halt();
            const facts = { backend: backendName, source: 'saddlepoint lab', ...(loadedFrom ? { continues: loadedFrom } : {}), ...(updates.d + updates.g ? { singlePlayerUpdates: updates } : {}) };
            if (session && config) emit({ type: 'export', ...(await exportRun(session, config, log, facts)) });
            if (was) void play();
            break;
          }
          case 'points': {
            drawn = command.points;
            if (settings?.data === DRAWN && drawn.length >= 2) {
              const was = await halt();
              rebuild(settings, 'restarted');
              if (was) void play();
            }
            break;
          }
        }
      } catch (err) {
        emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}
