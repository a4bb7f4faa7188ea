import { sampleNoise } from '../../src/data/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.ts';
import { evaluate } from '../../src/train/evaluator.ts';
import { encodeCheckpoint, ganStep, restoreCheckpoint, type GanSession, type StepRecord } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';
import { runSteps } from '../helpers/steps.ts';

beforeAll(() => selectTestBackend('cpu'));

/** A small reference batch keeps these runs fast; the default (128) is the paper's size. */
const vbn = (over: Record<string, unknown> = {}) => ({ name: 'virtual-batch-norm', referenceSize: 32, ...over });

const rows = (t: tf.Tensor) => t.arraySync() as number[][];

/** G's samples on fixed noise. */
function generated(s: GanSession, n: number, training: boolean, seed = 99): number[][] {
  return tf.tidy(() => rows(s.G.apply(sampleNoise(s.noise, n, new Rng(seed)), { training })));
}

/** Mean distance of G's samples (fixed noise) from the data's single mode at (3, 0). */
const distanceToMode = (s: GanSession) => generated(s, 500, false).reduce((sum, [x, y]) => sum + Math.hypot(x - 3, y), 0) / 500;

const withoutTime = ({ ms: _ms, ...rest }: StepRecord) => rest;

describe('virtual-batch-norm config', () => {
  it('defaults to G with a reference batch of 128', () => {
    expect(tinyConfig({ stabilizers: [{ name: 'virtual-batch-norm' }] }).stabilizers).toEqual([{ name: 'virtual-batch-norm', player: 'g', referenceSize: 128 }]);
  });

  it.each([
    ['unknown player', [{ name: 'virtual-batch-norm', player: 'e' }], /stabilizers\[0\]\.player: got "e"; allowed: "g", "d", "both"/],
    ['reference of one', [{ name: 'virtual-batch-norm', referenceSize: 1 }], /stabilizers\[0\]\.referenceSize: .*(>=2|greater|too small)/i],
    ['fractional reference', [{ name: 'virtual-batch-norm', referenceSize: 2.5 }], /stabilizers\[0\]\.referenceSize: expected int/],
  ])('%s', (_name, stabilizers, message) => {
    expect(configErrorOf(() => tinyConfig({ stabilizers })).message).toMatch(message);
  });
});

describe('virtual-batch-norm refusals', () => {
  it.each([
    [{ model: { g: { norm: 'batch' } } }, {}, /stabilizers\[0\]\.player: got "g", but model\.g\.norm is "batch"; .*set model\.g\.norm to "none", or allowed here: player "d"/],
    [{ model: { d: { norm: 'layer' } } }, { player: 'both' }, /stabilizers\[0\]\.player: got "both", but model\.d\.norm is "layer"; .*set model\.d\.norm to "none", or allowed here: player "g"/],
    [{ model: { d: { norm: 'batch' } } }, { player: 'd' }, /stabilizers\[0\]\.player: got "d", but model\.d\.norm is "batch"; .*allowed here: player "g"/],
    [
      { model: { g: { norm: 'layer' }, d: { norm: 'batch' } } },
      { player: 'both' },
      /stabilizers\[0\]\.player: got "both", but model\.g\.norm is "layer" and model\.d\.norm is "batch"; a network takes one normalization: set model\.g\.norm and model\.d\.norm to "none"$/,
    ],
  ])('refuses a network config that already has a norm (%j, %j)', (over, params, message) => {
    expect(configErrorOf(() => sessionFromConfig(tinyConfig({ ...over, stabilizers: [vbn(params)] }))).message).toMatch(message);
  });

  it("accepts the norm the other player's config has", () => {
    const s = sessionFromConfig(tinyConfig({ model: { d: { norm: 'layer' } }, stabilizers: [vbn()] }));
    expect(s.G.params.some((p) => p.name === 'G/vbn0/gamma')).toBe(true);
    expect(s.D.params.some((p) => p.name === 'D/ln0/gamma')).toBe(true);
  });

  it('refuses a second virtual batch norm on the same player', () => {
    const stabilizers = [vbn({ player: 'both' }), vbn({ player: 'd' })];
    expect(configErrorOf(() => sessionFromConfig(tinyConfig({ stabilizers }))).message).toMatch(/stabilizers\[1\]\.player: virtual batch norm is already applied to D by a stabilizer listed before this one/);
  });

  it('refuses D rows that are not samples (packing listed first), and serves them when listed after', () => {
    const message = configErrorOf(() => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'packing', m: 2 }, vbn({ player: 'd' })] }))).message;
    expect(message).toMatch(/stabilizers\[1\]\.player: D's input rows here have width 4, not one sample's 2 .*list virtual-batch-norm before it/);
    const s = sessionFromConfig(tinyConfig({ stabilizers: [vbn({ player: 'd' }), { name: 'packing', m: 2 }] }));
    expect(tf.tidy(() => s.D.apply(tf.zeros([64, 2]), { training: true }).shape)).toEqual([32, 1]);
    expect(Number.isFinite(ganStep(s).dLoss)).toBe(true);
  });
});

