/**
 * Remedies for `saddlepoint compare`: named config fragments merged over a base run config, so one
 * base (preset, files, `--set`, `--data`, `--loss`) can be tried with and without each fix. A
 * remedy is a plain patch, never code in the trainer: `spectral-norm` adds a stabilizer, `hinge`
 * swaps the loss, `ttur` changes D's learning rate. Names join with `+` (`spectral-norm+pac2`);
 * stabilizers from several patches are concatenated in that order, everything else deep-merges
 * with the later patch winning.
 */
import { ConfigError } from '../errors.ts';
import { parseOrThrow } from '../validate.ts';
import { mergeConfig, type JsonObject } from './merge.ts';
import type { DatasetRegistry } from '../data/index.ts';
import { runConfigSchema, runConfigSchemaFor, type RunConfig, type RunConfigInput } from './schema.ts';

/** A config fragment: any part of a run config, arrays (the stabilizer list) given whole. */
type Fragment<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Fragment<T[K]> } : T;

/** What a remedy merges over the base config. `stabilizers` are appended to the base's, not replacing them. */
export type RemedyPatch = Fragment<RunConfigInput>;

/** One remedy: what it is (with its source) and the fragment it adds to a validated base config. */
export interface Remedy {
  readonly summary: string;
  /** The fragment for this base; reads the base only where the fix is relative to it (TTUR's ratio, annealing over the run). */
  patch(base: RunConfig): RemedyPatch;
}

/** Remedies by name: a value, so a test can build its own. */
export type RemedyRegistry = Readonly<Record<string, Remedy>>;

/**
 * EMA's β for a run of `steps`: the average covers about the last 10 % of training (1 − 10/steps),
 * between 0.9 and 0.999. A fixed 0.999 (Yazıcı et al.'s value for 100k-step runs) would average
 * half of a 2,000-step toy run, untrained weights included.
 */
function emaBeta(steps: number): number {
  return Math.min(0.999, Math.max(0.9, 1 - 10 / steps));
}

