import { z } from 'zod';
import { ConfigError } from '../errors.ts';

/** Options of the decaying schedules {@link linear} and {@link cosine}. */
export interface DecayOptions {
  /** The factor reached at the end of the run, as a fraction of the base lr (default 0). */
  final?: number;
  /** Steps of linear ramp-up before the decay starts (default 0: none). */
  warmup?: number;
}

const decay = {
  final: z.number().min(0).max(1).default(0),
  warmup: z.int().min(0).default(0),
};

/**
 * The config schema of `optim.schedule`: how both players' base learning rates change over the
 * run. `{ name: 'constant' }` (the default), or `linear`/`cosine` with `final` and `warmup`.
 */
export const scheduleSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('constant') }),
  z.strictObject({ name: z.literal('linear'), ...decay }),
  z.strictObject({ name: z.literal('cosine'), ...decay }),
]);

/** A validated schedule config. */
export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** Every schedule name, in the schema's order. */
export const SCHEDULE_NAMES = ['constant', 'linear', 'cosine'] as const satisfies readonly ScheduleConfig['name'][];

/**
 * A learning-rate schedule as a session carries it: at step t (steps completed before the update)
 * each player's lr is `base × factor(t)`. The factor depends only on t and the run's length, so a
 * resumed run needs no schedule state.
 */
export interface LrSchedule {
  factor(step: number): number;
  /** The players' learning rates from the config, before the schedule. */
  readonly base: { readonly g: number; readonly d: number };
}

/** The constant schedule: 1 at every step. */
export function constant(_step: number, _totalSteps: number): number {
  return 1;
}

/**
 * Warmup then decay: for t < warmup the factor ramps linearly as (t + 1)/warmup, so the first
 * update already moves and update `warmup − 1` is the first at full lr; then `shape` maps the decay's
 * progress p = (t − warmup)/(totalSteps − warmup), clamped to [0, 1], to the factor.
 */
function warmupThen(step: number, totalSteps: number, warmup: number, shape: (p: number) => number): number {
  if (step < warmup) return (step + 1) / warmup;
  const span = totalSteps - warmup;
  const p = span > 0 ? Math.min(1, Math.max(0, (step - warmup) / span)) : 1;
  return shape(p);
}

/**
 * Linear decay from 1 to `final` over the run (after an optional warmup): 1 − (1 − final)·p.
 * The factor is 1 at t = warmup, (1 + final)/2 halfway and `final` at t = totalSteps.
 *
 * @example
 * linear(50, 100); // 0.5
 * linear(0, 100, { warmup: 10 }); // 0.1
 */
export function linear(step: number, totalSteps: number, { final = 0, warmup = 0 }: DecayOptions = {}): number {
  return warmupThen(step, totalSteps, warmup, (p) => 1 - (1 - final) * p);
}

/**
 * Cosine decay from 1 to `final` (Loshchilov & Hutter's SGDR without restarts, after an optional
 * warmup): final + (1 − final)·½(1 + cos πp). The factor is 1 at t = warmup, (1 + final)/2 halfway
 * and `final` at t = totalSteps.
 *
 * @example
 * cosine(25, 100); // ½(1 + cos π/4) ≈ 0.854
 */
export function cosine(step: number, totalSteps: number, { final = 0, warmup = 0 }: DecayOptions = {}): number {
  return warmupThen(step, totalSteps, warmup, (p) => final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * p)));
}

/**
 * The factor function of a schedule config for a run of `totalSteps` steps. Refuses a warmup as
 * long as the run (the decay would never start) with a {@link ConfigError} naming
 * `optim.schedule.warmup`.
 */
export function scheduleFactor(config: ScheduleConfig, totalSteps: number): (step: number) => number {
  if (config.name === 'constant') return (step) => constant(step, totalSteps);
  if (config.warmup >= totalSteps) {
    const field = 'optim.schedule.warmup';
    const message = `a warmup of ${config.warmup} steps leaves no step to decay in a run of ${totalSteps}; use fewer than ${totalSteps}`;
    throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received: config.warmup }]);
  }
  const { name, ...options } = config;
  const shape = name === 'linear' ? linear : cosine;
  return (step) => shape(step, totalSteps, options);
}

/**
 * The session's schedule for a config, or undefined for the constant schedule (whose steps then
 * run exactly as without schedules and log no lr).
 */
export function lrScheduleFor(config: ScheduleConfig, base: { g: number; d: number }, totalSteps: number): LrSchedule | undefined {
  if (config.name === 'constant') return undefined;
  return { factor: scheduleFactor(config, totalSteps), base: { ...base } };
}