describe('virtual-batch-norm in training', () => {
  it('G with VBN trains on the tiny problem without leaking tensors', async () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [vbn()] }));
    expect(s.G.params.map((p) => p.name)).toContain('G/vbn1/beta');
    const before = distanceToMode(s);
    ganStep(s); // creates the optimizers' slots
    const tensors = tf.memory().numTensors;
    await runSteps(s, 149);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = distanceToMode(s);
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(before / 2);
    const evalTensors = tf.memory().numTensors;
    evaluate(s, { samples: 200, seed: 1, surfaceResolution: 6 });
    expect(tf.memory().numTensors).toBe(evalTensors);
  });

  it('evaluation (training: false) gives the same samples as training mode, and the evaluator uses them', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [vbn()] }));
    for (let i = 0; i < 5; i++) ganStep(s);
    const training = generated(s, 50, true);
    const evaluation = generated(s, 50, false);
    training.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(evaluation[i][j], 5)));
    const zEval = new Rng(4).fork('eval').fork('noise');
    const expected = tf.tidy(() => rows(s.G.apply(sampleNoise(s.noise, 50, zEval), { training: true })));
    const { snapshot } = evaluate(s, { samples: 50, seed: 4, snapshotPoints: 50, surfaceResolution: 4 });
    snapshot.fake.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
  });

  it("a sample of G does not depend on the rest of its batch; D's score of a sample neither (player both)", () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [vbn({ player: 'both' })] }));
    ganStep(s);
    const z = new Rng(8).normalArray(10 * s.noise.dim);
    const batch = tf.tidy(() => rows(s.G.apply(tf.tensor2d(z, [10, s.noise.dim]), { training: true })));
    const alone = tf.tidy(() => rows(s.G.apply(tf.tensor2d(z.subarray(0, s.noise.dim), [1, s.noise.dim]), { training: true })));
    alone[0].forEach((v, j) => expect(v).toBeCloseTo(batch[0][j], 5));
    const x = [[3, 0.1], [-5, 7], [0, 0], [1, 2]];
    const scores = tf.tidy(() => rows(s.D.apply(tf.tensor2d(x), { training: true })));
    const scoreAlone = tf.tidy(() => rows(s.D.apply(tf.tensor2d([x[0]]), { training: true })));
    expect(scoreAlone[0][0]).toBeCloseTo(scores[0][0], 5);
  });

  it('VBN in BEGAN’s autoencoder D (player d) trains', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'began' }, stabilizers: [vbn({ player: 'd' })] }));
    expect(s.D.params.some((p) => p.name === 'D/vbn0/gamma')).toBe(true);
    const r = ganStep(s);
    expect(Number.isFinite(r.dLoss)).toBe(true);
    expect(Number.isFinite(r.gLoss)).toBe(true);
  });

  it('with a gradient penalty on D (second derivatives through VBN)', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, stabilizers: [vbn({ player: 'both' })] }));
    for (let i = 0; i < 2; i++) {
      const r = ganStep(s);
      expect(Number.isFinite(r.dPenalty)).toBe(true);
      expect(r.dPenalty).toBeGreaterThan(0);
    }
  });

  it('the reference batches come from the seed: a rebuilt session computes the same, and a restored one continues exactly', async () => {
    const config = tinyConfig({ stabilizers: [vbn({ player: 'both' })] });
    const a = sessionFromConfig(config);
    const fresh = sessionFromConfig(config);
    expect(generated(fresh, 20, false)).toEqual(generated(a, 20, false));
    const other = sessionFromConfig(tinyConfig({ seed: 1, stabilizers: [vbn({ player: 'both' })] }));
    expect(generated(other, 20, false)).not.toEqual(generated(a, 20, false));
    for (let i = 0; i < 4; i++) ganStep(a);
    const ckpt = await encodeCheckpoint(a);
    const names = ckpt.manifest.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toContain('G/vbn0/gamma');
    expect(names).toContain('D/vbn1/beta');
    expect(ckpt.manifest.state.stabilizers).toBeUndefined();
    const b = sessionFromConfig(config);
    restoreCheckpoint(b, ckpt, 'memory');
    const next = (s: GanSession) => Array.from({ length: 3 }, () => withoutTime(ganStep(s)));
    expect(next(b)).toEqual(next(a));
  });
});
