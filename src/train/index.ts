export { type StepRecord, type EvalRecord, type SampleSnapshot, FINITE_FIELDS, HEALTH_FIELDS } from './records.ts';
export { type GanSession, type RunRngs, type NoiseSpec, runRngs, rngStates, sampleNoise, sampleReal, trainingContext, disposeSession } from './session.ts';
export { ganStep } from './gan-step.ts';
export { trainLoop, type TrainHooks, type TrainOptions, type TrainOutcome } from './loop.ts';
export { buildSession, buildDataset, type Platform } from './build.ts';
export {
  encodeCheckpoint,
  restoreCheckpoint,
  validateCheckpoint,
  fingerprint,
  WEIGHTS_FILE,
  MANIFEST_FILE,
  type CheckpointManifest,
  type EncodedCheckpoint,
} from './checkpoint.ts';
export { evaluate, type EvalOptions } from './evaluator.ts';
export { generatorSensitivity, spectralHealth, FULL_JACOBIAN_MAX_DIM, JACOBIAN_PROBES, JACOBIAN_STEP, MAX_CONDITION, SPECTRAL_ITERATIONS, type SensitivityHealth, type SensitivityOptions } from './health.ts';
