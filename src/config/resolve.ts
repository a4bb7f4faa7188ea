import { isScalar, parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseOrThrow } from '../validate.ts';
import { recommendationsFor, recommendedFragment, type AppliedSetting } from './recommend.ts';
import { remedyLayer, remedyParts, REMEDIES, type RemedyRegistry } from './remedies.ts';
import { isObject, mergeConfig, UNSAFE_KEYS, type JsonObject } from './merge.ts';
import { PRESETS, PRESET_NAMES } from './presets.ts';
import { toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { runConfigSchema, runConfigSchemaFor, type RunConfig } from './schema.ts';

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
  /** A remedy (a name or a `+` combination) applied over everything else, as `compare` and `train --remedy` do. */
  remedy?: string;
  /** Where remedy names are looked up (default: the built-in remedies). */
  remedies?: RemedyRegistry;
  /** Leave out the losses' and stabilizers' recommended settings (the plain merge). */
  noRecommendations?: boolean;
}

/**
 * Merges preset → files → `--set` → flags (→ remedy), applies the recommended settings of the
 * loss and stabilizers chosen (field by field, except where a file, `--set`, flag or the remedy
 * sets the field; the preset does not count), and validates once. The resolved config lists the
 * settings it received in `recommended`. Everything after this is typed.
 *
 * @example
 * const config = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'wgan-gp' }, steps: 2000 } });
 * // config.dStepsPerG: 5, config.recommended[0]: { field: 'dStepsPerG', value: 5, by: 'loss wgan-gp', why: '…' }
 */
export function resolveConfig(sources: ConfigSources): RunConfig {
  let presetLayer: JsonObject = {};
  if (sources.preset !== undefined) {
    const preset = PRESETS[sources.preset];
    if (!preset) throw new ConfigError(`invalid config:\n  preset: got "${sources.preset}"; allowed: ${PRESET_NAMES.join(', ')}`);
    presetLayer = { ...preset.config };
  }
  const layers: JsonObject[] = [...(sources.files ?? []), ...(sources.sets ?? []).map(parseSetting), ...(sources.flags ? [sources.flags] : [])];
  const datasets = sources.datasets ?? toyDatasets;
  const schema = sources.datasets ? runConfigSchemaFor(sources.datasets) : runConfigSchema;
  const settle = (what?: string): RunConfig => {
    const plain = layers.reduce((acc, layer) => mergeConfig(acc, layer), presetLayer);
    let merged = plain;
    if (!('data' in merged)) {
      throw new ConfigError(`invalid config:\n  data: is required; pick a preset (${PRESET_NAMES.join(', ')}) or set data.kind`);
    }
    if (!sources.noRecommendations) {
      // A recommendation may choose the loss (spectral norm's hinge), whose own ones then apply: settle in a few passes.
      let applied: AppliedSetting[] = [];
      for (let pass = 0; pass < 3; pass++) {
        const next = recommendedFragment(recommendationsFor(merged, datasets), layers, plain);
        const candidate = layers.reduce((acc, layer) => mergeConfig(acc, layer), mergeConfig(presetLayer, next.fragment));
        const stable = JSON.stringify(next.applied) === JSON.stringify(applied);
        merged = candidate;
        applied = next.applied;
        if (stable) break;
      }
      const given = Array.isArray(merged.recommended) ? merged.recommended : [];
      merged = { ...merged, recommended: [...given, ...applied] };
    }
    return parseOrThrow(schema, merged, what);
  };
  let config = settle();
  if (sources.remedy !== undefined) {
    const registry: RemedyRegistry = sources.remedies ?? REMEDIES;
    for (const part of remedyParts(sources.remedy, registry)) {
      // The remedy reads the config as resolved so far (TTUR's ratio is to G's recommended rate) and then counts as the user's choice.
      layers.push(remedyLayer(config, registry[part].patch(config)));
      const what = sources.remedy === part ? `config with remedy "${sources.remedy}"` : `config with remedy "${sources.remedy}" (at "${part}")`;
      config = settle(what);
    }
  }
  return config;
}
