import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { DataDomain } from '../registry.ts';
import type { Dataset } from './dataset.ts';

/** A schema a `kind` union can tell apart: an object schema whose `kind` is a literal. */
export type DiscriminableSchema<K extends string> = z.ZodType<{ kind: K }> & z.core.$ZodTypeDiscriminable;

/**
 * A data source as config sees it: its `kind`, the zod schema of its config entry (`kind`
 * included, parameters with their defaults), a one-line summary, and the builder.
 */
export interface DatasetDefinition<K extends string = string, S extends DiscriminableSchema<K> = DiscriminableSchema<K>> {
  readonly kind: K;
  readonly summary: string;
  readonly schema: S;
  /** Points (the default) or images: which of the losses' and remedies' recommended settings apply. */
  readonly domain?: DataDomain;
  build(params: z.output<S>): Dataset;
}

/** Declares a data source; returns its argument so TypeScript infers the parameter types. */
export function defineDataset<K extends string, S extends DiscriminableSchema<K>>(def: DatasetDefinition<K, S>): DatasetDefinition<K, S> {
  return def;
}

/** A validated data config: a kind and that kind's parameters. */
export type DataConfig = { kind: string } & Record<string, unknown>;

/**
 * Data sources by kind, built from one array of definitions: the config schema of `data` (a
 * union told apart by `kind`) and the lookup are both derived from it, so adding a source is one
 * entry. A registry is a value: the Node adapter extends the core's with file-backed kinds.
 */
export interface DatasetRegistry {
  readonly definitions: readonly DatasetDefinition[];
  /** Kinds in definition order. */
  readonly kinds: readonly string[];
  /** The schema of a `data` config entry. */
  readonly schema: z.ZodType<DataConfig, DataConfig>;
  /** The definition of `kind`; a {@link ConfigError} naming the allowed kinds otherwise. */
  get(kind: string): DatasetDefinition;
  /** Builds the dataset a validated data config describes. */
  build(config: DataConfig): Dataset;
}

/** A registry of `definitions`; a kind listed twice is refused. */
export function datasetRegistry(definitions: readonly DatasetDefinition[]): DatasetRegistry {
  const byKind = new Map<string, DatasetDefinition>();
  for (const d of definitions) {
    if (byKind.has(d.kind)) throw new Error(`data kind '${d.kind}' is registered twice`);
    byKind.set(d.kind, d);
  }
  const kinds = definitions.map((d) => d.kind);
  const [first, ...rest] = definitions.map((d) => d.schema);
  if (!first) throw new Error('a dataset registry needs at least one data source');
  // Each entry's input is a data config of its kind (its output with defaults filled).
  const schema = z.discriminatedUnion('kind', [first, ...rest]) as z.ZodType<DataConfig, DataConfig>;
  const get = (kind: string): DatasetDefinition => {
    const d = byKind.get(kind);
    if (!d) throw new ConfigError(`invalid config:\n  data.kind: got "${kind}"; allowed: ${kinds.map((k) => `"${k}"`).join(', ')}`, [{ field: 'data.kind', message: 'unknown data kind', received: kind }]);
    return d;
  };
  return {
    definitions,
    kinds,
    schema,
    get,
    build: (config) => {
      const d = get(config.kind);
      return d.build(d.schema.parse(config));
    },
  };
}

/** A registry with more sources: the base's, then `more`. */
export function extendDatasets(base: DatasetRegistry, more: readonly DatasetDefinition[]): DatasetRegistry {
  return datasetRegistry([...base.definitions, ...more]);
}
