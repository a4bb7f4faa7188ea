/**
 * A whole run, pure: `runSession` drives a session against a `RunStore` (eval cadence,
 * snapshots, checkpoints, the divergence record), `startRun`/`resumeRun` build or restore the
 * session from a stored config first. Node's run directory, the browser and queue workers all
 * run through here.
 */
export { type RunStore, type StoredCheckpoint } from './store.ts';
export { memoryStore, type MemoryRun } from './memory-store.ts';
export {
  runSession,
  runPlan,
  startRun,
  resumeRun,
  restoreRun,
  evaluateStored,
  startsOver,
  type RunPlan,
  type RunSinks,
  type RunOutcome,
  type RunContext,
  type RunResult,
} from './run-session.ts';
export { intervene, withSettings, AUTOPILOT_MAX_INTERVENTIONS, type AutopilotOptions, type Intervention } from './autopilot.ts';
export { sessionFromConfig } from './session-from-config.ts';
export {
  stepRecordSchema,
  evalRecordSchema,
  divergedRecordSchema,
  findingRecordSchema,
  interventionRecordSchema,
  runRecordSchema,
  type StepRecord,
  type EvalRecord,
  type DivergedRecord,
  type FindingRecord,
  type InterventionRecord,
  type RunRecord,
  type SampleSnapshot,
} from '../train/index.ts';
export { summarizeRun, type RunSummary, type RunState, type LockState, type RunListing, type RunList, type RunDetail } from './run-summary.ts';
