/**
 * From a sweep spec to its trials: the points of the space (a grid's cartesian product, or seeded
 * random draws) × seeds, each made into a run config that the run schema has validated, before any
 * trial starts.
 */
import { mergeConfig, parseRemedyList, parseSetting, PRESET_NAMES, PRESETS, REMEDIES, resolveConfig, runConfigSchema, type RemedyRegistry, type RunConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import { ashaRungs } from './asha.ts';
import { gridValues, sampleValue, type ParamValue } from './space.ts';
import { metricDirection, type Direction, type SweepSpec } from './spec.ts';

type JsonObject = Record<string, unknown>;

/** The parameter key of the remedies dimension in a trial's params. */
export const REMEDY_PARAM = 'remedy';
/** The parameter key of the seed in a trial's params. */
export const SEED_PARAM = 'seed';

/** One trial: a point of the space with one seed, its validated config, and how far it first trains. */
export interface Trial {
  /** `t00`, `t01`, …: the trial's index, zero-padded to the plan's width. */
  id: string;
  index: number;
  /** Which point of the space (trials of one point differ only in their seed). */
  point: number;
  /** The value of every dimension by its config path, plus `remedy` (when the spec has remedies) and `seed`. */
  params: Record<string, ParamValue>;
  /** The validated run config; `steps` is the trial's full budget (ASHA's top rung). */
  config: RunConfig;
  /** Steps of the trial's first run: the full budget, or ASHA's first rung. */
  steps: number;
}

/** Every trial of a sweep, in the order they are launched, with what ranks them. */
export interface SweepPlan {
  trials: Trial[];
  /** Step budgets at which trials are compared: one rung for grid and random, ASHA's ladder otherwise. */
  rungs: number[];
  metric: SweepSpec['metric']['name'];
  direction: Direction;
  /** Points of the space (trials = points × seeds). */
  points: number;
  seeds: number[];
}

/** Options of {@link planTrials}. */
export interface PlanOptions {
  /** Reads one of `base.config`'s files (the CLI resolves it against the spec's folder). */
  readConfig?(path: string): JsonObject;
  registry?: RemedyRegistry;
}

/** The nested object `{ a: { b: value } }` for the path `a.b`. */
export function atPath(path: string, value: unknown): JsonObject {
  let out: unknown = value;
  for (const key of path.split('.').reverse()) out = { [key]: out };
  return out as JsonObject;
}

/** `optim.d.lr=0.0003 remedy=pac2 seed=1`: a trial's parameters in one line. */
export function describeParams(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** The spec's base as one unvalidated object, preset → files → `set` (the schema checks each trial), and its files read. */
function baseObject(spec: SweepSpec, options: PlanOptions): { base: JsonObject; files: JsonObject[] } {
  let merged: JsonObject = {};
  const read: JsonObject[] = [];
  const { preset, config: files, set } = spec.base;
  if (preset !== undefined) {
    if (!Object.hasOwn(PRESETS, preset)) throw new ConfigError(`invalid sweep spec:\n  base.preset: got "${preset}"; allowed: ${PRESET_NAMES.join(', ')}`);
    merged = mergeConfig(merged, { ...PRESETS[preset].config });
  }
  for (const file of files) {
    if (!options.readConfig) throw new ConfigError(`invalid sweep spec:\n  base.config: "${file}" cannot be read here (no file reader given)`);
    read.push(options.readConfig(file));
    merged = mergeConfig(merged, read.at(-1)!);
  }
  for (const setting of set) merged = mergeConfig(merged, parseSetting(setting));
  if (!('data' in merged)) throw new ConfigError(`invalid sweep spec:\n  base: has no data; give base.preset (${PRESET_NAMES.join(', ')}) or set data.kind`);
  return { base: merged, files: read };
}

/** The cartesian product of `lists`, the last list varying fastest. */
function product<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/**
 * Plans a sweep: every trial's params and validated config. Grid: the cartesian product of
 * remedies and the dimensions (in spec order, the last varying fastest), each point with every
 * seed. Random and ASHA: `budget.trials` points drawn from `rng` (deterministic for its seed),
 * each with every seed. A config the run schema refuses is a ConfigError naming the trial and the
 * field; nothing starts before the whole plan is valid.
 *
 * @example
 * const plan = planTrials(parseSweepSpec(yaml), new Rng(0));
 * // plan.trials[0]: { id: 't0', params: { remedy: 'none', seed: 0 }, config: { … }, steps: 300 }
 */
export function planTrials(spec: SweepSpec, rng: Rng, options: PlanOptions = {}): SweepPlan {
  const registry = options.registry ?? REMEDIES;
  const { base, files } = baseObject(spec, options);
  const remedies = spec.remedies ? parseRemedyList(spec.remedies.join(','), registry) : undefined;
  const baseSeed = typeof base.seed === 'number' ? base.seed : 0;
  const seeds = typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => baseSeed + i) : [...spec.seeds];
  const baseSteps = typeof base.steps === 'number' ? base.steps : runConfigSchema.shape.steps.parse(undefined);
  const fullSteps = (spec.strategy.name === 'asha' ? spec.strategy.maxSteps : undefined) ?? spec.budget.steps ?? baseSteps;
  const rungs = ashaRungs(spec, fullSteps);

  const keys = [...(remedies ? [REMEDY_PARAM] : []), ...spec.space.map((d) => d.path)];
  let points: ParamValue[][];
  if (spec.strategy.name === 'grid') {
    points = product<ParamValue>([...(remedies ? [remedies] : []), ...spec.space.map(gridValues)]);
    if (spec.budget.trials !== undefined && points.length > spec.budget.trials) {
      throw new ConfigError(`invalid sweep spec:\n  budget.trials: the grid has ${points.length} points, more than ${spec.budget.trials}; raise budget.trials or shrink the space`);
    }
  } else {
    points = Array.from({ length: spec.budget.trials! }, () => [...(remedies ? [remedies[rng.int(remedies.length)]] : []), ...spec.space.map((d) => sampleValue(d, rng))]);
  }

  const total = points.length * seeds.length;
  const width = String(Math.max(0, total - 1)).length;
  const trials: Trial[] = [];
  points.forEach((values, point) => {
    const dims = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
    for (const seed of seeds) {
      const index = trials.length;
      const id = `t${String(index).padStart(width, '0')}`;
      const params = { ...dims, [SEED_PARAM]: seed };
      trials.push({ id, index, point, params, config: trialConfig(spec, files, params, fullSteps, id, registry), steps: rungs[0] });
    }
  });
  return { trials, rungs, metric: spec.metric.name, direction: metricDirection(spec), points: points.length, seeds };
}

/**
 * One trial's config, resolved as `train --remedy` resolves one: preset → the recommended settings
 * of its loss and remedy (unless `base.recommended` is false) → config files → `set` → the
 * space's values, steps and seed → the remedy; validated, with every error naming the trial.
 */
function trialConfig(spec: SweepSpec, files: JsonObject[], params: Record<string, ParamValue>, steps: number, id: string, registry: RemedyRegistry): RunConfig {
  let point: JsonObject = { steps, seed: params[SEED_PARAM] };
  for (const [key, value] of Object.entries(params)) if (key !== REMEDY_PARAM && key !== SEED_PARAM) point = mergeConfig(point, atPath(key, value));
  const remedy = typeof params[REMEDY_PARAM] === 'string' ? params[REMEDY_PARAM] : undefined;
  let config: RunConfig;
  try {
    config = resolveConfig({ preset: spec.base.preset, files, sets: spec.base.set, flags: point, remedy, remedies: registry, noRecommendations: !spec.base.recommended });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.message.replace(/^invalid config( with remedy "[^"]*")?( \(at "[^"]*"\))?:/, (_m, r = '', at = '') => `invalid config of trial ${id} (${describeParams(params)})${r}${at}:`), err.issues);
  }
  // Every trial (and every ASHA rung) must end with an evaluation to be ranked.
  if (config.eval.every === 0) config = { ...config, eval: { ...config.eval, every: steps } };
  if (spec.strategy.name === 'asha' && config.optim.schedule.name !== 'constant') {
    throw new ConfigError(
      `invalid sweep spec:\n  strategy: asha resumes trials with more steps at each rung, which would restart the ${config.optim.schedule.name} learning-rate schedule of trial ${id}; use optim.schedule constant (no lr-decay) or strategy grid/random`,
    );
  }
  return config;
}
