/**
 * Asynchronous successive halving (ASHA, Li et al. 2020) as a pure state machine. Trials train to
 * rung budgets r·η^k; when a slot is free, a trial in the top 1/η of the trials that reached its
 * rung is resumed from its checkpoint to the next rung (highest rungs first), else a new trial
 * starts at the first rung. Grid and random search are the one-rung case: every trial starts,
 * trains its budget, and nothing is promoted. The runner owns processes; this file only decides.
 */
import type { Direction, SweepSpec } from './spec.ts';

/**
 * The step budgets of a sweep's rungs: for ASHA `minSteps·η^k` while below `maxSteps`, then
 * `maxSteps`; for grid and random one rung, the full budget. `defaultSteps` is the base config's
 * steps, used when the spec gives neither `maxSteps` nor `budget.steps`.
 *
 * @example
 * ashaRungs({ strategy: { name: 'asha', minSteps: 50, reductionFactor: 3, maxSteps: 450 }, budget: {} }) // [50, 150, 450]
 */
export function ashaRungs(spec: Pick<SweepSpec, 'strategy' | 'budget'>, defaultSteps?: number): number[] {
  const s = spec.strategy;
  const full = (s.name === 'asha' ? s.maxSteps : undefined) ?? spec.budget.steps ?? defaultSteps;
  if (full === undefined) throw new Error('ashaRungs: no step budget (strategy.maxSteps, budget.steps or the base config steps)');
  if (s.name !== 'asha') return [full];
  const rungs: number[] = [];
  for (let r = s.minSteps; r < full; r *= s.reductionFactor) rungs.push(r);
  return [...rungs, full];
}

/** Where one trial is in the ladder. */
export type AshaTrialStatus = 'pending' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';

/** One trial as the state machine sees it. */
export interface AshaTrial {
  id: string;
  /** The rung it trains towards (running) or last reached (paused, stopped, done, failed). */
  rung: number;
  status: AshaTrialStatus;
  /** The metric at each rung it reached; null where the run failed or gave no value. */
  scores: (number | null)[];
}

/** The whole ladder: rungs, direction, η and every trial in plan order (the tie-break order). */
export interface AshaState {
  rungs: readonly number[];
  direction: Direction;
  /** η: the share 1/η of a rung is promoted. */
  eta: number;
  trials: readonly AshaTrial[];
}

/** A trial finished a rung: its metric at `steps`, or null when it failed or measured nothing. */
export interface RungReport {
  trial: string;
  steps: number;
  value: number | null;
}

/** What the runner should do next. */
export type AshaAction =
  | { kind: 'start'; trial: string; steps: number }
  /** Continue from the trial's checkpoint (`train --resume DIR --steps S`). */
  | { kind: 'resume'; trial: string; steps: number }
  /** The trial will never be promoted: it ends at the rung it reached. */
  | { kind: 'stop'; trial: string; steps: number };

/** The state after a decision, the actions to carry out, and whether the sweep has finished. */
export interface AshaDecision {
  state: AshaState;
  actions: AshaAction[];
  done: boolean;
}

