/**
 * The changes the doctor offers, as exact `--set` strings. Each comes from a config patch — the
 * `compare` remedy catalogue ({@link REMEDIES}) or one of the few doctor-only changes below, all
 * built from fields the config schema has — merged over the run's own config and validated by the
 * schema before it is offered, so a remedy that does not apply to this run (already present, a
 * no-op, refused by the schema) is never shown.
 */
import { REMEDIES, mergeRemedyPatch, parseOrThrow, runConfigSchema, type Remedy, type RemedyPatch, type RunConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import type { DiagnosisContext, RemedyOffer } from './types.ts';

/** How far `lower-lr` divides both learning rates: one decade, the usual first step when a GAN's updates overshoot. */
const LR_DIVISOR = 10;
/** How far `wider-embedding` widens the class embedding. */
const EMBED_FACTOR = 4;
/** How far `lower-aux-weight` divides ACGAN's class loss weight. */
const AUX_DIVISOR = 10;
/** How far `lower-lr-d` divides D's learning rate: the inverse of TTUR's 4× (Heusel et al. 2017). */
const LR_D_DIVISOR = 4;

/** Changes the `compare` catalogue does not name, built from schema fields. */
export const DOCTOR_CHANGES = {
  'non-saturating': {
    summary: "the non-saturating G loss −log D(G(z)) (Goodfellow et al. 2014, §3)",
    patch: () => ({ loss: { name: 'non-saturating' } }),
  },
  'lower-lr': {
    summary: `both learning rates ÷ ${LR_DIVISOR}`,
    patch: (base: RunConfig) => ({
      optim: { g: { name: base.optim.g.name, lr: base.optim.g.lr / LR_DIVISOR }, d: { name: base.optim.d.name, lr: base.optim.d.lr / LR_DIVISOR } },
    }),
  },
  'lower-lr-d': {
    summary: `D's learning rate ÷ ${LR_D_DIVISOR}`,
    patch: (base: RunConfig) => ({ optim: { d: { name: base.optim.d.name, lr: base.optim.d.lr / LR_D_DIVISOR } } }),
  },
  'one-d-step': { summary: 'one D step per G step (k = 1)', patch: () => ({ dStepsPerG: 1 }) },
  'projection-d': { summary: "a projection discriminator (model.condition 'projection', Miyato & Koyama 2018)", patch: () => ({ model: { condition: 'projection' } }) },
  'wider-embedding': {
    summary: `a class embedding ${EMBED_FACTOR}× as wide (model.embedDim)`,
    patch: (base: RunConfig) => ({ model: { embedDim: base.model.embedDim * EMBED_FACTOR } }),
  },
  'lower-aux-weight': {
    summary: `ACGAN's auxiliary class loss weight ÷ ${AUX_DIVISOR} (model.auxWeight)`,
    patch: (base: RunConfig) => ({ model: { auxWeight: base.model.auxWeight / AUX_DIVISOR } }),
  },
} as const satisfies Record<string, Remedy>;

/** Everything the doctor may offer: the compare catalogue and the doctor-only changes. */
export const DOCTOR_REMEDIES: Readonly<Record<string, Remedy>> = { ...REMEDIES, ...DOCTOR_CHANGES };

/** A remedy's name in {@link DOCTOR_REMEDIES}. */
export type DoctorRemedyName = keyof typeof REMEDIES | keyof typeof DOCTOR_CHANGES;

/** Remedies that apply only to some runs, beyond what the schema checks. */
const APPLIES: Partial<Record<DoctorRemedyName, (ctx: DiagnosisContext) => boolean>> = {
  // One-sided label smoothing changes BCE's real target; other losses have none.
  'label-smoothing': (ctx) => ctx.config.loss.name === 'minimax' || ctx.config.loss.name === 'non-saturating',
  curriculum: (ctx) => ctx.modesKnown,
  pac2: (ctx) => ctx.config.batchSize % 2 === 0,
  pac4: (ctx) => ctx.config.batchSize % 4 === 0,
  // Class conditioning remedies change the conditioning a run has; they create none.
  'projection-d': (ctx) => ctx.config.model.condition === 'concat' || ctx.config.model.condition === 'acgan',
  'wider-embedding': (ctx) => ctx.config.model.condition !== 'none',
  'lower-aux-weight': (ctx) => ctx.config.model.condition === 'acgan',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as `--set` reads it back: raw where JSON would not parse it (plain words), JSON otherwise. */
function settingValue(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}

/**
 * The `--set` strings that turn `base` into `base` + `patch` under `resolveConfig`'s merge rules:
 * objects with a `name`/`kind` are set whole (they replace a different family whole, as the remedy
 * merge does), an object that is only a name is set by its name, other objects field by field, and
 * the stabilizer list is set whole with the base's own stabilizers first.
 */
export function remedySettings(base: RunConfig, patch: RemedyPatch): string[] {
  const out: string[] = [];
  const walk = (path: string[], value: unknown) => {
    if (isObject(value) && !('name' in value || 'kind' in value)) {
      for (const [k, v] of Object.entries(value)) walk([...path, k], v);
      return;
    }
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1) {
        out.push(`${[...path, keys[0]].join('.')}=${settingValue(value[keys[0]])}`);
        return;
      }
    }
    out.push(`${path.join('.')}=${settingValue(value)}`);
  };
  const { stabilizers, ...rest } = patch;
  walk([], rest);
  if (stabilizers) out.push(`stabilizers=${JSON.stringify([...base.stabilizers, ...stabilizers])}`);
  return out;
}

/** Quotes a `--set` argument for a POSIX shell when it holds anything beyond plain word characters. */
function shellArg(s: string): string {
  return /^[\w.,=:/+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The remedies in `ranked` that apply to this run, as offers with exact `--set` strings: skipped when
 * its stabilizer is already there, when it changes nothing, or when the schema refuses the result.
 *
 * @example
 * offerRemedies([['non-saturating', 'G keeps a gradient where D rejects its samples']], ctx);
 * // [{ remedy: 'non-saturating', change: '--set loss.name=non-saturating', sets: ['loss.name=non-saturating'], why: … }]
 */
export function offerRemedies(ranked: readonly (readonly [DoctorRemedyName, string])[], ctx: DiagnosisContext): RemedyOffer[] {
  const base = ctx.config;
  const offers: RemedyOffer[] = [];
  for (const [name, why] of ranked) {
    if (APPLIES[name] && !APPLIES[name](ctx)) continue;
    const patch = DOCTOR_REMEDIES[name].patch(base);
    if (patch.stabilizers?.some((s) => base.stabilizers.some((b) => b.name === s.name))) continue;
    let result: RunConfig;
    try {
      result = parseOrThrow(runConfigSchema, mergeRemedyPatch(base, patch), `config with remedy "${name}"`);
    } catch (err) {
      if (err instanceof ConfigError) continue;
      throw err;
    }
    if (JSON.stringify(result) === JSON.stringify(base)) continue;
    const sets = remedySettings(base, patch);
    offers.push({ remedy: name, change: sets.map((s) => `--set ${shellArg(s)}`).join(' '), sets, why });
  }
  return offers;
}
