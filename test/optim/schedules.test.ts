import { sessionFromConfig } from '../../src/run/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { constant, cosine, linear, lrScheduleFor, scheduleFactor, scheduleSchema, type Optimizer } from '../../src/optim/index.ts';
import { ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

describe('lr schedules (closed forms)', () => {
  it('constant is 1 everywhere', () => {
    expect([0, 1, 50, 100].map((t) => constant(t, 100))).toEqual([1, 1, 1, 1]);
  });

  it.each([
    // [options, step, expected]: 100 steps, no warmup.
    [{}, 0, 1],
    [{}, 25, 0.75],
    [{}, 50, 0.5],
    [{}, 100, 0],
    [{ final: 0.1 }, 50, 0.55],
    [{ final: 0.1 }, 100, 0.1],
    [{ final: 0.1 }, 150, 0.1],
  ])('linear %j at step %d of 100 is %d', (options, step, expected) => {
    expect(linear(step, 100, options)).toBeCloseTo(expected, 12);
  });

  it.each([
    [{}, 0, 1],
    [{}, 25, 0.5 * (1 + Math.SQRT1_2)],
    [{}, 50, 0.5],
    [{}, 75, 0.5 * (1 - Math.SQRT1_2)],
    [{}, 100, 0],
    [{ final: 0.2 }, 50, 0.6],
    [{ final: 0.2 }, 100, 0.2],
  ])('cosine %j at step %d of 100 is %d', (options, step, expected) => {
    expect(cosine(step, 100, options)).toBeCloseTo(expected, 12);
  });

  it.each([
    ['linear', linear],
    ['cosine', cosine],
  ] as const)('%s with warmup: ramps (t + 1)/warmup, is 1 at the warmup’s end, halfway at the middle of the decay, final at the end', (_name, shape) => {
    const options = { warmup: 10, final: 0.1 };
    // 110 steps: warmup over steps 0…9, decay over 10…110, its middle at 60.
    expect(shape(0, 110, options)).toBeCloseTo(0.1, 12);
    expect(shape(4, 110, options)).toBeCloseTo(0.5, 12);
    expect(shape(9, 110, options)).toBeCloseTo(1, 12);
    expect(shape(10, 110, options)).toBeCloseTo(1, 12);
    expect(shape(60, 110, options)).toBeCloseTo(0.55, 12);
    expect(shape(110, 110, options)).toBeCloseTo(0.1, 12);
  });

  it('decays monotonically after the warmup', () => {
    for (const shape of [linear, cosine]) {
      const values = Array.from({ length: 101 }, (_, t) => shape(t, 100, { final: 0.3 }));
      for (let t = 1; t < values.length; t++) expect(values[t]).toBeLessThanOrEqual(values[t - 1]);
    }
  });

  it('scheduleFactor follows the config; the constant schedule needs no session state', () => {
    const f = scheduleFactor({ name: 'cosine', final: 0, warmup: 0 }, 100);
    expect(f(50)).toBeCloseTo(0.5, 12);
    expect(lrScheduleFor({ name: 'constant' }, { g: 1, d: 1 }, 100)).toBeUndefined();
    const s = lrScheduleFor({ name: 'linear', final: 0, warmup: 0 }, { g: 2e-4, d: 4e-4 }, 100);
    expect(s?.base).toEqual({ g: 2e-4, d: 4e-4 });
    expect(s?.factor(25)).toBeCloseTo(0.75, 12);
  });

  it('refuses a warmup as long as the run, naming the field', () => {
    const err = configErrorOf(() => scheduleFactor({ name: 'linear', final: 0, warmup: 100 }, 100));
    expect(err.message).toMatch(/optim\.schedule\.warmup: a warmup of 100 steps leaves no step to decay in a run of 100/);
    expect(err.issues[0].field).toBe('optim.schedule.warmup');
    expect(() => sessionFromConfig(tinyConfig({ steps: 20, optim: { schedule: { name: 'cosine', warmup: 20 } } }))).toThrow(/optim\.schedule\.warmup/);
  });
});

describe('schedule config', () => {
  it('defaults to constant; linear and cosine default to decay to 0 without warmup', () => {
    expect(tinyConfig().optim.schedule).toEqual({ name: 'constant' });
    expect(scheduleSchema.parse({ name: 'linear' })).toEqual({ name: 'linear', final: 0, warmup: 0 });
    expect(tinyConfig({ optim: { schedule: { name: 'cosine', warmup: 5 } } }).optim.schedule).toEqual({ name: 'cosine', final: 0, warmup: 5 });
  });

  it.each([
    ['unknown schedule', { optim: { schedule: { name: 'step' } } }, /optim\.schedule\.name: got "step"; allowed: "constant", "linear", "cosine"/],
    ['final above 1', { optim: { schedule: { name: 'linear', final: 2 } } }, /optim\.schedule\.final: .*(<=1|less|too big)/i],
    ['negative warmup', { optim: { schedule: { name: 'cosine', warmup: -1 } } }, /optim\.schedule\.warmup: .*(>=0|non-?negative|too small)/i],
    ['constant with options', { optim: { schedule: { name: 'constant', final: 0.5 } } }, /optim\.schedule: unknown field 'final'/],
  ])('%s is refused with the field and what is allowed', (_name, over, message) => {
    const err = configErrorOf(() => resolveConfig({ preset: 'ring8', files: [over] }));
    expect(err.message).toMatch(message);
  });
});

describe('schedules in the GAN step', () => {
  /** Wraps an optimizer, recording the lr it reads at each update. */
  function recording(opt: Optimizer, seen: number[]): Optimizer {
    return {
      name: opt.name,
      get lr() {
        return opt.lr;
      },
      set lr(value: number) {
        opt.lr = value;
      },
      apply(params, grads) {
        seen.push(opt.lr);
        opt.apply(params, grads);
      },
      state: () => opt.state(),
      restore: (state) => opt.restore(state),
      dispose: () => opt.dispose(),
    };
  }

  it('sets base × factor(step) before each update and logs it; the constant schedule logs nothing', () => {
    const s = sessionFromConfig(tinyConfig({ steps: 4, optim: { schedule: { name: 'linear' }, d: { name: 'adam', lr: 4e-3 }, g: { name: 'sgd', lr: 2e-2 } } }));
    const seenD: number[] = [];
    const seenG: number[] = [];
    s.optimizers.d = recording(s.optimizers.d, seenD);
    s.optimizers.g = recording(s.optimizers.g, seenG);
    const records = [0, 1, 2, 3].map(() => ganStep(s));
    // Factor 1 − t/4 at steps t = 0…3.
    const factors = [1, 0.75, 0.5, 0.25];
    seenD.forEach((lr, i) => expect(lr).toBeCloseTo(4e-3 * factors[i], 12));
    seenG.forEach((lr, i) => expect(lr).toBeCloseTo(2e-2 * factors[i], 12));
    expect(seenD.length).toBe(4);
    records.forEach((r, i) => {
      expect(r.extras?.lrFactor).toBeCloseTo(factors[i], 12);
      expect(r.extras?.lrD).toBeCloseTo(4e-3 * factors[i], 12);
      expect(r.extras?.lrG).toBeCloseTo(2e-2 * factors[i], 12);
    });
    expect(ganStep(sessionFromConfig(tinyConfig())).extras).toBeUndefined();
  });

  it('a resumed session (step restored) gets the same lr as one that never stopped', () => {
    const config = tinyConfig({ steps: 10, optim: { schedule: { name: 'cosine', warmup: 2 } } });
    const s = sessionFromConfig(config);
    s.step = 7;
    const r = ganStep(s);
    expect(r.extras?.lrFactor).toBeCloseTo(cosine(7, 10, { warmup: 2 }), 12);
    expect(s.optimizers.d.lr).toBeCloseTo(config.optim.d.lr * cosine(7, 10, { warmup: 2 }), 12);
  });
});
