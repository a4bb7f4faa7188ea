/**
 * What the page knows about the run: a reduction of the worker's events, nothing more. Step and
 * eval records are kept columnar (one array per field) because that is what the charts draw.
 */
import type { Catalog, ConfigEvent, WorkerEvent } from './protocol.ts';
import type { EvalRecord, SampleSnapshot, StepRecord } from './core.ts';

/** Step-record fields the charts draw, by name. */
export const STEP_SERIES = ['dLoss', 'gLoss', 'gradNormD', 'gradNormG'] as const satisfies readonly (keyof StepRecord)[];
/** Eval-record fields the charts draw, by name. */
export const EVAL_SERIES = ['modes', 'highQuality', 'kl', 'js', 'w1'] as const satisfies readonly (keyof EvalRecord)[];

/** Records as columns: `step` and one array per field, index for index. */
export type Columns<K extends string> = { step: number[] } & Record<K, number[]>;

/** The page's state; replaced (not mutated) on each event so components re-render. */
export interface LabState {
  catalog?: Catalog;
  backend?: { name: string; skipped: { name: string; reason: string }[] };
  config?: ConfigEvent;
  playing: boolean;
  step: number;
  stepsPerSecond: number;
  steps: Columns<(typeof STEP_SERIES)[number]>;
  evals: Columns<(typeof EVAL_SERIES)[number]>;
  lastEval?: EvalRecord;
  snapshot?: SampleSnapshot;
  /** For each generated point of the snapshot, the direction G's loss pushes it. */
  pushes?: number[][];
  /** The latest divergence or error, shown until the next restart. */
  problem?: string;
  /** Bumped on every restart, so views drop what they drew from the previous session. */
  epoch: number;
}

/** Columns with no rows yet. */
export function emptyColumns<K extends string>(keys: readonly K[]): Columns<K> {
  return Object.assign({ step: [] as number[] }, Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>);
}

/** The state before the worker has said anything. */
export function initialState(): LabState {
  return { playing: false, step: 0, stepsPerSecond: 0, steps: emptyColumns(STEP_SERIES), evals: emptyColumns(EVAL_SERIES), epoch: 0 };
}

/** Appends records to the columns in place (the arrays are large; copying them per message would cost more than the charts). */
export function appendSteps(columns: LabState['steps'], records: StepRecord[]): void {
  for (const r of records) {
    columns.step.push(r.step);
    for (const k of STEP_SERIES) columns[k].push(r[k]);
  }
}

/** Appends one eval record to the columns in place; high quality as a percentage, a missing measure as NaN. */
export function appendEval(columns: LabState['evals'], r: EvalRecord): void {
  // A restart's first evaluation at step 0 is the only repeat of a step; the columns were cleared then.
  columns.step.push(r.step);
  for (const k of EVAL_SERIES) {
    const v = r[k];
    columns[k].push(v === undefined ? NaN : k === 'highQuality' ? 100 * v : v);
  }
}

/** The next state after one worker event. */
export function reduce(state: LabState, event: WorkerEvent): LabState {
  switch (event.type) {
    case 'catalog':
      return { ...state, catalog: event.catalog };
    case 'backend':
      return { ...state, backend: { name: event.name, skipped: event.skipped } };
    case 'config':
      if (event.applied === 'live') return { ...state, config: event };
      return { ...state, config: event, step: event.step, steps: emptyColumns(STEP_SERIES), evals: emptyColumns(EVAL_SERIES), lastEval: undefined, snapshot: undefined, pushes: undefined, problem: undefined, epoch: state.epoch + 1 };
    case 'steps':
      appendSteps(state.steps, event.records);
      return { ...state, step: event.records.at(-1)?.step ?? state.step, stepsPerSecond: event.stepsPerSecond };
    case 'eval':
      appendEval(state.evals, event.record);
      return { ...state, lastEval: event.record, snapshot: event.snapshot, pushes: event.pushes };
    case 'state':
      return { ...state, playing: event.playing, step: event.step };
    case 'diverged':
      return { ...state, problem: `diverged at step ${event.step}: ${event.message}` };
    case 'error':
      return { ...state, problem: event.message };
    case 'export':
      // A download, handled by the page; nothing to keep.
      return state;
  }
}
