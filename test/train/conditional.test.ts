/**
 * Class-conditional GANs (`model.condition`): the projection head against a hand computation, the
 * labels reaching G and D in both players' steps, the refusals, and a seeded ring8 run in which
 * G, asked for mode k, puts its samples at mode k.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';
import { activation, conditionEmbedding, dcganDiscriminator, dcganGenerator, dense, projectionOutput, sequential } from '../../src/nn/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { disposeSession, evaluate, ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const labels = (ids: number[]) => tf.tensor1d(ids, 'int32');
const ring8 = (over: Record<string, unknown>) =>
  resolveConfig({ preset: 'ring8', files: [{ batchSize: 64, model: { g: { hidden: [64, 64] }, d: { hidden: [64, 64] } }, eval: { every: 0, samples: 800, snapshots: false, health: false } }, over], datasets: nodeDatasets, noRecommendations: true });

describe('projectionOutput', () => {
  it('is ψ·φ + b + ⟨V_y, φ⟩, by hand', () => {
    const layer = projectionOutput(3).build([2], new Rng(4), 'p');
    const [w, b, v] = layer.params.map((p) => Array.from(p.variable.dataSync()));
    const phi = [
      [0.5, -1],
      [2, 0.25],
    ];
    const y = [2, 0];
    const out = layer.apply(tf.tensor2d(phi), { training: false, condition: { labels: labels(y) } }).arraySync() as number[][];
    phi.forEach((f, i) => {
      const expected = f[0] * w[0] + f[1] * w[1] + b[0] + f[0] * v[2 * y[i]] + f[1] * v[2 * y[i] + 1];
      expect(out[i][0]).toBeCloseTo(expected, 5);
    });
    expect(layer.outputShape).toEqual([1]);
    expect(() => layer.apply(tf.tensor2d(phi), { training: false })).toThrow('p: this discriminator projects onto class embeddings; pass the labels as ctx.condition.labels');
  });

  it("in a D: the class changes the score, and spectral norm's kernel role covers the embedding", () => {
    const D = sequential('D', [2], [dense(8), activation('leakyRelu'), projectionOutput(4)], new Rng(1));
    const x = tf.tensor2d([
      [1, 1],
      [1, 1],
    ]);
    const out = D.apply(x, { training: false, condition: { labels: labels([0, 3]) } }).dataSync();
    expect(Math.abs(out[0] - out[1])).toBeGreaterThan(1e-4);
    expect(D.params.filter((p) => p.role === 'kernel').map((p) => p.name).filter((n) => n.endsWith('/embedding'))).toHaveLength(1);
  });
});

describe('conditional DCGAN networks (images)', () => {
  it('G: the class embedding joins z before the projection, so the class changes the image', () => {
    const G = sequential('G', [6], [conditionEmbedding(10, 4), ...dcganGenerator([16, 16, 1], { filters: 8, norm: 'none' })], new Rng(3));
    const z = tf.tile(tf.randomNormal([1, 6], 0, 1, 'float32', 1), [2, 1]);
    const out = G.apply(z, { training: false, condition: { labels: labels([1, 7]) } });
    expect(out.shape).toEqual([2, 16, 16, 1]);
    const [a, b] = tf.unstack(out).map((t) => Array.from(t.dataSync()));
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-4);
  });

  it.each(['concat', 'projection'] as const)('D (%s): the same image scores differently under two classes', (kind) => {
    const layers =
      kind === 'concat'
        ? [conditionEmbedding(10, 3), ...dcganDiscriminator([16, 16, 4], { filters: 8, norm: 'none' }), dense(1)]
        : [...dcganDiscriminator([16, 16, 1], { filters: 8, norm: 'none' }), projectionOutput(10)];
    const D = sequential('D', [16, 16, 1], layers, new Rng(5));
    const x = tf.tile(tf.randomUniform([1, 16, 16, 1], -1, 1, 'float32', 2), [2, 1, 1, 1]);
    const out = D.apply(x, { training: false, condition: { labels: labels([0, 9]) } }).dataSync();
    expect(Math.abs(out[0] - out[1])).toBeGreaterThan(1e-5);
  });
});

describe('a conditional session', () => {
  it.each(['concat', 'projection'] as const)('%s: G is asked for a class, D judges with it, and a step uses both', (condition) => {
    const session = sessionFromConfig(ring8({ model: { condition } }));
    expect(session.classes).toBe(8);
    const z = tf.tile(tf.tensor2d([[0.1, -0.4, 0.3, 0.2, -0.1, 0.5, 0.0, 0.2]]), [2, 1]);
    const out = session.G.apply(z, { training: false, condition: { labels: labels([1, 5]) } }).arraySync() as number[][];
    expect(Math.hypot(out[0][0] - out[1][0], out[0][1] - out[1][1])).toBeGreaterThan(1e-4);
    expect(() => session.G.apply(z, { training: false })).toThrow(/conditioned on class labels/);
    const before = tf.memory().numTensors;
    const record = ganStep(session);
    ganStep(session);
    expect(Number.isFinite(record.dLoss) && Number.isFinite(record.gLoss)).toBe(true);
    // The labels drawn for each step are freed with its batches (Adam's moments appeared at step 1).
    const settled = tf.memory().numTensors;
    ganStep(session);
    expect(tf.memory().numTensors).toBe(settled);
    expect(settled).toBeGreaterThan(before);
    disposeSession(session);
  });

  it('a gradient penalty on interpolates runs with the paired labels (WGAN-GP, concat)', () => {
    const session = sessionFromConfig(ring8({ loss: { name: 'wgan-gp' }, model: { condition: 'concat' } }));
    const record = ganStep(session);
    expect(record.dPenalty).toBeGreaterThan(0);
    expect(Number.isFinite(record.dPenalty)).toBe(true);
    disposeSession(session);
  });

  it("projection with spectral norm and the hinge loss (the paper's setting; the embedding is normalized as a kernel) steps, finite", () => {
    const session = sessionFromConfig(ring8({ loss: { name: 'hinge' }, stabilizers: [{ name: 'spectral-norm' }], model: { condition: 'projection' } }));
    const records = [0, 1, 2].map(() => ganStep(session));
    expect(records.every((r) => Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss))).toBe(true);
    disposeSession(session);
  });

  it('an unconditional session draws no labels: its records are those of before (the same numbers for the same seed)', () => {
    const a = sessionFromConfig(tinyConfig());
    expect(a.classes).toBeNull();
    const b = sessionFromConfig(tinyConfig({ model: { condition: 'none' } }));
    const strip = ({ ms: _ms, ...r }: ReturnType<typeof ganStep>) => r;
    expect([0, 1, 2].map(() => strip(ganStep(a)))).toEqual([0, 1, 2].map(() => strip(ganStep(b))));
  });
});

describe('refusals', () => {
  it.each([
    [{ data: { kind: 'spiral' }, model: { condition: 'concat' } }, 'model.condition', "'concat' needs labelled data (MNIST's digits, a mixture's modes); 'spiral' has no labels"],
    [{ loss: { name: 'began' }, model: { condition: 'projection' } }, 'model.condition', "BEGAN's autoencoder discriminator has no place for the class"],
    [{ stabilizers: [{ name: 'packing', m: 2 }], model: { condition: 'concat' } }, 'stabilizers[0]', 'packing judges several samples at once'],
    [{ stabilizers: [{ name: 'unrolled' }], model: { condition: 'concat' } }, 'stabilizers[0]', "unrolling's look-ahead steps D with the adversarial loss alone; not available with model.condition 'concat'"],
  ])('%j', (over, field, message) => {
    const err = configErrorOf(() => sessionFromConfig(ring8(over), nodeDatasets));
    expect(err.issues[0].field).toBe(field);
    expect(err.message).toContain(message);
  });
});

describe('training a conditional GAN on ring8 (seeded, 300 steps)', () => {
  // Measured here at 300 steps: 0.993 (concat) and 0.985 (projection), from 0.028 untrained (chance is 0.125); at
  // 150 steps 0.81 and 0.68. The CLI's ring8 preset (batch 256) reaches 0.999 by step 250 for both, 8 of 8 modes.
  it.each(['concat', 'projection'] as const)('%s: asked for mode k, G puts ≥ 90 %% of its samples nearest mode k, and covers all 8', (condition) => {
    const session = sessionFromConfig(ring8({ model: { condition } }));
    const { record: start } = evaluate(session, { samples: 800, seed: 1, health: false, surfaceResolution: 20 });
    for (let i = 0; i < 300; i++) ganStep(session);
    const { record, snapshot } = evaluate(session, { samples: 800, seed: 1, health: false, surfaceResolution: 20 });
    expect(start.classAccuracy!).toBeLessThan(0.5);
    expect(record.classAccuracy!).toBeGreaterThanOrEqual(0.9);
    // Every mode is reached (the count of modes with high-quality samples lags: projection's samples are still wide here).
    expect(new Set(snapshot.fake.map((p) => Math.round(((Math.atan2(p[1], p[0]) / (2 * Math.PI)) * 8 + 8) % 8) % 8)).size).toBe(8);
    // The surface is D's largest value over the classes: defined on the grid.
    expect(snapshot.surface?.d.length).toBeGreaterThan(0);
    disposeSession(session);
  });

  it('an unconditional run has no class accuracy', () => {
    const session = sessionFromConfig(ring8({}));
    expect(evaluate(session, { samples: 200, seed: 1, health: false }).record.classAccuracy).toBeUndefined();
    disposeSession(session);
  });
});
