import { describe, expect, it } from 'vitest';
import { ashaDecide, ashaInit, ashaRungs, type AshaAction, type AshaState, type RungReport } from '../../src/sweep/index.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${i}` }));
const report = (trial: string, steps: number, value: number | null): RungReport => ({ trial, steps, value });

describe('ashaRungs', () => {
  it.each([
    [{ name: 'asha' as const, minSteps: 50, reductionFactor: 3, maxSteps: 450 }, {}, undefined, [50, 150, 450]],
    [{ name: 'asha' as const, minSteps: 50, reductionFactor: 3, maxSteps: 400 }, {}, undefined, [50, 150, 400]],
    [{ name: 'asha' as const, minSteps: 10, reductionFactor: 2 }, { steps: 80 }, undefined, [10, 20, 40, 80]],
    [{ name: 'asha' as const, minSteps: 100, reductionFactor: 4, maxSteps: 100 }, {}, undefined, [100]],
    [{ name: 'grid' as const }, { steps: 300 }, 2000, [300]],
    [{ name: 'random' as const }, {}, 2000, [2000]],
  ])('%j with budget %j → %j', (strategy, budget, base, rungs) => {
    expect(ashaRungs({ strategy, budget }, base)).toEqual(rungs);
  });
});

describe('ashaDecide', () => {
  // Nine trials, η = 3, rungs 10 → 30 → 90, every slot free: successive halving in lockstep.
  const scores = [5, 9, 1, 7, 3, 8, 2, 6, 4];

  function firstRung(direction: 'max' | 'min'): { state: AshaState; actions: AshaAction[] } {
    let state = ashaInit(ids(9), [10, 30, 90], direction, 3);
    const start = ashaDecide(state, [], 9);
    expect(start.actions).toEqual(ids(9).map(({ id }) => ({ kind: 'start', trial: id, steps: 10 })));
    state = start.state;
    const d = ashaDecide(state, scores.map((v, i) => report(`t${i}`, 10, v)), 9);
    expect(d.done).toBe(false);
    return d;
  }

  it('promotes the top third of a rung, best first, and stops the rest once no trial can still reach it (max)', () => {
    const { state, actions } = firstRung('max');
    expect(actions).toEqual([
      { kind: 'resume', trial: 't1', steps: 30 },
      { kind: 'resume', trial: 't5', steps: 30 },
      { kind: 'resume', trial: 't3', steps: 30 },
      ...['t0', 't2', 't4', 't6', 't7', 't8'].map((trial) => ({ kind: 'stop', trial, steps: 10 })),
    ]);
    // A tie at rung 30 (t3 and t5 both 6) goes to the earlier trial in plan order.
    const second = ashaDecide(state, [report('t5', 30, 6), report('t1', 30, 4), report('t3', 30, 6)], 3);
    expect(second.actions).toEqual([
      { kind: 'resume', trial: 't3', steps: 90 },
      { kind: 'stop', trial: 't1', steps: 30 },
      { kind: 'stop', trial: 't5', steps: 30 },
    ]);
    const last = ashaDecide(second.state, [report('t3', 90, 7.5)], 3);
    expect(last).toMatchObject({ actions: [], done: true });
    expect(last.state.trials.map((t) => t.status)).toEqual(['stopped', 'stopped', 'stopped', 'done', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
    expect(last.state.trials[3].scores).toEqual([7, 6, 7.5]);
  });

  it('promotes the lowest scores when the direction is min', () => {
    const { actions } = firstRung('min');
    expect(actions.filter((a) => a.kind === 'resume').map((a) => a.trial)).toEqual(['t2', 't6', 't4']);
    expect(actions.filter((a) => a.kind === 'stop').map((a) => a.trial)).toEqual(['t0', 't1', 't3', 't5', 't7', 't8']);
  });

  it('decides the same whatever order the reports of one batch arrive in', () => {
    let state = ashaDecide(ashaInit(ids(9), [10, 30, 90], 'max', 3), [], 9).state;
    const reversed = scores.map((v, i) => report(`t${i}`, 10, v)).reverse();
    state = ashaDecide(state, reversed, 9).state;
    expect(state.trials.filter((t) => t.status === 'running').map((t) => t.id)).toEqual(['t1', 't3', 't5']);
  });

  it('runs asynchronously: one slot, promotions as soon as a trial is in the top 1/η of those that reached its rung', () => {
    let state = ashaInit(ids(4), [10, 20], 'max', 2);
    const step = (reports: RungReport[]) => {
      const d = ashaDecide(state, reports, 1);
      state = d.state;
      return { actions: d.actions, done: d.done };
    };
    expect(step([])).toEqual({ actions: [{ kind: 'start', trial: 't0', steps: 10 }], done: false });
    // One trial at the rung: ⌊1/2⌋ = 0 promotable, so a new trial starts.
    expect(step([report('t0', 10, 5)]).actions).toEqual([{ kind: 'start', trial: 't1', steps: 10 }]);
    expect(step([report('t1', 10, 3)]).actions).toEqual([{ kind: 'resume', trial: 't0', steps: 20 }]);
    expect(step([report('t0', 20, 4)]).actions).toEqual([{ kind: 'start', trial: 't2', steps: 10 }]);
    expect(step([report('t2', 10, 8)]).actions).toEqual([{ kind: 'resume', trial: 't2', steps: 20 }]);
    expect(step([report('t2', 20, 9)]).actions).toEqual([{ kind: 'start', trial: 't3', steps: 10 }]);
    // t3 (7) joins t2 (8) in the top 2 of 4; t1 can no longer be promoted: no trial is left to reach rung 10.
    expect(step([report('t3', 10, 7)]).actions).toEqual([
      { kind: 'resume', trial: 't3', steps: 20 },
      { kind: 'stop', trial: 't1', steps: 10 },
    ]);
    expect(step([report('t3', 20, 1)])).toEqual({ actions: [], done: true });
    // ASHA promotes early: t0 went up when it led 2 trials, though it is third of the final 4.
    expect(state.trials.map((t) => [t.id, t.status, t.scores])).toEqual([
      ['t0', 'done', [5, 4]],
      ['t1', 'stopped', [3]],
      ['t2', 'done', [8, 9]],
      ['t3', 'done', [7, 1]],
    ]);
  });

  it('keeps a stopped trial paused while a slower trial may still reach its rung', () => {
    let d = ashaDecide(ashaInit(ids(3), [10, 30], 'max', 3), [], 3);
    d = ashaDecide(d.state, [report('t0', 10, 1), report('t1', 10, 2)], 0);
    expect(d.actions).toEqual([]);
    expect(d.state.trials.map((t) => t.status)).toEqual(['paused', 'paused', 'running']);
    d = ashaDecide(d.state, [report('t2', 10, 3)], 3);
    expect(d.actions).toEqual([
      { kind: 'resume', trial: 't2', steps: 30 },
      { kind: 'stop', trial: 't0', steps: 10 },
      { kind: 'stop', trial: 't1', steps: 10 },
    ]);
  });

  it('ranks a failed trial (null or NaN) last and never promotes it', () => {
    let d = ashaDecide(ashaInit(ids(4), [10, 30], 'min', 2), [], 4);
    d = ashaDecide(d.state, [report('t0', 10, null), report('t1', 10, Number.NaN), report('t2', 10, 0.5), report('t3', 10, 0.25)], 4);
    expect(d.actions).toEqual([
      { kind: 'resume', trial: 't3', steps: 30 },
      { kind: 'resume', trial: 't2', steps: 30 },
    ]);
    expect(d.state.trials.map((t) => t.status)).toEqual(['failed', 'failed', 'running', 'running']);
  });

  it('a single rung is grid/random search: start every trial as slots free up, done when all reported', () => {
    let d = ashaDecide(ashaInit(ids(3), [100], 'max'), [], 2);
    expect(d.actions.map((a) => a.trial)).toEqual(['t0', 't1']);
    d = ashaDecide(d.state, [report('t1', 100, 3)], 1);
    expect(d.actions).toEqual([{ kind: 'start', trial: 't2', steps: 100 }]);
    d = ashaDecide(d.state, [report('t0', 100, 1), report('t2', 100, 2)], 2);
    expect(d).toMatchObject({ actions: [], done: true });
    expect(d.state.trials.map((t) => t.status)).toEqual(['done', 'done', 'done']);
  });

  it('refuses reports that do not fit the state', () => {
    const s = ashaDecide(ashaInit(ids(2), [10, 30], 'max'), [], 1).state;
    expect(() => ashaDecide(s, [report('t9', 10, 1)], 1)).toThrow('report for unknown trial t9');
    expect(() => ashaDecide(s, [report('t1', 10, 1)], 1)).toThrow('trial t1 reported while pending');
    expect(() => ashaDecide(s, [report('t0', 30, 1)], 1)).toThrow('trial t0 reported step 30, but its rung is at 10');
    expect(() => ashaInit([{ id: 'a' }, { id: 'a' }], [10], 'max')).toThrow('trial id a appears twice');
  });
});