/** Every built-in remedy, in the order help texts list them. */
export const REMEDIES = {
  none: { summary: 'the base config unchanged: the baseline every remedy is measured against', patch: () => ({}) },
  'spectral-norm': {
    summary: "D's weights divided by their largest singular value, one power iteration a step (Miyato et al. 2018)",
    patch: () => ({ stabilizers: [{ name: 'spectral-norm' }] }),
  },
  'minibatch-std': {
    summary: "the batch's mean feature std as an extra feature before D's output (Karras et al. 2018)",
    patch: () => ({ stabilizers: [{ name: 'minibatch-std' }] }),
  },
  'minibatch-discrimination': {
    summary: "each sample's closeness to the rest of its batch as D features, B = 5, C = 3 (Salimans et al. 2016)",
    patch: () => ({ stabilizers: [{ name: 'minibatch-discrimination' }] }),
  },
  'feature-matching': {
    summary: "G matches the mean of D's last hidden features on real data instead of its loss (Salimans et al. 2016)",
    patch: () => ({ stabilizers: [{ name: 'feature-matching' }] }),
  },
  pac2: { summary: 'PacGAN: D judges 2 samples at once (Lin et al. 2018); the batch must be even', patch: () => ({ stabilizers: [{ name: 'packing', m: 2 }] }) },
  pac4: { summary: 'PacGAN: D judges 4 samples at once (Lin et al. 2018); the batch must be a multiple of 4', patch: () => ({ stabilizers: [{ name: 'packing', m: 4 }] }) },
  'label-smoothing': {
    summary: "one-sided label smoothing: D's real target 0.9 (Salimans et al. 2016); BCE losses only",
    patch: () => ({ stabilizers: [{ name: 'label-smoothing' }] }),
  },
  'instance-noise': {
    summary: "N(0, 0.1²) on D's inputs, annealed to 0 over the run (Sønderby et al. 2017)",
    patch: (base) => ({ stabilizers: [{ name: 'instance-noise', sigma: 0.1, annealSteps: base.steps }] }),
  },
  'historical-averaging': {
    summary: "λ‖θ − mean of past θ‖², λ = 1e-3, on both players (Salimans et al. 2016)",
    patch: () => ({ stabilizers: [{ name: 'historical-averaging' }] }),
  },
  'weight-penalty': { summary: "λ·Σ‖W‖², λ = 1e-4, over D's kernels (L2 weight decay on D)", patch: () => ({ stabilizers: [{ name: 'weight-penalty' }] }) },
  ema: {
    summary: "an exponential moving average of G's weights is evaluated, β = 1 − 10/steps in [0.9, 0.999] (Yazıcı et al. 2019)",
    patch: (base) => ({ stabilizers: [{ name: 'ema', beta: emaBeta(base.steps) }] }),
  },
  dropout: { summary: 'dropout 0.3 after each of D\'s hidden layers (a noisier, weaker D)', patch: () => ({ model: { d: { dropout: 0.3 } } }) },
  // The loss swaps keep every other setting (optimizers, k, widths), so the row measures the loss
  // alone. WGAN-GP as published also uses Adam(1e-4, β1 = 0, β2 = 0.9) and 5 critic steps: try
  // `wgan-gp+k5` for the latter.
  'wgan-gp': { summary: 'the WGAN-GP loss, λ = 10 (Gulrajani et al. 2017); optimizers and k kept (add +k5 for 5 critic steps)', patch: () => ({ loss: { name: 'wgan-gp' } }) },
  hinge: { summary: 'the hinge loss (Lim & Ye 2017; SAGAN, BigGAN)', patch: () => ({ loss: { name: 'hinge' } }) },
  'least-squares': { summary: 'the least-squares loss, targets 0 and 1 (Mao et al. 2017)', patch: () => ({ loss: { name: 'least-squares' } }) },
  r1: {
    summary: 'the R1 penalty γ/2·E‖∇D(real)‖², γ = 10, added to the loss kept (Mescheder et al. 2018)',
    patch: () => ({ stabilizers: [{ name: 'gradient-penalty', kind: 'r1', weight: 10 }] }),
  },
  ttur: {
    summary: "two time-scale update rule: D's learning rate 4× G's (Heusel et al. 2017)",
    patch: (base) => ({ optim: { d: { name: base.optim.d.name, lr: 4 * base.optim.g.lr } } }),
  },
  k5: { summary: 'five D steps per G step (k = 5, as WGAN and WGAN-GP train the critic)', patch: () => ({ dStepsPerG: 5 }) },
  unrolled: {
    summary: "G's loss against D after 5 differentiable updates of D's optimizer, with the surrogate gradient (Metz et al. 2017)",
    patch: () => ({ stabilizers: [{ name: 'unrolled', steps: 5 }] }),
  },
  vbn: {
    summary: "virtual batch norm in G: each sample normalized with a fixed reference batch of 128 (Salimans et al. 2016)",
    patch: () => ({ stabilizers: [{ name: 'virtual-batch-norm', player: 'g' }] }),
  },
  curriculum: {
    summary: 'real batches from 1 mode at first, all modes by half the run (data with known modes only)',
    patch: (base) => ({ stabilizers: [{ name: 'curriculum', kind: 'modes', start: 1, until: Math.max(1, Math.floor(base.steps / 2)) }] }),
  },
  'optimistic-adam': {
    summary: 'optimistic Adam for both players at their learning rates, β = (0.5, 0.9) (Daskalakis et al. 2018)',
    patch: (base) => ({ optim: { g: { name: 'optimistic-adam', lr: base.optim.g.lr }, d: { name: 'optimistic-adam', lr: base.optim.d.lr } } }),
  },
  extragradient: {
    summary: 'extragradient: both players step from a look-ahead point (Korpelevich 1976; Gidel et al. 2019); one D step per G step',
    patch: () => ({ dStepsPerG: 1, optim: { game: { name: 'extragradient' } } }),
  },
  consensus: {
    summary: 'consensus optimization: both players also descend γ/2·‖v‖², γ = 10 (Mescheder et al. 2017); one D step per G step',
    patch: () => ({ dStepsPerG: 1, optim: { game: { name: 'consensus', gamma: 10 } } }),
  },
  'lr-decay': {
    summary: 'both learning rates decay linearly to 0 over the run',
    patch: () => ({ optim: { schedule: { name: 'linear', final: 0 } } }),
  },
} as const satisfies RemedyRegistry;

