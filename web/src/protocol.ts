/**
 * The messages between the page and the training worker: plain, structured-clonable values.
 * The page only sends {@link Command}s and renders {@link WorkerEvent}s; it never touches a tensor.
 */
import type { BackendName, EvalRecord, FindingRecord, RunConfig, SampleSnapshot, StepRecord } from './core.ts';

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
  /** Class conditioning (`model.condition`): G asked for a mode, D judging with it; absent is `none`. */
  condition?: RunConfig['model']['condition'];
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
  /** The ways G and D can be conditioned on the class (`model.condition`). */
  conditions: CatalogEntry[];
}

/** Page → worker. */
export type Command =
  | { type: 'init'; settings: LabSettings; backend: BackendName; evalEvery: number; evalSamples: number }
  | { type: 'play' }
  | { type: 'pause' }
  /** `count` game steps, or with `player` one update of that player alone (the other held still; not a step). */
  | { type: 'step'; count: number; player?: Player }
  /** Slow motion: one step at a time, D's surface and G's samples redrawn after each. */
  | { type: 'slow'; on: boolean }
  | { type: 'reset' }
  | { type: 'settings'; settings: LabSettings }
  | { type: 'points'; points: number[][] }
  /** A points file (CSV or JSON, as `data: { kind: 'points' }` reads it) to train on instead of drawn points. */
  | { type: 'points-file'; name: string; text: string }
  /** A CLI run directory's files (`config.json`, `metrics.jsonl`, `checkpoints/<step>/…`), from a tar or picked one by one: training continues from its newest checkpoint. */
  | { type: 'load'; name: string; files: { path: string; data: Uint8Array }[] }
  | { type: 'export' };

/** A player of the game: the discriminator or the generator. */
export type Player = 'd' | 'g';

/**
 * G's manifold (GAN Lab's warped grid): G applied to a grid over a 2-D slice of z (z₁, z₂ over
 * ±`span`, the other coordinates 0), or to a line for 1-D noise. `grid[i][j]` is G's point for
 * the i-th z₂ and j-th z₁.
 */
export interface Manifold {
  /** For a class-conditional G, the manifold of class 0. */
  grid: number[][][];
  span: number;
  noiseDim: number;
}

/** A change the doctor offers, with the lab settings that make it (null: the lab has no control for it; `change` says what the CLI would set). */
export interface LabOffer {
  remedy: string;
  change: string;
  why: string;
  settings: LabSettings | null;
}

/**
 * How a settings change took effect: `live` changed the running session in place (learning
 * rates, k: the weights and optimizer state are kept), `restarted` rebuilt the session from step 0
 * with the same seed (data, loss, remedies: they change the networks' structure or the objective),
 * `loaded` continues a CLI run from its checkpoint with that run's own config.
 */
export type Applied = 'initial' | 'live' | 'restarted' | 'loaded';

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
  | { type: 'eval'; record: EvalRecord; snapshot: SampleSnapshot; pushes?: number[][]; manifold?: Manifold }
  /** A fresh picture of the session that is not an evaluation (slow motion, a single player's update): nothing is recorded. */
  | { type: 'view'; step: number; snapshot: SampleSnapshot; pushes?: number[][]; manifold?: Manifold }
  /** One player's update alone: its loss and gradient norm, and how many such updates this session has had. */
  | { type: 'player'; player: Player; loss: number; gradNorm: number; step: number; updates: { d: number; g: number } }
  /** The records of a loaded run up to its checkpoint, for the charts. */
  | { type: 'history'; records: (StepRecord | EvalRecord)[] }
  /** The live doctor confirmed a pathology; `offers` are its remedies as lab settings. */
  | { type: 'finding'; finding: FindingRecord; offers: LabOffer[] }
  /** Points read from a dropped or picked file, now the drawn data. */
  | { type: 'drawn'; points: number[][]; source: string }
  | { type: 'state'; playing: boolean; step: number; slow: boolean }
  | { type: 'diverged'; step: number; message: string }
  | { type: 'error'; message: string }
  /** The session as a run directory (`config.json`, `metrics.jsonl`, `samples/`, `checkpoints/<step>/`) in a tar archive. */
  | { type: 'export'; fileName: string; archive: Uint8Array<ArrayBuffer> };
