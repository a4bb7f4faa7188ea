import { resolveConfig } from '../../src/config/index.ts';
import { describe, expect, it } from 'vitest';
import { gridValues, parseSweepSpec, planTrials, sampleValue, type SweepSpecInput } from '../../src/sweep/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { configErrorOf } from '../helpers/errors.ts';

const base = { name: 'test', base: { preset: 'ring8', set: ['model.g.hidden=[8]', 'model.d.hidden=[8]'] }, metric: { name: 'modes' } } satisfies SweepSpecInput;
const spec = (extra: Partial<SweepSpecInput>) => parseSweepSpec({ ...base, ...extra });
const dim = (d: object) => spec({ space: [{ path: 'optim.d.lr', ...d }], strategy: { name: 'random' }, budget: { trials: 1 } }).space[0];

describe('sweep spec', () => {
  it.each([
    [{ metric: { name: 'fid' } }, ['  metric.name: got "fid"; allowed: "modes", "highQuality", "reverseKL", "kl", "reverseKl", "js", "w1", "mmd"']],
    [{ space: [{ path: 'optim.d.lr', grid: { min: 1, max: 0, step: 0.1 } }] }, ['  space[0].grid.max: must be ≥ min (1) (got 0)']],
    [{ space: [{ path: 'optim.d.lr' }] }, ['  space[0]: give exactly one of values, grid, range, log-uniform, int, choice (got [])']],
    [{ space: [{ path: 'optim.d.lr', values: [1], int: { min: 1, max: 2 } }] }, ['  space[0]: give exactly one of values, grid, range, log-uniform, int, choice (got ["values","int"])']],
    [{ space: [{ path: 'optim..lr', values: [1] }] }, ['  space[0].path: a dotted field path such as optim.d.lr (got "optim..lr")']],
    [{ space: [{ path: 'seed', values: [1] }] }, ['  space[0].path: is set by the spec itself: use seeds, budget.steps or remedies (got "seed")']],
    [{ space: [{ path: 'optim.d.lr', range: { min: 0, max: 1 } }] }, ['  space[0].range: a continuous range has no grid; use grid {min, max, step}, values, or strategy random (got {"min":0,"max":1})']],
    [{ space: [{ path: 'optim.d.lr', 'log-uniform': { min: 0, max: 1 } }], strategy: { name: 'random' }, budget: { trials: 2 } }, ['  space[0].log-uniform.min: must be > 0 on a log scale (got 0)']],
    [{ space: [{ path: 'a', values: [1] }, { path: 'a', values: [2] }] }, ['  space[1].path: is already dimension 0 (got "a")']],
    [{ space: [{ path: 'a', choice: [1, 2], weights: [1] }] }, ['  space[0].weights: has 1 entries for 2 choices (got [1])']],
    [{ seeds: [1, 1] }, ['  seeds: lists a seed twice (got [1,1])']],
    [{ strategy: { name: 'random' } }, ['  budget.trials: is required with strategy random (how many points to sample)']],
    [{ strategy: { name: 'asha', minSteps: 500 }, budget: { trials: 4, steps: 100 } }, ['  strategy.minSteps: exceeds maxSteps 100 (got 500)']],
    [{ strategy: { name: 'asha', minSteps: 5, reductionFactor: 1 }, budget: { trials: 4, steps: 100 } }, ['  strategy.reductionFactor: Too small: expected number to be >=2 (got 1)']],
    [{ budget: { steps: 0 } }, ['  budget.steps: Too small: expected number to be >0 (got 0)']],
    [{ strategy: { name: 'bayes' } }, ['  strategy.name: got "bayes"; allowed: "grid", "random", "asha"']],
  ])('refuses %j, naming the field', (extra, lines) => {
    const err = configErrorOf(() => spec(extra as Partial<SweepSpecInput>));
    expect(err.message.split('\n')).toEqual(['invalid sweep spec:', ...lines]);
  });

  it.each([
    [{ grid: { min: 0.1, max: 0.5, step: 0.1 } }, [0.1, 0.2, 0.3, 0.4, 0.5]],
    [{ grid: { min: 1, max: 2, step: 0.4 } }, [1, 1.4, 1.8]],
    [{ int: { min: -1, max: 2 } }, [-1, 0, 1, 2]],
    [{ values: [[64], [64, 64]] }, [[64], [64, 64]]],
  ])('grid values of %j', (d, values) => {
    expect(gridValues(dim(d))).toEqual(values);
  });

  it('samples log-uniformly: half of the draws below the geometric middle, all within bounds', () => {
    const d = dim({ 'log-uniform': { min: 1e-4, max: 1e-2 } });
    const rng = new Rng(3);
    const draws = Array.from({ length: 400 }, () => sampleValue(d, rng) as number);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1e-2);
    expect(draws.filter((x) => x < 1e-3).length / 400).toBeCloseTo(0.5, 1);
  });

  it('samples a weighted choice by its weights and an int range uniformly over its integers', () => {
    const rng = new Rng(4);
    const choice = dim({ choice: ['a', 'b'], weights: [3, 1] });
    const picks = Array.from({ length: 400 }, () => sampleValue(choice, rng));
    expect(picks.filter((p) => p === 'a').length / 400).toBeCloseTo(0.75, 1);
    const ints = dim({ int: { min: 2, max: 4 } });
    const seen = new Set(Array.from({ length: 100 }, () => sampleValue(ints, rng)));
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });
});

