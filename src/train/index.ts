/**
 * The session and the step: `createSession` makes the one object a run trains, `ganStep` takes
 * one step of it (players and game schemes under `step/`), checkpoints encode and restore it,
 * the evaluator measures it, and the record schema describes what all of them write.
 */
export {
  stepRecordSchema,
  evalRecordSchema,
  divergedRecordSchema,
  findingRecordSchema,
  interventionRecordSchema,
  runRecordSchema,
  FINITE_FIELDS,
  HEALTH_FIELDS,
  type StepRecord,
  type EvalRecord,
  type DivergedRecord,
  type FindingRecord,
  type InterventionRecord,
  type RunRecord,
  type SampleSnapshot,
} from './records.ts';
export { createSession, type SessionParts } from './create-session.ts';
export {
  disposeSession,
  dTakesLabels,
  runRngs,
  rngStates,
  sampleReal,
  trainingContext,
  type GanSession,
  type SessionTerms,
  type LossTerm,
  type DTermView,
  type RunRngs,
} from './session.ts';
export { ganStep } from './step/gan-step.ts';
export {
  GAME_SCHEMES,
  GAME_SCHEME_NAMES,
  GAME_SCHEME_REGISTRY,
  gameSchema,
  gameStep,
  checkGameScheme,
  defineGameScheme,
  alternatingStep,
  playerStep,
  simultaneousStep,
  extragradientStep,
  consensusStep,
  consensusGradients,
  type GameConfig,
  type GameSchemeDefinition,
  type SchemeStats,
  type PlayerUpdate,
  type ConsensusGradients,
} from './step/schemes.ts';
export {
  evaluateD,
  evaluateG,
  drawDBatch,
  drawGBatch,
  disposeBatch as disposeStepBatch,
  discriminatorLoss,
  generatorLoss,
  globalNorm,
  readScalars,
  type DStats,
  type GStats,
  type DEvaluation,
  type GEvaluation,
  type DBatch,
  type GBatch,
} from './step/players.ts';
export {
  encodeCheckpoint,
  restoreCheckpoint,
  validateCheckpoint,
  checkpointDigest,
  checkpointWarnings,
  sealCheckpoint,
  stampMetrics,
  checkpointManifestSchema,
  CHECKPOINT_VERSION,
  type MetricsStamp,
  type UnsealedManifest,
  type ValidateOptions,
  fingerprint,
  WEIGHTS_FILE,
  MANIFEST_FILE,
  type CheckpointManifest,
  type EncodedCheckpoint,
} from './checkpoint.ts';
export { evaluate, type EvalOptions } from './evaluator.ts';
export { generatorSensitivity, spectralHealth, FULL_JACOBIAN_MAX_DIM, JACOBIAN_PROBES, JACOBIAN_STEP, MAX_CONDITION, SPECTRAL_ITERATIONS, type SensitivityHealth, type SensitivityOptions } from './health.ts';
export { parseCodeSpec, codeGrid, TRAVERSAL_RANGE, type CodeSpec, type CodeGrid } from './traversal.ts';