/** The starting state: every trial pending, in plan order. */
export function ashaInit(trials: readonly { id: string }[], rungs: readonly number[], direction: Direction, eta = 3): AshaState {
  if (rungs.length === 0) throw new Error('ashaInit: no rungs');
  const ids = trials.map((t) => t.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new Error(`ashaInit: trial id ${repeated} appears twice`);
  return { rungs: [...rungs], direction, eta, trials: trials.map((t) => ({ id: t.id, rung: 0, status: 'pending', scores: [] })) };
}

/** Better-first order at one rung: scores by direction, no score last, ties by plan order. */
function ranked(state: AshaState, rung: number): AshaTrial[] {
  const sign = state.direction === 'max' ? -1 : 1;
  const order = new Map(state.trials.map((t, i) => [t.id, i]));
  return state.trials
    .filter((t) => t.scores.length > rung)
    .sort((a, b) => {
      const x = a.scores[rung];
      const y = b.scores[rung];
      if (x === null || y === null) return x === y ? order.get(a.id)! - order.get(b.id)! : x === null ? 1 : -1;
      return x !== y ? sign * (x - y) : order.get(a.id)! - order.get(b.id)!;
    });
}

/** The trials of rung `rung`'s top ⌊n/η⌋ (n = trials that reached it), best first. */
function top(state: AshaState, rung: number): AshaTrial[] {
  const all = ranked(state, rung);
  return all.slice(0, Math.floor(all.length / state.eta)).filter((t) => t.scores[rung] !== null);
}

/** Could another trial still report at `rung`? Then its ranking is not final. */
function open(state: AshaState, rung: number): boolean {
  return state.trials.some((t) => t.status === 'pending' || (t.status === 'running' && t.rung <= rung) || (t.status === 'paused' && t.rung < rung));
}

/** A paused trial to promote: from the highest rung below the top first, the best there first. */
function promotable(state: AshaState): AshaTrial | undefined {
  for (let k = state.rungs.length - 2; k >= 0; k--) {
    const pick = top(state, k).find((t) => t.status === 'paused' && t.rung === k);
    if (pick) return pick;
  }
  return undefined;
}

function applyReport(state: AshaState, report: RungReport): AshaState {
  const trial = state.trials.find((t) => t.id === report.trial);
  if (!trial) throw new Error(`ashaDecide: report for unknown trial ${report.trial}`);
  if (trial.status !== 'running') throw new Error(`ashaDecide: trial ${trial.id} reported while ${trial.status}`);
  const expected = state.rungs[trial.rung];
  if (report.steps !== expected) throw new Error(`ashaDecide: trial ${trial.id} reported step ${report.steps}, but its rung is at ${expected}`);
  const value = report.value !== null && Number.isFinite(report.value) ? report.value : null;
  const last = trial.rung === state.rungs.length - 1;
  const status: AshaTrialStatus = value === null ? 'failed' : last ? 'done' : 'paused';
  return replace(state, { ...trial, status, scores: [...trial.scores, value] });
}

function replace(state: AshaState, trial: AshaTrial): AshaState {
  return { ...state, trials: state.trials.map((t) => (t.id === trial.id ? trial : t)) };
}

/**
 * Takes the reports that arrived (in arrival order) and up to `free` idle slots, and decides:
 * promotions first (resume a paused trial in the top ⌊n/η⌋ of its rung to the next rung's steps,
 * highest rung first), then new trials at the first rung in plan order; and a stop for every
 * paused trial whose rung can no longer change (no trial can still reach it) and that is not in
 * its top. Ties rank by plan order; a failed trial (null or non-finite value) ranks last and
 * counts in n. `done` when nothing runs, waits or can be promoted.
 *
 * @example
 * let s = ashaInit(plan.trials, plan.rungs, 'max', 3);
 * ({ state: s, actions } = ashaDecide(s, [], 2));            // start t0, t1
 * ({ state: s, actions } = ashaDecide(s, [{ trial: 't0', steps: 50, value: 7 }], 1));
 */
export function ashaDecide(state: AshaState, reports: readonly RungReport[], free: number): AshaDecision {
  let s = reports.reduce(applyReport, state);
  const actions: AshaAction[] = [];
  for (let slots = free; slots > 0; slots--) {
    const promote = promotable(s);
    if (promote) {
      const rung = promote.rung + 1;
      s = replace(s, { ...promote, rung, status: 'running' });
      actions.push({ kind: 'resume', trial: promote.id, steps: s.rungs[rung] });
      continue;
    }
    const next = s.trials.find((t) => t.status === 'pending');
    if (!next) break;
    s = replace(s, { ...next, status: 'running' });
    actions.push({ kind: 'start', trial: next.id, steps: s.rungs[0] });
  }
  for (const t of s.trials) {
    if (t.status !== 'paused' || open(s, t.rung)) continue;
    if (top(s, t.rung).some((x) => x.id === t.id)) continue;
    s = replace(s, { ...t, status: 'stopped' });
    actions.push({ kind: 'stop', trial: t.id, steps: s.rungs[t.rung] });
  }
  const done = !s.trials.some((t) => t.status === 'pending' || t.status === 'running' || t.status === 'paused');
  return { state: s, actions, done };
}
