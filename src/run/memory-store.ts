import type { RunConfig } from '../config/index.ts';
import { CheckpointError } from '../errors.ts';
import { runRecordSchema, validateCheckpoint, type EncodedCheckpoint, type RunRecord, type SampleSnapshot } from '../train/index.ts';
import type { RunStore, StoredCheckpoint } from './store.ts';

/** What a memory store holds, for tests and pages that read it directly. */
export interface MemoryRun {
  config?: RunConfig;
  facts: Record<string, unknown>;
  records: RunRecord[];
  snapshots: Map<number, SampleSnapshot>;
  checkpoints: Map<number, EncodedCheckpoint>;
}

/**
 * A {@link RunStore} in memory: the store of tests and of the browser lab. Records go through
 * the record schema as they would through a file (JSON round trip), so what a reader gets is
 * what the run directory would hold; checkpoints are copied, so later writes cannot change them.
 *
 * @example
 * const store = memoryStore('lab');
 * await runSession(session, plan, store);
 * store.run.records.filter((r) => r.kind === 'eval');
 */
export function memoryStore(name = 'run'): RunStore & { readonly run: MemoryRun } {
  const run: MemoryRun = { facts: {}, records: [], snapshots: new Map(), checkpoints: new Map() };
  const location = `memory:${name}`;
  const steps = () => [...run.checkpoints.keys()].sort((a, b) => a - b);
  return {
    location,
    run,
    async writeConfig(config, facts) {
      run.config = structuredClone(config);
      run.facts = structuredClone(facts);
    },
    async readConfig() {
      if (!run.config) throw new CheckpointError('no config has been written', location);
      return { config: structuredClone(run.config), facts: structuredClone(run.facts) };
    },
    async append(record) {
      run.records.push(runRecordSchema.parse(JSON.parse(JSON.stringify(record))));
    },
    async readRecords() {
      return run.records.map((r) => structuredClone(r));
    },
    async truncateRecords(step) {
      run.records = run.records.filter((r) => r.step <= step);
    },
    async writeSnapshot(snapshot) {
      run.snapshots.set(snapshot.step, structuredClone(snapshot));
    },
    async saveCheckpoint(checkpoint, keep) {
      const step = checkpoint.manifest.step;
      run.checkpoints.set(step, { manifest: structuredClone(checkpoint.manifest), weights: checkpoint.weights.slice() });
      for (const old of steps().slice(0, -keep)) run.checkpoints.delete(old);
      return `${location}/checkpoints/${step}`;
    },
    async dropCheckpointsAfter(step: number) {
      for (const s of steps()) if (s > step) run.checkpoints.delete(s);
    },
    async listCheckpoints() {
      return steps();
    },
    async latestCheckpoint(step?: number): Promise<StoredCheckpoint> {
      const available = steps();
      if (available.length === 0) throw new CheckpointError('this run has no checkpoint to resume from', `${location}/checkpoints`);
      const chosen = step ?? available[available.length - 1];
      const stored = run.checkpoints.get(chosen);
      if (!stored) throw new CheckpointError(`no checkpoint at step ${chosen}; available: ${available.join(', ')}`, location);
      const where = `${location}/checkpoints/${chosen}`;
      return { location: where, checkpoint: { manifest: validateCheckpoint(structuredClone(stored.manifest), stored.weights, where), weights: stored.weights.slice() } };
    },
    async close() {},
  };
}
