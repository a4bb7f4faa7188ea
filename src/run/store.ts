import type { RunConfig } from '../config/index.ts';
import type { EncodedCheckpoint, RunRecord, SampleSnapshot } from '../train/index.ts';

/** A checkpoint as a store holds it, with where it lives (a folder, a memory slot) for messages. */
export interface StoredCheckpoint {
  readonly location: string;
  readonly checkpoint: EncodedCheckpoint;
}

/**
 * Where a run keeps what it writes: its config, its records, sample snapshots and checkpoints.
 * The run ({@link runSession}) knows nothing else of files, browsers or queues. Node provides the
 * run-directory store (`config.json`, `metrics.jsonl`, `samples/`, `checkpoints/`, atomic
 * writes); {@link memoryStore} serves tests and the browser.
 */
export interface RunStore {
  /** Where the run lives, for messages: a directory, `memory:<name>`. */
  readonly location: string;
  /** Writes the fully resolved config and facts about the run (backend, versions). */
  writeConfig(config: RunConfig, facts: Record<string, unknown>): Promise<void>;
  /** The stored config (validated by the caller) and its facts. */
  readConfig(): Promise<{ config: unknown; facts: Record<string, unknown> }>;
  /** Appends one record. */
  append(record: RunRecord): Promise<void>;
  /** Every record, in order. */
  readRecords(): Promise<RunRecord[]>;
  /** Keeps only the records up to `step` (resuming from a checkpoint drops what came after it). */
  truncateRecords(step: number): Promise<void>;
  /** Saves the snapshot of an evaluation (samples and D's surface, for plots). */
  writeSnapshot(snapshot: SampleSnapshot): Promise<void>;
  /** Saves a checkpoint, keeping the newest `keep`; returns its location. */
  saveCheckpoint(checkpoint: EncodedCheckpoint, keep: number): Promise<string>;
  /** Steps that have a checkpoint, ascending. */
  listCheckpoints(): Promise<number[]>;
  /** Removes the checkpoints after `step` (the autopilot goes back to an earlier one). */
  dropCheckpointsAfter(step: number): Promise<void>;
  /** The checkpoint at `step` (default: the newest), verified; a {@link CheckpointError} when there is none. */
  latestCheckpoint(step?: number): Promise<StoredCheckpoint>;
  /** Releases what the store holds open (file handles). */
  close(): Promise<void>;
}
