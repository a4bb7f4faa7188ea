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
