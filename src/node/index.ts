export { useNodeBackend, nodeCandidates, nativeCandidate, nodeWasmDir } from './backends.ts';
export { loadPointsFile } from './points-file.ts';
export { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
export {
  createRunDir,
  writeRunConfig,
  readRunConfig,
  MetricsWriter,
  readMetrics,
  truncateMetrics,
  writeCheckpoint,
  listCheckpoints,
  readCheckpoint,
  latestCheckpoint,
  RUN_FILES,
} from './run-dir.ts';
export { runTraining, type RunOptions, type RunResult } from './run.ts';
export { runCompare, planCompare, runPlanned, aggregateRuns, meanSe, compareMarkdown, COMPARE_FILES, type CompareOptions, type CompareSummary, type CompareRow, type RunOutcome, type PlannedRun } from './compare.ts';
export { runTrainChild, takeRunDir, trainSummary, TRAIN_BIN, type TrainChildResult, type TrainSummary, type ChildOptions } from './train-child.ts';
export { openRunIndex, RunIndex, parseWhere, parseSort, indexRunDirs, findRunDirs, runFromDir, finalMetrics, RUN_INDEX_VERSION, INDEX_METRICS, type IndexedRun, type IndexedSweep, type RunInput, type RunFinish, type RunQuery, type RunStatus, type SweepStatus, type WhereClause } from './run-index.ts';
