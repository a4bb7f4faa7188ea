/**
 * Merging config layers: a deep merge where the later layer wins, an object whose `name` or
 * `kind` changes replaced whole, and keys that would reach an object's prototype refused.
 */
import { ConfigError } from '../errors.ts';

/** A parsed JSON/YAML object; its contents are checked by the schema, not here. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
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
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

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

function discriminatorChanged(a: JsonObject, b: JsonObject): boolean {
  return (['name', 'kind'] as const).some((k) => k in b && k in a && a[k] !== b[k]);
}

