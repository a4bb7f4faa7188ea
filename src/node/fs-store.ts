import { join } from 'node:path';
import type { RunConfig } from '../config/index.ts';
import type { RunStore } from '../run/index.ts';
import { runRecordSchema, type RunRecord } from '../train/index.ts';
import { parseOrThrow } from '../validate.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { snapshotGridPng } from './image-grid.ts';
import { MetricsWriter, RUN_FILES, dropCheckpointsAfter, latestCheckpoint, listCheckpoints, readMetrics, readRunConfig, truncateMetrics, writeCheckpoint, writeRunConfig } from './run-dir.ts';

/**
 * The {@link RunStore} of a run directory: `config.json`, `metrics.jsonl` (one record a line,
 * appended and written through at once), `samples/<step>.json` and `checkpoints/<step>/`, every
 * file but the append-only metrics written atomically (a temp file renamed into place).
 */
export function fsRunStore(dir: string): RunStore {
  const metricsPath = join(dir, RUN_FILES.metrics);
  let writer: MetricsWriter | undefined;
  const closeWriter = () => {
    writer?.close();
    writer = undefined;
  };
  return {
    location: dir,
    async writeConfig(config: RunConfig, facts: Record<string, unknown>) {
      writeRunConfig(dir, config, facts);
    },
    async readConfig() {
      return readRunConfig(dir);
    },
    async append(record: RunRecord) {
      (writer ??= new MetricsWriter(metricsPath)).write(record);
    },
    async readRecords() {
      return readMetrics(metricsPath).map((record, i) => parseOrThrow(runRecordSchema, record, `record ${i + 1} of ${metricsPath}`));
    },
    async truncateRecords(step: number) {
      closeWriter();
      truncateMetrics(metricsPath, step);
    },
    async writeSnapshot(snapshot) {
      writeJsonAtomic(join(dir, RUN_FILES.samples, `${snapshot.step}.json`), snapshot);
      // Image data: the fixed-z samples as a grid, one PNG per evaluation, comparable across steps.
      const grid = await snapshotGridPng(snapshot);
      if (grid) writeFileAtomic(join(dir, RUN_FILES.samples, `${snapshot.step}.png`), grid);
    },
    async saveCheckpoint(checkpoint, keep) {
      return writeCheckpoint(dir, checkpoint, keep);
    },
    async dropCheckpointsAfter(step: number) {
      dropCheckpointsAfter(dir, step);
    },
    async listCheckpoints() {
      return listCheckpoints(dir);
    },
    async latestCheckpoint(step?: number) {
      const { path, checkpoint } = latestCheckpoint(dir, step);
      return { location: path, checkpoint };
    },
    async close() {
      closeWriter();
    },
  };
}
