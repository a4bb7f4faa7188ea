/**
 * The messages between the page and the training worker: plain, structured-clonable values.
 * The page only sends {@link Command}s and renders {@link WorkerEvent}s; it never touches a tensor.
 */
import type { BackendName, EvalRecord, RunConfig, SampleSnapshot, StepRecord } from './core.ts';

/** What the user may change in a running lab; the worker says how it applied it ({@link ConfigEvent.applied}). */
export interface LabSettings {
  /** A preset name from the core's registry (`ring8`, `grid25`, …) or `drawn` for the user's points. */
  data: string;
  /** A loss family name from the core's loss registry. */
  loss: string;
  /** Remedy names from the core's remedy registry, applied in this order. */
  remedies: string[];
  lrG: number;
  lrD: number;
  /** Discriminator steps per generator step. */
  k: number;
  seed: number;
}

/** A named choice from one of the core's registries, with its one-line summary. */
export interface CatalogEntry {
  name: string;
  summary: string;
}

/** What the selectors offer, read by the worker from the core's registries (never listed by hand). */
export interface Catalog {
  losses: CatalogEntry[];
  remedies: CatalogEntry[];
  datasets: CatalogEntry[];
}

/** Page → worker. */
export type Command =
  | { type: 'init'; settings: LabSettings; backend: BackendName; evalEvery: number; evalSamples: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; count: number }
  | { type: 'reset' }
  | { type: 'settings'; settings: LabSettings }
  | { type: 'points'; points: number[][] }
  | { type: 'export' };

/**
 * How a settings change took effect: `live` changed the running session in place (learning
 * rates, k: the weights and optimizer state are kept), `restarted` rebuilt the session from step 0
 * with the same seed (data, loss, remedies: they change the networks' structure or the objective).
 */
export type Applied = 'initial' | 'live' | 'restarted';

/** The running config, reported after every change so the page shows what actually trains. */
export interface ConfigEvent {
  type: 'config';
  config: RunConfig;
  settings: LabSettings;
  applied: Applied;
  step: number;
  warnings: readonly string[];
}

/** Worker → page. */
export type WorkerEvent =
  | { type: 'catalog'; catalog: Catalog }
  | { type: 'backend'; name: string; skipped: { name: string; reason: string }[] }
  | ConfigEvent
  | { type: 'steps'; records: StepRecord[]; stepsPerSecond: number }
  | { type: 'eval'; record: EvalRecord; snapshot: SampleSnapshot; pushes?: number[][] }
  | { type: 'state'; playing: boolean; step: number }
  | { type: 'diverged'; step: number; message: string }
  | { type: 'error'; message: string }
  /** The session as a run directory (`config.json`, `metrics.jsonl`, `samples/`, `checkpoints/<step>/`) in a tar archive. */
  | { type: 'export'; fileName: string; archive: Uint8Array<ArrayBuffer> };
