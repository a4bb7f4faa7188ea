/**
 * The autopilot's mechanics on a memory store, with a scripted diagnosis (a finding that appears
 * at a chosen step): where it goes back to, what it drops and records, and that the run it trains
 * on is exactly the run the checkpoint and the new config give.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/index.ts';
import { memoryStore, runPlan, runSession, sessionFromConfig, startRun, withSettings, type RunRecord } from '../../src/run/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';
import { disposeSession, restoreCheckpoint } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

beforeAll(() => selectTestBackend('cpu'));

const config = tinyConfig({ steps: 40, checkpointEvery: 10, eval: { every: 10, samples: 200, snapshots: false, health: false } });
const strip = (records: RunRecord[]) => records.map((r) => ('ms' in r ? { ...r, ms: 0 } : r));

/** A diagnosis that sees `pathology` from step 25 on, in any run whose D lr is still `untilLr`, offering `sets`. */
function scripted(sets: string[], pathology: Finding['pathology'] = 'mode-collapse') {
  return (records: readonly { step: number }[], ctx: { config: { optim: { d: { lr: number } } } }): Finding[] =>
    (records.at(-1)?.step ?? 0) >= 30 && ctx.config.optim.d.lr === config.optim.d.lr
      ? [{ pathology, severity: 'critical', fromStep: 25, evidence: { diversity: 0.01 }, explanation: 'scripted', remedies: [{ remedy: 'lower-lr-d', change: sets.map((x) => `--set ${x}`).join(' '), sets, why: 'scripted' }] }]
      : [];
}
const doctor = (sets: string[]) => ({ every: 5, warmup: 0, confirmations: 1, diagnose: scripted(sets) as never });

describe('the autopilot', () => {
  it('goes back to the checkpoint before the trouble, applies the remedy, and trains on as that checkpoint and config would', async () => {
    const store = memoryStore('ap');
    const seen: string[] = [];
    const result = await startRun(config, store, {
      datasets: nodeDatasets,
      doctor: doctor(['optim.d.lr=0.0005']),
      autopilot: { maxInterventions: 1 },
      onIntervention: (r) => seen.push(`${r.pathology}@${r.detectedAt}→${r.step}`),
    });
    disposeSession(result.session);
    const records = await store.readRecords();
    // Found at step 30 (fromStep 25): back to the checkpoint at 20, the finding's records dropped, the intervention kept.
    expect(seen).toEqual(['mode-collapse@30→20']);
    const kinds = records.filter((r) => r.kind !== 'step').map((r) => `${r.kind}@${r.step}`);
    expect(kinds).toEqual(['eval@10', 'eval@20', 'intervention@20', 'eval@30', 'eval@40']);
    expect(records.filter((r) => r.kind === 'step').map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(records.find((r) => r.kind === 'intervention')).toMatchObject({ detectedAt: 30, fromStep: 25, pathology: 'mode-collapse', remedy: 'lower-lr-d', sets: ['optim.d.lr=0.0005'], count: 1, evidence: { diversity: 0.01 } });
    expect(store.run.config?.optim.d.lr).toBe(0.0005);
    expect(store.run.facts.interventions).toBe(1);
    expect(result.config.optim.d.lr).toBe(0.0005);

    // The same by hand: a plain run's checkpoint at 20, restored into a session of the new config, 20 more steps.
    const plain = memoryStore('plain');
    disposeSession((await startRun(config, plain, { datasets: nodeDatasets })).session);
    const next = withSettings(config, ['optim.d.lr=0.0005'], nodeDatasets);
    const manual = memoryStore('manual');
    await manual.writeConfig(next, {});
    const session = sessionFromConfig(next, nodeDatasets);
    const { location, checkpoint } = await plain.latestCheckpoint(20);
    restoreCheckpoint(session, checkpoint, location);
    await runSession(session, runPlan(next), manual);
    disposeSession(session);
    const after = (rs: RunRecord[]) => strip(rs.filter((r) => r.step > 20 && r.kind !== 'intervention'));
    expect(after(records)).toEqual(after(await manual.readRecords()));
  });

  it('a remedy that changes the networks (packing) cannot load the checkpoint: the run starts over with it', async () => {
    const store = memoryStore('pack');
    const result = await startRun(config, store, { datasets: nodeDatasets, doctor: doctor(['optim.d.lr=0.0005', 'stabilizers=[{"name":"packing","m":2}]']), autopilot: true });
    disposeSession(result.session);
    const records = await store.readRecords();
    expect(records[0]).toMatchObject({ kind: 'intervention', step: 0, detectedAt: 30 });
    expect(records.filter((r) => r.kind === 'step').map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(store.run.config?.stabilizers).toEqual([{ name: 'packing', m: 2 }]);
  });

  it('stops acting after maxInterventions; the doctor still records what it finds', async () => {
    // The remedy leaves D's lr as it was, so the finding comes back after each intervention.
    const store = memoryStore('max');
    const result = await startRun(config, store, { datasets: nodeDatasets, doctor: doctor(['optim.g.lr=0.002']), autopilot: { maxInterventions: 2 } });
    disposeSession(result.session);
    const records = await store.readRecords();
    expect(records.filter((r) => r.kind === 'intervention').map((r) => r.kind === 'intervention' && r.count)).toEqual([1, 2]);
    expect(records.filter((r) => r.kind === 'finding').map((r) => r.step)).toEqual([30]);
    expect(result.session.step).toBe(40);
  });
});
