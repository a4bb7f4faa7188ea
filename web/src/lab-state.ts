/**
 * What the page knows about the run: a reduction of the worker's events, nothing more. Step and
 * eval records are kept columnar (one array per field) because that is what the charts draw.
 */
import type { Catalog, ConfigEvent, LabOffer, Manifold, Player, WorkerEvent } from './protocol.ts';
import type { EvalRecord, FindingRecord, SampleSnapshot, StepRecord } from './core.ts';

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
  /** G's manifold at the latest picture. */
  manifold?: Manifold;
  /** Slow motion is on: one step at a time, each drawn. */
  slow: boolean;
  /** The latest single-player update, and how many of each this session has had. */
  player?: { player: Player; loss: number; gradNorm: number; updates: { d: number; g: number } };
  /** The doctor's findings in this session, oldest first, each with its remedies as lab settings. */
  findings: { finding: FindingRecord; offers: LabOffer[] }[];
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
  return { playing: false, slow: false, step: 0, stepsPerSecond: 0, steps: emptyColumns(STEP_SERIES), evals: emptyColumns(EVAL_SERIES), findings: [], epoch: 0 };
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
      return {
        ...state,
        config: event,
        step: event.step,
        steps: emptyColumns(STEP_SERIES),
        evals: emptyColumns(EVAL_SERIES),
        lastEval: undefined,
        snapshot: undefined,
        pushes: undefined,
        manifold: undefined,
        player: undefined,
        findings: [],
        problem: undefined,
        epoch: state.epoch + 1,
      };
    case 'history': {
      const steps = emptyColumns(STEP_SERIES);
      const evals = emptyColumns(EVAL_SERIES);
      appendSteps(steps, event.records.filter((r): r is StepRecord => r.kind === 'step'));
      const past = event.records.filter((r): r is EvalRecord => r.kind === 'eval');
      for (const r of past) appendEval(evals, r);
      return { ...state, steps, evals, lastEval: past.at(-1) ?? state.lastEval };
    }
    case 'steps':
      appendSteps(state.steps, event.records);
      return { ...state, step: event.records.at(-1)?.step ?? state.step, stepsPerSecond: event.stepsPerSecond };
    case 'eval':
      appendEval(state.evals, event.record);
      return { ...state, lastEval: event.record, snapshot: event.snapshot, pushes: event.pushes, manifold: event.manifold };
    case 'view':
      return { ...state, snapshot: event.snapshot, pushes: event.pushes, manifold: event.manifold };
    case 'player':
      return { ...state, player: { player: event.player, loss: event.loss, gradNorm: event.gradNorm, updates: event.updates } };
    case 'finding':
      return { ...state, findings: [...state.findings, { finding: event.finding, offers: event.offers }] };
    case 'state':
      return { ...state, playing: event.playing, step: event.step, slow: event.slow };
    case 'diverged':
      return { ...state, problem: `diverged at step ${event.step}: ${event.message}` };
    case 'error':
      return { ...state, problem: event.message };
    case 'export':
    case 'drawn':
      // A download, and points for the drawing layer: handled by the page; nothing to keep here.
      return state;
  }
}
