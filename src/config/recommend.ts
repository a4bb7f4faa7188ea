/**
 * Recommended settings: each loss and stabilizer may bring the settings its paper (or its
 * calibration here) trains it with — WGAN-GP's five critic steps and Adam β2 0.9, spectral
 * norm's hinge loss. When a config chooses it, those settings are applied field by field, except
 * where the user set the field; presets hold the plain GAN's settings and do not count as the
 * user's. The fields applied are listed in the resolved config with their reasons.
 */
import type { DatasetRegistry } from '../data/index.ts';
import { LOSS_DEFINITIONS } from '../losses/index.ts';
import type { DataDomain, Recommendation } from '../registry.ts';
import { STABILIZER_DEFINITIONS } from '../stabilizers/index.ts';
import type { JsonObject } from './merge.ts';


/** One recommended setting a resolved config received: which field, its value, from whom and why. */
export interface AppliedSetting {
  /** Dotted path, e.g. `optim.d.beta2`. */
  field: string;
  value: unknown;
  /** `loss wgan-gp`, `stabilizer spectral-norm`. */
  by: string;
  why: string;
}

/** A recommendation with the choice it belongs to. */
export interface SourcedRecommendation extends Recommendation {
  by: string;
}

const recommendationsOf = (d: { name: string; recommended?: readonly Recommendation[] }) => [d.name, d.recommended ?? []] as const;
const lossRecommendations = new Map<string, readonly Recommendation[]>(LOSS_DEFINITIONS.map(recommendationsOf));
const stabilizerRecommendations = new Map<string, readonly Recommendation[]>(STABILIZER_DEFINITIONS.map(recommendationsOf));

/** Every loss's and stabilizer's recommendations, for `presets` and the docs. */
export function allRecommendations(): { kind: 'loss' | 'stabilizer'; name: string; recommended: readonly Recommendation[] }[] {
  return [
    ...[...lossRecommendations].map(([name, recommended]) => ({ kind: 'loss' as const, name, recommended })),
    ...[...stabilizerRecommendations].map(([name, recommended]) => ({ kind: 'stabilizer' as const, name, recommended })),
  ].filter((e) => e.recommended.length > 0);
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The data domain of a (merged, not yet validated) config: the registry's word for its kind, points when unknown. */
function domainOf(merged: JsonObject, datasets: DatasetRegistry): DataDomain {
  const kind = isObject(merged.data) && typeof merged.data.kind === 'string' ? merged.data.kind : undefined;
  return datasets.definitions.find((d) => d.kind === kind)?.domain ?? 'points';
}

/**
 * The recommendations of what a merged config chooses: its loss (non-saturating when unnamed, as
 * the schema's default) first, then its stabilizers in order; those for another data domain are
 * left out.
 */
export function recommendationsFor(merged: JsonObject, datasets: DatasetRegistry): SourcedRecommendation[] {
  const domain = domainOf(merged, datasets);
  const loss = isObject(merged.loss) && typeof merged.loss.name === 'string' ? merged.loss.name : 'non-saturating';
  const stabilizers = Array.isArray(merged.stabilizers) ? merged.stabilizers.map((s) => (isObject(s) && typeof s.name === 'string' ? s.name : '')) : [];
  const out: SourcedRecommendation[] = [];
  for (const r of lossRecommendations.get(loss) ?? []) out.push({ ...r, by: `loss ${loss}` });
  for (const name of stabilizers) for (const r of stabilizerRecommendations.get(name) ?? []) out.push({ ...r, by: `stabilizer ${name}` });
  return out.filter((r) => r.domain === undefined || r.domain === domain);
}

/** The leaves of a fragment: dotted path, the path's keys, value (arrays are leaves). */
function leaves(fragment: JsonObject, prefix: string[] = []): { keys: string[]; value: unknown }[] {
  return Object.entries(fragment).flatMap(([k, v]) => (isObject(v) ? leaves(v, [...prefix, k]) : [{ keys: [...prefix, k], value: v }]));
}

/** The value at `keys` in a layer, `undefined` when the layer does not reach it (a non-object on the way counts as set). */
function at(layer: JsonObject, keys: readonly string[]): { set: boolean; value?: unknown } {
  let node: unknown = layer;
  for (const [i, k] of keys.entries()) {
    if (!isObject(node) || !Object.hasOwn(node, k)) return { set: false };
    node = node[k];
    if (i < keys.length - 1 && !isObject(node)) return { set: true, value: node };
  }
  return { set: true, value: node };
}

/**
 * Whether the user's layers decide the field at `keys`: they set it, or they name a different
 * `name`/`kind` on its way (the user's SGD keeps Adam's β2 out), or they replace an object on its
 * way with a non-object.
 */
function userDecides(keys: readonly string[], fragment: JsonObject, layers: readonly JsonObject[]): boolean {
  for (const layer of layers) {
    if (at(layer, keys).set) return true;
    for (let depth = 0; depth < keys.length - 1; depth++) {
      const parent = keys.slice(0, depth + 1);
      for (const discriminator of ['name', 'kind']) {
        const mine = at(layer, [...parent, discriminator]);
        const theirs = at(fragment, [...parent, discriminator]);
        if (mine.set && theirs.set && mine.value !== theirs.value) return true;
      }
    }
  }
  return false;
}

function setAt(target: JsonObject, keys: readonly string[], value: unknown): void {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(node[k])) node[k] = {};
    node = node[k] as JsonObject;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * The fragment of `recommendations` that applies over `layers` (the user's files, `--set`s,
 * flags and remedies): every leaf the user does not decide and that changes `current` (the
 * config merged without recommendations); for a field two recommendations set, the first (the
 * loss's before the stabilizers') wins. Also the list of what it applied.
 */
export function recommendedFragment(recommendations: readonly SourcedRecommendation[], layers: readonly JsonObject[], current: JsonObject): { fragment: JsonObject; applied: AppliedSetting[] } {
  const fragment: JsonObject = {};
  const applied: AppliedSetting[] = [];
  for (const r of recommendations) {
    for (const { keys, value } of leaves(r.settings as JsonObject)) {
      if (userDecides(keys, r.settings as JsonObject, layers) || at(fragment, keys).set) continue;
      const now = at(current, keys);
      if (now.set && JSON.stringify(now.value) === JSON.stringify(value)) continue;
      setAt(fragment, keys, value);
      applied.push({ field: keys.join('.'), value, by: r.by, why: r.why });
    }
  }
  return { fragment, applied };
}

/** `dStepsPerG 5, optim.d.beta2 0.9 (loss wgan-gp)` lines for a terminal, grouped by source. */
export function describeApplied(applied: readonly AppliedSetting[]): string[] {
  const bySource = new Map<string, AppliedSetting[]>();
  for (const a of applied) bySource.set(a.by, [...(bySource.get(a.by) ?? []), a]);
  return [...bySource].map(([by, list]) => `${by}: ${list.map((a) => `${a.field} ${JSON.stringify(a.value)}`).join(', ')} (${[...new Set(list.map((a) => a.why))].join(' ')})`);
}
