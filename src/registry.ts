/**
 * Registries from one array: the loss, stabilizer, game-scheme and remedy registries each list
 * their definitions once, and derive both the config schema (a zod union of the definitions'
 * schemas) and the lookup by name from that list, so adding an entry is one place.
 */
import type { z } from 'zod';

/** The schemas of a tuple of definitions, as a tuple (what `z.discriminatedUnion` takes). */
export type SchemasOf<T extends readonly { readonly schema: z.ZodType }[]> = { readonly [K in keyof T]: T[K]['schema'] };

/** The schemas of `definitions`, in order. */
export function schemasOf<const T extends readonly { readonly schema: z.ZodType }[]>(definitions: T): SchemasOf<T> {
  return definitions.map((d) => d.schema) as SchemasOf<T>;
}

/** The definitions of a tuple keyed by their names, each with its own type. */
export type ByName<T extends readonly { readonly name: string }[]> = { readonly [D in T[number] as D['name']]: D };

/** The definitions keyed by their `name`; a name listed twice is a programming error and throws. */
export function byName<const T extends readonly { readonly name: string }[]>(definitions: T): ByName<T> {
  const out: Record<string, T[number]> = {};
  for (const d of definitions) {
    if (d.name in out) throw new Error(`'${d.name}' is registered twice`);
    out[d.name] = d;
  }
  return Object.freeze(out) as ByName<T>;
}

/** The kind of data a run trains on: low-dimensional points (the toy sets, points files) or images. */
export type DataDomain = 'points' | 'images';

/**
 * Settings a loss or stabilizer brings with it — from its paper or reference code, or measured
 * here — applied when it is chosen, field by field, unless the user set that field (presets do
 * not count: they hold the plain GAN's settings). The resolved config lists what was applied.
 */
export interface Recommendation {
  /** A config fragment, e.g. `{ dStepsPerG: 5, optim: { d: { name: 'adam', beta2: 0.9 } } }`. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The source and the reason, one sentence. */
  readonly why: string;
  /** Only for this kind of data (default: any). */
  readonly domain?: DataDomain;
}
