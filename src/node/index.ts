export { useNodeBackend, nodeCandidates, nativeCandidate, nodeWasmDir } from './backends.ts';
export { loadPointsFile } from './points-file.ts';
export { writeFileAtomic, writeJsonAtomic, fsyncDir, guard, io } from './atomic.ts';
export { availableMemory } from './memory.ts';
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
  acquireRunLock,
  cleanTempFiles,
  validateResume,
  dataFingerprint,
  runFingerprints,
  metricsStamp,
  metricsMismatch,
  truncateMetricsTo,
  readRunLock,
  type RunLock,
  type RunLockOwner,
  type ResumePlan,
  type ResumeOptions,
  type RunFingerprints,
} from './run-dir.ts';
export { runTraining, type RunOptions, type RunResult } from './run.ts';
export { fsRunStore } from './fs-store.ts';
export { nodeDatasets, nodeRunConfigSchema, pointsFileDataset, imageFolderDataset, prepareData } from './datasets.ts';
export { runDemo, DEMO_RUNS, DEMO_SEED, type DemoOptions, type DemoResult } from './demo.ts';
export { runCompare, planCompare, aggregateRuns, meanSe, compareMarkdown, COMPARE_FILES, type CompareOptions, type CompareSummary, type CompareRow, type RunOutcome, type PlannedRun } from './compare.ts';
export { loadMnist, loadMnistDataset, loadStackedMnistDataset, readMnistFiles, mnistPaths } from './mnist.ts';
export { loadImageFolder, type ImageFolder, type SkippedFile } from './image-folder.ts';
export { benchModel, profileModel, soakModel, soakPreset, stepFlops, gemmPeak, kernelFlops, type BenchRow, type SoakResult } from './bench.ts';
export { findTorch, torchStepsPerSecond, torchBest, type TorchSplit } from './torch-reference.ts';
export { writeOverlayPlot, writeReport } from './report.ts';
export { runScenario, runScenarios, SCENARIO_FILES, type ScenarioRunResult } from './scenarios.ts';
export { runTrainChild, takeRunDir, trainSummary, exitWithParent, EXIT_WITH_PARENT_ENV, TRAIN_BIN, type TrainChildResult, type TrainSummary, type ChildOptions } from './train-child.ts';
export { openRunIndex, RunIndex, parseWhere, parseSort, indexRunDirs, findRunDirs, runFromDir, finalMetrics, RUN_INDEX_VERSION, INDEX_METRICS, type IndexedRun, type IndexedSweep, type RunInput, type RunFinish, type RunQuery, type RunStatus, type SweepStatus, type WhereClause } from './run-index.ts';
export { renderSvg, svgToPng } from './render.ts';
export { REPORT_FILES } from './report.ts';
export { defaultSweepId, planSweep, runSweep, readSweepState, SWEEP_FILES, type RungEnd, type SweepOptions, type SweepResult, type SweepState } from './sweep.ts';
export { trainRung, evalAt, RUNG_LOG, type RungResult, type RungTask, type RungHow, type RungOptions } from './rung.ts';
export { parseQueueUrl, checkQueue, queueErrorText, rungJobId, rungJobSchema, latestRecords, startWorker, QueueRunner, QUEUE_NAME, STORE_TOKEN_FILE, type QueueAddress, type QueueWorker, type WorkerOptions, type RungJob, type RungProgress } from './queue.ts';
export { loadMnistClassifier, mnistFeatureSpace, CLASSIFIER_FILES, MNIST_CLASSIFIER_DIR, type FeatureNet } from './feature-net.ts';
export { imageGridPng, snapshotGridPng, type ImageGridOptions } from './image-grid.ts';
export { imageMetrics, readImageSet, METRIC_DATASETS, type ImageMetrics, type ImageSet } from './image-metrics.ts';
export { startServer, serveApp, isLoopback, WEB_DIST, WEB_PAGES, DEFAULT_SERVE_PORT, type ServeOptions, type RunningServer } from './serve.ts';
export { MetricsFollower, type FollowEvent } from './metrics-follow.ts';
export { requestSegments, resolveInside, isInside } from './safe-path.ts';
export { sampleRun, type SampleOptions, type SampleResult } from './sample.ts';
