import { sessionFromConfig } from '../../src/run/index.ts';
/**
 * The lab's training adapter in Node on the wasm backend (as in the browser): what the worker would post, checked
 * without a browser. Registries are looped over, never listed by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REMEDY_NAMES, resolveConfig } from '../../src/config/index.ts';
import { LOSS_NAMES } from '../../src/losses/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { nodeWasmDir, useNodeBackend } from '../../src/node/backends.ts';
import { Rng } from '../../src/tensor/index.ts';
import { disposeSession } from '../../src/train/index.ts';
import type { LabSettings, WorkerEvent } from '../../web/src/protocol.ts';
import { DRAWN, catalog, configFor, createEngine, generatorPushes } from '../../web/src/worker/engine.ts';

const base: LabSettings = { data: 'ring8', loss: 'non-saturating', remedies: [], lrG: 5e-4, lrD: 5e-4, k: 1, seed: 0 };

function harness() {
  const events: WorkerEvent[] = [];
  const engine = createEngine((e) => events.push(e), { wasmDir: nodeWasmDir() });
  const last = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type).at(-1);
  const all = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  return { engine, events, last, all };
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('catalog', () => {
  it('offers every loss and every remedy but the baseline, and the 2-D toy datasets plus drawn points', () => {
    const c = catalog();
    expect(c.losses.map((l) => l.name)).toEqual(LOSS_NAMES);
    expect(c.remedies.map((r) => r.name)).toEqual(REMEDY_NAMES.filter((n) => n !== 'none'));
    expect(c.datasets.map((d) => d.name)).toEqual(['ring8', 'ring', 'grid25', 'grid', 'spiral', 'two-moons', DRAWN]);
  });
});

describe('configFor', () => {
  it('is the preset with the settings applied', () => {
    const config = configFor({ ...base, loss: 'hinge', k: 3, lrD: 1e-3 }, 25, 1000);
    const preset = resolveConfig({ preset: 'ring8' });
    expect(config.loss.name).toBe('hinge');
    expect(config.dStepsPerG).toBe(3);
    expect(config.optim.d).toEqual({ ...preset.optim.d, lr: 1e-3 });
    expect(config.model).toEqual(preset.model);
    expect(config.eval).toEqual({ every: 25, samples: 1000, snapshots: true, health: true });
  });

  it('borrows ring8 model and optimizers for a dataset without a preset', () => {
    const config = configFor({ ...base, data: 'grid' }, 25, 1000);
    expect(config.data).toEqual({ kind: 'grid', size: 5, spacing: 2, std: 0.05 });
    expect(config.model).toEqual(resolveConfig({ preset: 'ring8' }).model);
  });

  it.each(REMEDY_NAMES.filter((n) => n !== 'none'))('remedy %s changes the config', (name) => {
    const plain = configFor(base, 25, 1000);
    expect(configFor({ ...base, remedies: [name] }, 25, 1000)).not.toEqual(plain);
  });
});

describe('createEngine', () => {
  it('starts, steps, changes lr live and restarts on a remedy', async () => {
    const { engine, events, last, all } = harness();
    await engine.handle({ type: 'init', settings: base, backend: 'wasm', evalEvery: 2, evalSamples: 200 });
    expect(events.map((e) => e.type)).toEqual(['catalog', 'backend', 'config', 'eval', 'state']);
    expect(last('backend')).toEqual({ type: 'backend', name: 'wasm', skipped: [] });
    expect(last('eval')!.record.step).toBe(0);

    await engine.handle({ type: 'step', count: 3 });
    const records = all('steps').flatMap((e) => e.records);
    expect(records.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(all('eval').map((e) => e.record.step)).toEqual([0, 2]);
    expect(last('state')).toEqual({ type: 'state', playing: false, step: 3, slow: false });

    await engine.handle({ type: 'settings', settings: { ...base, lrG: 1e-3, k: 2 } });
    const live = last('config')!;
    expect([live.applied, live.step, live.config.optim.g.lr, live.config.dStepsPerG]).toEqual(['live', 3, 1e-3, 2]);

    await engine.handle({ type: 'settings', settings: { ...base, remedies: ['spectral-norm', 'pac2'] } });
    const restarted = last('config')!;
    expect([restarted.applied, restarted.step]).toEqual(['restarted', 0]);
    expect(restarted.config.stabilizers.map((s) => s.name)).toEqual(['spectral-norm', 'packing']);
  });

  it('passes on what the builder warns about', async () => {
    const { engine, last } = harness();
    await engine.handle({ type: 'init', settings: { ...base, loss: 'wgan-gp', remedies: ['pac2'] }, backend: 'wasm', evalEvery: 10, evalSamples: 200 });
    const warnings = last('config')!.warnings;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^stabilizers\[0\]/);
  });

  it('trains on drawn points, and refuses drawn data before any point is drawn', async () => {
    const { engine, last } = harness();
    await engine.handle({ type: 'init', settings: base, backend: 'wasm', evalEvery: 10, evalSamples: 200 });
    await engine.handle({ type: 'settings', settings: { ...base, data: DRAWN } });
    expect(last('error')!.message).toBe('draw at least 2 points on the canvas before training on them');
    expect(last('config')!.settings.data).toBe('ring8');

    const drawn = [
      [-1, 0.5],
      [1, -0.5],
    ];
    await engine.handle({ type: 'points', points: drawn });
    await engine.handle({ type: 'settings', settings: { ...base, data: DRAWN } });
    expect(last('config')!.config.data).toEqual({ kind: 'points', path: DRAWN });
    const real = last('eval')!.snapshot.real;
    // Every real sample is one of the drawn points.
    expect(new Set(real.map((p) => p.join(',')))).toEqual(new Set(['-1,0.5', '1,-0.5']));
  });
});

describe('tensors', () => {
  it('steps, evaluations with arrows and restarts leave the tensor count as a once-stepped session has it', async () => {
    const { engine } = harness();
    await engine.handle({ type: 'init', settings: base, backend: 'wasm', evalEvery: 2, evalSamples: 200 });
    // Adam creates its moments at the first step.
    await engine.handle({ type: 'step', count: 1 });
    const stepped = tf.memory().numTensors;
    await engine.handle({ type: 'step', count: 4 });
    expect(tf.memory().numTensors).toBe(stepped);
    await engine.handle({ type: 'settings', settings: { ...base, remedies: ['spectral-norm'] } });
    await engine.handle({ type: 'step', count: 2 });
    await engine.handle({ type: 'settings', settings: base });
    await engine.handle({ type: 'step', count: 1 });
    expect(tf.memory().numTensors).toBe(stepped);
  });
});

describe('generatorPushes', () => {
  it.each(['non-saturating', 'wasserstein', 'relativistic'])('%s: a small move along each arrow lowers G\'s loss', (loss) => {
    const session = sessionFromConfig(configFor({ ...base, loss }, 25, 1000));
    const rng = new Rng(7);
    const rows = (n: number) => Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
    const fake = rows(64);
    const real = rows(64);
    const pushes = generatorPushes(session, fake, real);
    expect(pushes).toHaveLength(64);
    const gLoss = (x: number[][]) =>
      tf.tidy(() => session.objective.loss.g(session.D.apply(tf.tensor2d(x), { training: false }), session.D.apply(tf.tensor2d(real), { training: false })).dataSync()[0]);
    const norm = Math.sqrt(pushes.flat().reduce((a, v) => a + v * v, 0));
    const eps = 1e-2 / norm;
    const before = gLoss(fake);
    const after = gLoss(fake.map((p, i) => [p[0] + eps * pushes[i][0], p[1] + eps * pushes[i][1]]));
    // First order: the loss falls by eps·‖push‖² = 1e-2·‖push‖, to within 10 %.
    expect(before - after).toBeGreaterThan(0.9e-2 * norm);
    expect(before - after).toBeLessThan(1.1e-2 * norm);
    disposeSession(session);
  });
});
