import { canonicalJson, sha256Hex } from '../tensor/index.ts';
import type { RunConfig } from './schema.ts';

/** Fields a resumed run may change without changing the experiment: how long it runs and where. */
export const RESUMABLE_FIELDS = ['steps', 'backend'] as const;

/** Fields that record how the config was made, not what it trains: `recommended` lists settings already in the config. */
const RECORD_FIELDS = ['recommended'] as const;

function experiment(config: RunConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of [...RESUMABLE_FIELDS, ...RECORD_FIELDS]) delete out[field];
  return out;
}

/**
 * A stable hash of the resolved config, the same whatever order its keys were written in, that
 * ignores only {@link RESUMABLE_FIELDS}. Stored in `config.json` `_run` so a resume can refuse an
 * edited experiment.
 *
 * @example
 * configFingerprint(config); // 'sha256:3f2a…'
 */
export function configFingerprint(config: RunConfig): string {
  return `sha256:${sha256Hex(canonicalJson(experiment(config)))}`;
}

/** A short hash of each top-level field (resumable ones left out), so a mismatch can say which changed. */
export function configFieldDigests(config: RunConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(experiment(config))
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, sha256Hex(canonicalJson(v)).slice(0, 16)]),
  );
}

/**
 * The top-level fields whose digests differ between a stored record and `config` (added and
 * removed fields included), sorted; empty when the experiment is the same.
 */
export function changedConfigFields(stored: Record<string, string>, config: RunConfig): string[] {
  const now = configFieldDigests(config);
  return [...new Set([...Object.keys(stored), ...Object.keys(now)])].filter((k) => stored[k] !== now[k]).sort();
}
