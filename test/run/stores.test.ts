import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, DivergenceError } from '../../src/errors.ts';
import { createRunDir, fsRunStore, nodeDatasets } from '../../src/node/index.ts';
import { memoryStore, resumeRun, runPlan, runSession, sessionFromConfig, startRun, type RunRecord, type RunStore } from '../../src/run/index.ts';
import { disposeSession } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

beforeAll(() => selectTestBackend('cpu'));

const config = tinyConfig({ steps: 12, checkpointEvery: 6, eval: { every: 4, samples: 200, snapshots: true, health: false } });
const withoutMs = (records: RunRecord[]) => records.map((r) => ({ ...r, ms: undefined }));

describe('run stores', () => {
  it('a memory store round trip: the run, its records, snapshots and checkpoints, then a resume', async () => {
    const store = memoryStore('t');
    const first = await startRun({ ...config, steps: 6 }, store);
    disposeSession(first.session);
    expect(store.run.config?.steps).toBe(6);
    expect(await store.listCheckpoints()).toEqual([4, 6]); // the early first checkpoint at the first evaluation, then the end
    expect([...store.run.snapshots.keys()]).toEqual([4, 6]);
    const resumed = await resumeRun(store, { until: 12 });
    disposeSession(resumed.session);
    const kinds = (await store.readRecords()).map((r) => `${r.kind}@${r.step}`);
    expect(kinds.filter((k) => k.startsWith('eval'))).toEqual(['eval@4', 'eval@6', 'eval@8', 'eval@12']);
    expect(kinds.filter((k) => k.startsWith('step'))).toHaveLength(12);
    expect(await store.listCheckpoints()).toEqual([4, 6, 12]);
  });

  it('a run stopped before its first checkpoint (and evaluation) starts over on resume, with the records of a run that never stopped', async () => {
    const whole = memoryStore('whole');
    disposeSession((await startRun(config, whole)).session);
    const cut = memoryStore('cut');
    let calls = 0;
    const first = await startRun(config, cut, { sinks: { shouldStop: () => ++calls >= 3 } });
    disposeSession(first.session);
    // A crash leaves records but no checkpoint: the stop above checkpointed, so drop it as a kill would.
    cut.run.checkpoints.clear();
    expect((await cut.readRecords()).filter((r) => r.kind === 'step')).toHaveLength(3);
    const resumed = await resumeRun(cut);
    disposeSession(resumed.session);
    expect(withoutMs(await cut.readRecords())).toEqual(withoutMs(await whole.readRecords()));
    // One that had evaluated lost its checkpoints some other way: refused, its records untouched.
    const lost = memoryStore('lost');
    disposeSession((await startRun({ ...config, steps: 5 }, lost)).session);
    lost.run.checkpoints.clear();
    const records = await lost.readRecords();
    await expect(resumeRun(lost, { until: 8 })).rejects.toThrow(/no checkpoint to resume from/);
    expect(await lost.readRecords()).toEqual(records);
  });

  it('the first checkpoint comes early: at the first evaluation, or after firstCheckpointMs without one; then on cadence', async () => {
    const plan = { ...runPlan(config), checkpointEvery: 10, until: 12 };
    const atEval = memoryStore('early-eval');
    const a = sessionFromConfig(config);
    await runSession(a, plan, atEval);
    disposeSession(a);
    expect(await atEval.listCheckpoints()).toEqual([4, 10, 12]);
    const byTime = memoryStore('early-time');
    await byTime.writeConfig(config, {});
    const b = sessionFromConfig(config);
    await runSession(b, { ...plan, eval: { ...plan.eval, every: 0 }, firstCheckpointMs: 0 }, byTime);
    disposeSession(b);
    expect(await byTime.listCheckpoints()).toEqual([1, 10, 12]);
    // A resumed run already has a checkpoint: no early one.
    const resumed = await resumeRun(byTime, { until: 16 });
    disposeSession(resumed.session);
    expect(await byTime.listCheckpoints()).toEqual([10, 12, 16]);
  });

  it('the file store and the memory store hold the same records for the same run', async () => {
    const mem = memoryStore('m');
    const a = await startRun(config, mem);
    disposeSession(a.session);
    const dir = createRunDir(mkdtempSync(join(tmpdir(), 'saddlepoint-store-')), config, 'store');
    const fs: RunStore = fsRunStore(dir);
    const b = await startRun(config, fs, { datasets: nodeDatasets });
    disposeSession(b.session);
    await fs.close();
    expect(withoutMs(await fs.readRecords())).toEqual(withoutMs(await mem.readRecords()));
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12 + 3);
    expect((await fs.latestCheckpoint()).checkpoint.manifest.step).toBe(12);
  });

  it('resume refuses --steps at or below the checkpoint and changes nothing', async () => {
    const store = memoryStore('r');
    const run = await startRun(config, store);
    disposeSession(run.session);
    const before = JSON.stringify(store.run.records);
    await expect(resumeRun(store, { until: 12 })).rejects.toThrow('steps: got 12; the newest checkpoint is at step 12');
    expect(JSON.stringify(store.run.records)).toBe(before);
  });

  it('a divergence appends a diverged record, names the last good checkpoint and writes no new one', async () => {
    const store = memoryStore('d');
    const session = sessionFromConfig(config);
    const plan = { ...runPlan(config), checkpointEvery: 1 };
    await runSession(session, { ...plan, until: 3 }, store);
    session.optimizers.d.lr = 1e30;
    session.optimizers.g.lr = 1e30;
    const err = await runSession(session, plan, store).catch((e: unknown) => e);
    const at = session.step;
    disposeSession(session);
    expect(err).toBeInstanceOf(DivergenceError);
    const diverged = (await store.readRecords()).filter((r) => r.kind === 'diverged');
    expect(diverged.map((r) => r.step)).toEqual([at + 1]);
    const steps = await store.listCheckpoints();
    expect(steps[steps.length - 1]).toBe(at);
    expect((err as Error).message).toContain(`last good checkpoint: memory:d/checkpoints/${at}`);
  });

  it('a divergence before any checkpoint says there is none', async () => {
    const store = memoryStore('d0');
    const session = sessionFromConfig(config);
    session.optimizers.d.lr = 1e30;
    session.optimizers.g.lr = 1e30;
    const err = await runSession(session, runPlan(config), store).catch((e: unknown) => e);
    disposeSession(session);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toContain('no checkpoint was written before it');
  });

  it('a memory store without a checkpoint says so', async () => {
    await expect(memoryStore('e').latestCheckpoint()).rejects.toThrow(CheckpointError);
  });
});
