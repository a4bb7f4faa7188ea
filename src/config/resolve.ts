import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseOrThrow } from './errors.ts';
import { PRESETS, PRESET_NAMES } from './presets.ts';
import type { DatasetRegistry } from '../data/index.ts';
import { runConfigSchema, runConfigSchemaFor, type RunConfig } from './schema.ts';

/** A parsed JSON/YAML object; its contents are checked by the schema, not here. */
export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Deep merge where `over` wins. Objects merge key by key; arrays and scalars replace. An object
 * whose discriminator (`name` or `kind`) changes is replaced whole, because the fields of one loss
 * or dataset mean nothing to another.
 */
export function mergeConfig(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (isObject(prev) && isObject(value) && !discriminatorChanged(prev, value)) out[key] = mergeConfig(prev, value);
    else out[key] = value;
  }
  return out;
}

function discriminatorChanged(a: JsonObject, b: JsonObject): boolean {
  return (['name', 'kind'] as const).some((k) => k in b && k in a && a[k] !== b[k]);
}

/** Parses JSON or YAML config text; `source` names the file in errors. */
export function parseConfigText(text: string, source: string): JsonObject {
  let value: unknown;
  try {
    value = /\.json$/i.test(source) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source}: cannot parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(value)) throw new ConfigError(`${source}: a config file must hold an object at the top level`);
  return value;
}

/**
 * Turns `key.path=value` into a nested object. The value is read as JSON when it parses
 * (`3`, `true`, `[64,64]`, `{"name":"adam"}`), else as a string.
 */
export function parseSetting(setting: string): JsonObject {
  const eq = setting.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${setting}: expected key=value, e.g. --set loss.lambda=5`);
  const path = setting.slice(0, eq).trim().split('.');
  if (path.some((p) => !/^[\w-]+$/.test(p))) throw new ConfigError(`--set ${setting}: '${setting.slice(0, eq)}' is not a dotted field path`);
  const raw = setting.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  let out: unknown = value;
  for (const key of [...path].reverse()) out = { [key]: out };
  return out as JsonObject;
}

/** The sources of a run's config, merged in this order (later wins). */
export interface ConfigSources {
  preset?: string;
  /** Parsed config files. */
  files?: JsonObject[];
  /** `--set key=value` strings. */
  sets?: string[];
  /** Dedicated flags (`--loss`, `--steps`, …) as a partial config. */
  flags?: JsonObject;
  /** The data sources `data.kind` may name (default: the core's toy sets; Node passes its own registry). */
  datasets?: DatasetRegistry;
}

/**
 * Merges preset → files → `--set` → flags and validates once. Everything after this is typed.
 *
 * @example
 * const config = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'wgan-gp' }, steps: 2000 } });
 */
export function resolveConfig(sources: ConfigSources): RunConfig {
  let merged: JsonObject = {};
  if (sources.preset !== undefined) {
    const preset = PRESETS[sources.preset];
    if (!preset) throw new ConfigError(`invalid config:\n  preset: got "${sources.preset}"; allowed: ${PRESET_NAMES.join(', ')}`);
    merged = mergeConfig(merged, { ...preset.config });
  }
  for (const file of sources.files ?? []) merged = mergeConfig(merged, file);
  for (const setting of sources.sets ?? []) merged = mergeConfig(merged, parseSetting(setting));
  if (sources.flags) merged = mergeConfig(merged, sources.flags);
  if (!('data' in merged)) {
    throw new ConfigError(`invalid config:\n  data: is required; pick a preset (${PRESET_NAMES.join(', ')}) or set data.kind`);
  }
  return parseOrThrow(sources.datasets ? runConfigSchemaFor(sources.datasets) : runConfigSchema, merged);
}