describe('planTrials', () => {
  it('grid: remedies × dimensions in spec order (last fastest) × seeds from the base seed, each config validated', () => {
    const s = spec({
      base: { preset: 'ring8', set: ['seed=5', 'model.g.hidden=[8]'] },
      remedies: ['none', 'spectral-norm+pac2'],
      space: [
        { path: 'optim.d.lr', values: [1e-4, 3e-4] },
        { path: 'loss.name', values: ['hinge'] },
      ],
      seeds: 2,
      budget: { steps: 40 },
    });
    const plan = planTrials(s, new Rng(0));
    expect(plan).toMatchObject({ rungs: [40], points: 4, seeds: [5, 6], metric: 'modes', direction: 'max' });
    expect(plan.trials.map((t) => [t.id, t.point, t.params.remedy, t.params['optim.d.lr'], t.params.seed])).toEqual([
      ['t0', 0, 'none', 1e-4, 5],
      ['t1', 0, 'none', 1e-4, 6],
      ['t2', 1, 'none', 3e-4, 5],
      ['t3', 1, 'none', 3e-4, 6],
      ['t4', 2, 'spectral-norm+pac2', 1e-4, 5],
      ['t5', 2, 'spectral-norm+pac2', 1e-4, 6],
      ['t6', 3, 'spectral-norm+pac2', 3e-4, 5],
      ['t7', 3, 'spectral-norm+pac2', 3e-4, 6],
    ]);
    const t6 = plan.trials[6];
    // Spectral norm's recommended settings (Miyato et al.) where the base and the space leave them: G's lr and both β, k 5;
    // D's lr is the space's, the loss the space's too.
    expect(t6.config).toMatchObject({ seed: 5, steps: 40, loss: { name: 'hinge' }, dStepsPerG: 5, optim: { d: { lr: 3e-4, beta1: 0.5, beta2: 0.9 }, g: { lr: 1e-3, beta1: 0.5, beta2: 0.9 } }, model: { g: { hidden: [8] } } });
    expect(t6.config.recommended.map((r) => r.field)).not.toContain('optim.d.lr');
    expect(t6.config.stabilizers).toEqual([{ name: 'spectral-norm', iterations: 1 }, { name: 'packing', m: 2 }]);
    expect(t6.steps).toBe(40);
    expect(plan.trials[0].config.stabilizers).toEqual([]);
    // The same trial as `train` resolves it: the sweep adds nothing of its own.
    const train = resolveConfig({ preset: 'ring8', sets: ['seed=5', 'model.g.hidden=[8]', 'optim.d.lr=3e-4', 'loss.name=hinge', 'steps=40'], remedy: 'spectral-norm+pac2' });
    expect(t6.config).toEqual({ ...train, eval: { ...train.eval, every: train.eval.every || 40 } });
    // base.recommended: false is the plain merge.
    const plain = planTrials({ ...s, base: { ...s.base, recommended: false } }, new Rng(0)).trials[6].config;
    expect(plain).toMatchObject({ dStepsPerG: 1, optim: { g: { lr: 5e-4 } }, recommended: [] });
  });

  it('random: the same rng seed gives the same trials, another seed others; seeds cross every point', () => {
    const s = spec({ space: [{ path: 'optim.d.lr', 'log-uniform': { min: 1e-4, max: 1e-3 } }, { path: 'model.d.hidden', choice: [[8], [16]] }], remedies: ['none', 'pac2'], seeds: [0, 9], strategy: { name: 'random' }, budget: { trials: 5, steps: 30 } });
    const a = planTrials(s, new Rng(1));
    const b = planTrials(s, new Rng(1));
    const c = planTrials(s, new Rng(2));
    expect(a.trials).toHaveLength(10);
    expect(a.trials.map((t) => t.params)).toEqual(b.trials.map((t) => t.params));
    expect(a.trials.map((t) => t.params['optim.d.lr'])).not.toEqual(c.trials.map((t) => t.params['optim.d.lr']));
    expect(a.trials.map((t) => t.params.seed)).toEqual([0, 9, 0, 9, 0, 9, 0, 9, 0, 9]);
    for (const t of a.trials) {
      expect(t.config.optim.d.lr).toBe(t.params['optim.d.lr']);
      expect(t.config.optim.d.lr).toBeGreaterThanOrEqual(1e-4);
      expect(t.config.optim.d.lr).toBeLessThanOrEqual(1e-3);
      expect(t.config.model.d.hidden).toEqual(t.params['model.d.hidden']);
    }
    // Two trials of one point share every param but the seed.
    const { seed: _a, ...p0 } = a.trials[0].params;
    const { seed: _b, ...p1 } = a.trials[1].params;
    expect(p0).toEqual(p1);
  });

  it('asha: trials start at the first rung with the full budget in their config; lr schedules are refused', () => {
    const s = spec({ space: [{ path: 'optim.g.lr', range: { min: 1e-4, max: 1e-3 } }], strategy: { name: 'asha', minSteps: 10, reductionFactor: 3, maxSteps: 90 }, budget: { trials: 3 } });
    const plan = planTrials(s, new Rng(0));
    expect(plan.rungs).toEqual([10, 30, 90]);
    expect(plan.trials.map((t) => [t.steps, t.config.steps])).toEqual([
      [10, 90],
      [10, 90],
      [10, 90],
    ]);
    const err = configErrorOf(() => planTrials({ ...s, remedies: ['lr-decay'] }, new Rng(0)));
    expect(err.message).toBe(
      'invalid sweep spec:\n  strategy: asha resumes trials with more steps at each rung, which would restart the linear learning-rate schedule of trial t0; use optim.schedule constant (no lr-decay) or strategy grid/random',
    );
  });

  it('turns on an evaluation at the end of every trial when the base has none', () => {
    const plan = planTrials(spec({ base: { preset: 'ring8', set: ['eval.every=0'] }, budget: { steps: 25 } }), new Rng(0));
    expect(plan.trials[0].config.eval.every).toBe(25);
  });

  it('reads base config files through the reader it is given, in order, before `set`', () => {
    const files: Record<string, object> = { 'a.yaml': { steps: 7, model: { g: { hidden: [4] } } }, 'b.yaml': { model: { g: { hidden: [5] } } } };
    const s = spec({ base: { preset: 'ring8', config: ['a.yaml', 'b.yaml'], set: ['batchSize=32'] } });
    const [trial] = planTrials(s, new Rng(0), { readConfig: (p) => files[p] as Record<string, unknown> }).trials;
    expect(trial.config).toMatchObject({ steps: 7, batchSize: 32, model: { g: { hidden: [5] } } });
    expect(configErrorOf(() => planTrials(s, new Rng(0))).message).toBe('invalid sweep spec:\n  base.config: "a.yaml" cannot be read here (no file reader given)');
  });

  it.each([
    [{ space: [{ path: 'model.g.hiden', values: [[3]] }] }, "invalid config of trial t0 (model.g.hiden=[3] seed=0):\n  model.g: unknown field 'hiden'"],
    [{ space: [{ path: 'optim.d.lr', values: [0.1, -1] }] }, 'invalid config of trial t1 (optim.d.lr=-1 seed=0):\n  optim.d.lr: Too small: expected number to be >0 (got -1)'],
    [{ remedies: ['none', 'pac3'] }, 'invalid config:\n  remedies: got "pac3"; allowed: '],
    [{ base: { preset: 'ring9' } }, 'invalid sweep spec:\n  base.preset: got "ring9"; allowed: ring8, grid25, mixture1d, spiral, two-moons'],
    [{ space: [{ path: 'optim.d.lr', values: [1, 2, 3] }], seeds: 2, budget: { trials: 2 } }, 'invalid sweep spec:\n  budget.trials: the grid has 3 points, more than 2; raise budget.trials or shrink the space'],
  ])('refuses a plan whose trials the run schema refuses: %j', (extra, message) => {
    const err = configErrorOf(() => planTrials(spec(extra as Partial<SweepSpecInput>), new Rng(0)));
    expect(err.message.startsWith(message)).toBe(true);
  });
});
