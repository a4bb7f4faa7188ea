/**
 * A sweep spec: a base config, a search space over config paths, remedies and seeds, the metric to
 * optimize and its direction, a budget and a strategy. One zod schema is the single source of its
 * type; a bad spec is a ConfigError naming the field before any trial is planned.
 */
import { z } from 'zod';
import { parseOrThrow } from '../config/index.ts';

/**
 * Metrics a sweep can optimize: fields of an eval record (`kind: "eval"` in metrics.jsonl), each
 * with the direction that means better when the spec gives none.
 */
export const SWEEP_METRICS = {
  modes: { summary: 'modes captured (data with known modes)', direction: 'max' },
  highQuality: { summary: 'share of samples within 3σ of a mode', direction: 'max' },
  reverseKL: { summary: 'KL of the mode histogram to the true mode weights (nats)', direction: 'min' },
  kl: { summary: 'KL(real ‖ generated), histogram estimate (nats)', direction: 'min' },
  reverseKl: { summary: 'KL(generated ‖ real), histogram estimate (nats)', direction: 'min' },
  js: { summary: 'Jensen–Shannon divergence, histogram estimate (nats)', direction: 'min' },
  w1: { summary: 'Wasserstein-1 (exact in 1-D, sliced otherwise)', direction: 'min' },
  mmd: { summary: 'maximum mean discrepancy', direction: 'min' },
} as const satisfies Record<string, { summary: string; direction: 'max' | 'min' }>;

/** A metric a sweep can optimize. */
export type SweepMetricName = keyof typeof SWEEP_METRICS;
/** The metric names, in help order. */
export const SWEEP_METRIC_NAMES = Object.keys(SWEEP_METRICS) as SweepMetricName[];
/** Which way is better. */
export type Direction = 'max' | 'min';

/** The kinds of a search dimension, as spec keys, in the order errors list them. */
export const DIMENSION_KINDS = ['values', 'grid', 'range', 'log-uniform', 'int', 'choice'] as const;
/** One kind of search dimension. */
export type DimensionKind = (typeof DIMENSION_KINDS)[number];

/** Config paths a dimension may not name: the spec owns them (`seeds`, `budget.steps`, `remedies`). */
const RESERVED_PATHS = ['seed', 'steps', 'stabilizers'];

const scalar = z.union([z.number(), z.string(), z.boolean()]);
/** A value a dimension may set: a scalar, or any JSON array/object (e.g. `model.g.hidden: [64, 64]`). */
const settable = z.union([scalar, z.array(z.unknown()), z.record(z.string(), z.unknown())]);
const bounds = z.strictObject({ min: z.number(), max: z.number() });

/** One dimension of the search space: a config path and exactly one way to choose its value. */
const dimensionSchema = z
  .strictObject({
    /** A dotted config path, as `--set` takes it: `optim.d.lr`, `model.g.hidden`. */
    path: z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'a dotted field path such as optim.d.lr'),
    values: z.array(settable).min(1).optional(),
    grid: z.strictObject({ min: z.number(), max: z.number(), step: z.number().positive() }).optional(),
    range: bounds.optional(),
    'log-uniform': bounds.optional(),
    int: z.strictObject({ min: z.int(), max: z.int() }).optional(),
    choice: z.array(settable).min(1).optional(),
    /** Sampling weights of `choice` in random search (need not sum to 1). */
    weights: z.array(z.number().nonnegative()).optional(),
  })
  .superRefine((d, ctx) => {
    const given = DIMENSION_KINDS.filter((k) => d[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], input: given, message: `give exactly one of ${DIMENSION_KINDS.join(', ')}` });
      return;
    }
    if (RESERVED_PATHS.includes(d.path.split('.')[0])) {
      ctx.addIssue({ code: 'custom', path: ['path'], input: d.path, message: 'is set by the spec itself: use seeds, budget.steps or remedies' });
    }
    const b = d.grid ?? d.range ?? d['log-uniform'] ?? d.int;
    const kind = given[0];
    if (b && !(b.max >= b.min)) ctx.addIssue({ code: 'custom', path: [kind, 'max'], input: b.max, message: `must be ≥ min (${b.min})` });
    if (d['log-uniform'] && !(d['log-uniform'].min > 0)) ctx.addIssue({ code: 'custom', path: ['log-uniform', 'min'], input: d['log-uniform'].min, message: 'must be > 0 on a log scale' });
    if (d.grid && (d.grid.max - d.grid.min) / d.grid.step > 10_000) ctx.addIssue({ code: 'custom', path: ['grid', 'step'], input: d.grid.step, message: `gives more than 10,000 points from ${d.grid.min} to ${d.grid.max}` });
    if (d.weights !== undefined) {
      if (!d.choice) ctx.addIssue({ code: 'custom', path: ['weights'], input: d.weights, message: 'only a choice dimension takes weights' });
      else if (d.weights.length !== d.choice.length) ctx.addIssue({ code: 'custom', path: ['weights'], input: d.weights, message: `has ${d.weights.length} entries for ${d.choice.length} choices` });
      else if (!d.weights.some((w) => w > 0)) ctx.addIssue({ code: 'custom', path: ['weights'], input: d.weights, message: 'needs at least one positive weight' });
    }
  });

/** One validated dimension of a search space. */
export type Dimension = z.output<typeof dimensionSchema>;

const strategySchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('grid') }),
  z.strictObject({ name: z.literal('random') }),
  z.strictObject({
    name: z.literal('asha'),
    /** Steps of the first rung: every trial trains at least this far. */
    minSteps: z.int().positive(),
    /** η: the top 1/η of a rung is promoted, each rung η× the steps of the one below. */
    reductionFactor: z.int().min(2).default(3),
    /** Steps of the top rung (default: budget.steps). */
    maxSteps: z.int().positive().optional(),
  }),
]);

/** The search strategy of a sweep. */
export type Strategy = z.output<typeof strategySchema>;

/**
 * A sweep spec as a user writes it (YAML or JSON).
 *
 * @example
 * name: ring8-lr
 * base: { preset: ring8, set: ['model.g.hidden=[64,64]'] }
 * space: [{ path: optim.d.lr, log-uniform: { min: 1e-4, max: 1e-3 } }]
 * remedies: [none, spectral-norm]
 * seeds: 2
 * metric: { name: modes }
 * budget: { trials: 8, steps: 500 }
 * strategy: { name: random }
 */
export const sweepSpecSchema = z
  .strictObject({
    /** A label for the sweep (used in its id and output folder). */
    name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"'),
    /** What every trial starts from, merged like `train`: preset → recommended settings → config files → `set` → the space's values → the remedy. */
    base: z
      .strictObject({
        preset: z.string().optional(),
        /** JSON or YAML config files, relative to the spec file. */
        config: z.array(z.string().min(1)).default([]),
        /** `key=value` overrides, as `--set` takes them. */
        set: z.array(z.string()).default([]),
        /** Apply the recommended settings of each trial's loss and remedies where the base and the space leave them (as `train` does); false: the plain merge. */
        recommended: z.boolean().default(true),
      })
      .prefault({}),
    space: z.array(dimensionSchema).default([]),
    /** Remedies as one dimension: names or `+` combinations from the remedy registry. */
    remedies: z.array(z.string().min(1)).min(1).optional(),
    /** Replicates of every point: a count (the base seed and the next n − 1) or the seeds themselves. */
    seeds: z.union([z.int().positive(), z.array(z.int().min(0).max(2 ** 32 - 1)).min(1)]).default(1),
    metric: z.strictObject({ name: z.enum(SWEEP_METRIC_NAMES), direction: z.enum(['max', 'min']).optional() }),
    budget: z
      .strictObject({
        /** Points of the space to try (random, asha); for grid, a cap the grid may not exceed. */
        trials: z.int().positive().optional(),
        /** Steps of a trial (grid, random) or of ASHA's top rung; default: the base config's. */
        steps: z.int().positive().optional(),
      })
      .prefault({}),
    strategy: strategySchema.prefault({ name: 'grid' }),
    /** Seeds the random search's draws (not the trials' own seeds). */
    seed: z.int().min(0).max(2 ** 32 - 1).default(0),
  })
  .superRefine((s, ctx) => {
    const paths = s.space.map((d) => d.path);
    paths.forEach((p, i) => {
      if (paths.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['space', i, 'path'], input: p, message: `is already dimension ${paths.indexOf(p)}` });
    });
    if (Array.isArray(s.seeds) && new Set(s.seeds).size !== s.seeds.length) ctx.addIssue({ code: 'custom', path: ['seeds'], input: s.seeds, message: 'lists a seed twice' });
    if (s.strategy.name !== 'grid' && s.budget.trials === undefined) {
      ctx.addIssue({ code: 'custom', path: ['budget', 'trials'], input: undefined, message: `is required with strategy ${s.strategy.name} (how many points to sample)` });
    }
    if (s.strategy.name === 'grid') {
      s.space.forEach((d, i) => {
        const kind = DIMENSION_KINDS.find((k) => d[k] !== undefined);
        if (kind === 'range' || kind === 'log-uniform') {
          ctx.addIssue({ code: 'custom', path: ['space', i, kind], input: d[kind], message: `a continuous range has no grid; use grid {min, max, step}, values, or strategy random` });
        }
      });
    }
    if (s.strategy.name === 'asha') {
      const max = s.strategy.maxSteps ?? s.budget.steps;
      if (max === undefined) ctx.addIssue({ code: 'custom', path: ['strategy', 'maxSteps'], input: undefined, message: 'is required (or budget.steps) with strategy asha' });
      else if (s.strategy.maxSteps !== undefined && s.budget.steps !== undefined && s.strategy.maxSteps !== s.budget.steps) {
        ctx.addIssue({ code: 'custom', path: ['strategy', 'maxSteps'], input: s.strategy.maxSteps, message: `differs from budget.steps ${s.budget.steps}; give one` });
      } else if (s.strategy.minSteps > max) ctx.addIssue({ code: 'custom', path: ['strategy', 'minSteps'], input: s.strategy.minSteps, message: `exceeds maxSteps ${max}` });
    }
  });

/** A validated sweep spec. */
export type SweepSpec = z.output<typeof sweepSpecSchema>;
/** A sweep spec as written (defaults may be left out). */
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

/** Validates a parsed spec, or throws a ConfigError listing every bad field (`invalid sweep spec:\n  space[0].grid.max: …`). */
export function parseSweepSpec(input: unknown): SweepSpec {
  return parseOrThrow(sweepSpecSchema, input, 'sweep spec');
}

/** Returns its argument: lets TypeScript check a spec written in code. */
export function defineSweep(spec: SweepSpecInput): SweepSpecInput {
  return spec;
}

/** The spec's direction, or the metric's natural one. */
export function metricDirection(spec: Pick<SweepSpec, 'metric'>): Direction {
  return spec.metric.direction ?? SWEEP_METRICS[spec.metric.name].direction;
}