/** The name of a built-in remedy. */
export type RemedyName = keyof typeof REMEDIES;

/** Built-in remedy names, in help order. */
export const REMEDY_NAMES = Object.keys(REMEDIES) as RemedyName[];

/** A remedy's fragment as a config layer over `base`: its stabilizers appended to the base's (the layer holds the whole list), the rest as given. */
export function remedyLayer(base: RunConfig, patch: RemedyPatch): JsonObject {
  const { stabilizers, ...rest } = patch;
  return stabilizers ? { ...rest, stabilizers: [...base.stabilizers, ...stabilizers] } : rest;
}

/**
 * Merges one remedy's fragment over a config: objects deep-merge as in {@link mergeConfig}
 * (a loss whose name changes is replaced whole), stabilizers are appended to the base's.
 */
export function mergeRemedyPatch(base: RunConfig, patch: RemedyPatch): JsonObject {
  return mergeConfig(base, remedyLayer(base, patch));
}

function unknownRemedy(name: string, spec: string, registry: RemedyRegistry): ConfigError {
  const names = Object.keys(registry);
  const within = spec !== name ? ` in "${spec}"` : '';
  const message = `got "${name}"${within}; allowed: ${names.join(', ')} (join with +, e.g. spectral-norm+pac2)`;
  return new ConfigError(`invalid config:\n  remedies: ${message}`, [{ field: 'remedies', message, received: name }]);
}

/** The parts of a `+` combination, checked against the registry (unknown, empty or repeated parts are refused). */
export function remedyParts(spec: string, registry: RemedyRegistry = REMEDIES): string[] {
  const parts = spec.split('+').map((p) => p.trim());
  for (const [i, part] of parts.entries()) {
    if (!part) throw new ConfigError(`invalid config:\n  remedies: "${spec}" has an empty part; join names with +, e.g. spectral-norm+pac2`);
    if (!Object.hasOwn(registry, part)) throw unknownRemedy(part, spec, registry);
    if (parts.indexOf(part) !== i) throw new ConfigError(`invalid config:\n  remedies: "${spec}" lists ${part} twice`);
  }
  return parts;
}

/**
 * Parses `--remedies a,b+c`: the comma-separated remedies (each possibly a `+` combination),
 * every part known, none listed twice.
 */
export function parseRemedyList(text: string, registry: RemedyRegistry = REMEDIES): string[] {
  const specs = text.split(',').map((s) => s.trim());
  if (specs.some((s) => !s)) throw new ConfigError(`invalid config:\n  remedies: got "${text}"; expected names separated by commas, e.g. none,spectral-norm,pac2`);
  const canonical = specs.map((s) => remedyParts(s, registry).join('+'));
  const repeated = canonical.find((s, i) => canonical.indexOf(s) !== i);
  if (repeated !== undefined) throw new ConfigError(`invalid config:\n  remedies: ${repeated} is listed twice`);
  return canonical;
}

/**
 * The run config for `base` with remedy `spec` (a name or a `+` combination) applied, each
 * part's fragment merged in turn and the result validated by the schema: the fragments alone,
 * without the recommended settings a remedy brings (`resolveConfig({ …, remedy })` applies those,
 * as `compare` and `train --remedy` do). A config the schema
 * refuses is a ConfigError naming the remedy.
 *
 * @example
 * const config = applyRemedy(resolveConfig({ preset: 'ring8' }), 'spectral-norm+pac2');
 * // config.stabilizers: [{ name: 'spectral-norm', iterations: 1 }, { name: 'packing', m: 2 }]
 */
export function applyRemedy(base: RunConfig, spec: string, registry: RemedyRegistry = REMEDIES, datasets?: DatasetRegistry): RunConfig {
  const schema = datasets ? runConfigSchemaFor(datasets) : runConfigSchema;
  let config = base;
  for (const part of remedyParts(spec, registry)) {
    const what = spec === part ? `config with remedy "${spec}"` : `config with remedy "${spec}" (at "${part}")`;
    config = parseOrThrow(schema, mergeRemedyPatch(config, registry[part].patch(config)), what);
  }
  return config;
}
