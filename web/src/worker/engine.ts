/**
 * The one adapter between the lab and the library's training API. Everything the worker does to
 * a GAN goes through here: config (`resolveConfig` with the remedies), session (`buildSession`),
 * the step (`ganStep`) and measurement (`evaluate`). The rest of the web app sees only the typed
 * {@link WorkerEvent}s this emits, so swapping today's API for `runSession` with a memory store
 * changes this file alone.
 */
import { PRESETS, REMEDIES, resolveConfig, type RunConfig } from '../../../src/config/index.ts';
import { defineDataset, extendDatasets, points, toyDatasets, TOY_DATASET_NAMES, type Dataset } from '../../../src/data/index.ts';
import { sessionFromConfig } from '../../../src/run/index.ts';
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
  type EvalRecord,
  type GanSession,
  type SampleSnapshot,
  type StepRecord,
} from '../../../src/train/index.ts';
import { tar, type TarFile } from './tar.ts';
import type { Catalog, Command, LabSettings, WorkerEvent } from '../protocol.ts';

/** The `data` setting that trains on the user's drawn points. */
export const DRAWN = 'drawn';

/** The preset whose model and optimizers a toy dataset without its own preset borrows. */
const BASE_PRESET = 'ring8';

/** Steps per `steps` message while playing: the page redraws per message, not per step. */
const CHUNK_MS = 40;

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
    },
    // The remedies bring their recommended settings where the lab's controls leave a field open (β2, λ, spectral norm's hinge).
    remedy: settings.remedies.length ? settings.remedies.join('+') : undefined,
  });
}

/** The parts of the settings that change only numbers the running session reads each step. */
function onlyLiveChanges(a: LabSettings, b: LabSettings): boolean {
  return a.data === b.data && a.loss === b.loss && a.seed === b.seed && a.remedies.join('+') === b.remedies.join('+');
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
    const dReal = session.D.apply(tf.tensor2d(real.slice(0, count)), { training: false });
    const lossOf = (x: tf.Tensor) => session.objective.loss.g(session.D.apply(x, { training: false }), dReal);
    const grad = tf.grad(lossOf)(tf.tensor2d(fake.slice(0, count)));
    return tf.neg(grad).arraySync() as number[][];
  });
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

  const state = () => emit({ type: 'state', playing, step: session?.step ?? 0 });

  function measure(s: GanSession): void {
    const { record, snapshot } = evaluate(s, { samples: evalSamples, seed: config!.seed, surfaceResolution: 48, snapshotPoints: 500 });
    log.records.push(record);
    log.snapshots.push(snapshot);
    emit({ type: 'eval', record, snapshot, pushes: snapshot.dim === 2 ? generatorPushes(s, snapshot.fake, snapshot.real) : undefined });
  }

  /** Builds a fresh session at step 0 from the settings; a config the core refuses leaves the old session running. */
  function rebuild(next: LabSettings, applied: 'initial' | 'restarted'): void {
    const nextConfig = configFor(next, evalEvery, evalSamples);
    if (next.data === DRAWN && drawn.length < 2) throw new Error('draw at least 2 points on the canvas before training on them');
    const nextSession = sessionFromConfig(nextConfig, labDatasets(() => points(drawn, 2, { name: DRAWN })));
    if (session) disposeSession(session);
    session = nextSession;
    config = nextConfig;
    log = { records: [], snapshots: [] };
    settings = next;
    emit({ type: 'config', config, settings, applied, step: 0, warnings: session.warnings ?? [] });
    measure(session);
    state();
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
          if (s.step % evalEvery === 0) measure(s);
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
      if (count === Infinity && !playing) break;
      // A macrotask, so commands (pause, settings) are handled between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
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
            if (!playing) {
              await train(command.count);
              state();
            }
            break;
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
            if (session && config) emit({ type: 'export', ...(await exportRun(session, config, log, { backend: backendName, source: 'saddlepoint lab' })) });
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
