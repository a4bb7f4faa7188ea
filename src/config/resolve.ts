import { isScalar, parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseOrThrow } from '../validate.ts';
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
export function mergeConfig(base: JsonObject, over: JsonObject, path: readonly string[] = []): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    refuseUnsafeKey(key, [...path, key]);
    const prev = out[key];
    if (isObject(prev) && isObject(value) && !discriminatorChanged(prev, value)) out[key] = mergeConfig(prev, value, [...path, key]);
    else {
      refuseUnsafeKeysIn(value, [...path, key]);
      out[key] = value;
    }
  }
  return out;
}

/** Keys that would reach an object's prototype when assigned; no config field is named so. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuseUnsafeKey(key: string, path: readonly string[]): void {
  if (UNSAFE_KEYS.has(key)) throw new ConfigError(`invalid config:\n  ${path.join('.')}: '${key}' is not a config field (it would change JavaScript's object prototype)`);
}

function refuseUnsafeKeysIn(value: unknown, path: readonly string[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => refuseUnsafeKeysIn(v, [...path, `[${i}]`]));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      refuseUnsafeKey(k, [...path, k]);
      refuseUnsafeKeysIn(v, [...path, k]);
    }
  }
}

/** The path of the first number in `value` that is not finite (YAML's `.nan`, `.inf`, or `1e999`), if any. */
function nonFinitePath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinitePath(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const found = nonFinitePath(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

const fieldName = (path: readonly (string | number)[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');

/** The source text of the value at `path` (YAML is a superset of JSON, so its parser locates both). */
function sourceTextAt(text: string, path: readonly (string | number)[]): string | undefined {
  const node = parseDocument(text).getIn(path, true);
  return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
}

/**
 * Refuses a non-finite number with the text the user wrote: JSON has no NaN or Infinity, so the
 * schema would otherwise report them as "got null".
 */
function refuseNonFinite(value: unknown, source: string, text?: string): void {
  const path = nonFinitePath(value);
  if (!path) return;
  const got = (text !== undefined ? sourceTextAt(text, path) : undefined) ?? String(valueAtPath(value, path));
  const shown = valueAtPath(value, path);
  throw new ConfigError(`invalid config:\n  ${fieldName(path) || '(value)'}: got ${got} (${shown}) in ${source}; expected a finite number`);
}

function valueAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), value);
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
  refuseNonFinite(value, source, text);
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
  for (const [i, p] of path.entries()) if (UNSAFE_KEYS.has(p)) throw new ConfigError(`--set ${setting}: '${p}' in '${path.slice(0, i + 1).join('.')}' is not a config field (it would change JavaScript's object prototype)`);
  const raw = setting.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const bad = nonFinitePath(value);
  if (bad) throw new ConfigError(`--set ${setting}: ${raw} is not a finite number${bad.length ? ` at ${fieldName(bad)}` : ''}; JSON numbers must be finite (e.g. 1e308 at most)`);
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
