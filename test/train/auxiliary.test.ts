/**
 * D's auxiliary heads: ACGAN's classifier (Odena et al. 2017) and InfoGAN's Q (Chen et al. 2016).
 * Each loss term against a hand computation, the head layer and the one-hot code, the matching
 * that scores an unsupervised code, the refusals, and seeded ring8 runs in which ACGAN's G puts
 * class k at mode k and InfoGAN's categorical code comes to name the modes without any label.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { noiseValues } from '../../src/data/index.ts';
import { acganD, acganG, classCrossEntropy, infoBounds, infoLoss } from '../../src/losses/index.ts';
import { matchedAccuracy } from '../../src/metrics/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';
import { activation, auxiliaryOutput, conditionOneHot, dense, sequential } from '../../src/nn/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { disposeSession, evaluate, ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const labels = (ids: number[]) => tf.tensor1d(ids, 'int32');
const ring8 = (over: Record<string, unknown>) =>
  resolveConfig({ preset: 'ring8', files: [{ batchSize: 64, model: { g: { hidden: [64, 64] }, d: { hidden: [64, 64] } }, eval: { every: 0, samples: 800, snapshots: false, health: false } }, over], datasets: nodeDatasets, noRecommendations: true });

/** −log softmax(row)[y], by hand. */
const nll = (row: number[], y: number) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[y];

describe('the auxiliary losses, by hand', () => {
  const logits = [
    [2, 0, -1],
    [0.5, 0.5, 3],
  ];
  it('classCrossEntropy is the mean −log softmax of the true class', () => {
    expect(classCrossEntropy(tf.tensor2d(logits), labels([0, 1])).dataSync()[0]).toBeCloseTo((nll(logits[0], 0) + nll(logits[1], 1)) / 2, 5);
  });

  it("ACGAN: D's term is weight × (CE on reals + CE on fakes), G's weight × CE on fakes", () => {
    const spec = { kind: 'acgan', classes: 3, weight: 0.5 } as const;
    const real = tf.tensor2d(logits);
    const fake = tf.tensor2d([
      [0, 1, 0],
      [1, 1, 1],
    ]);
    const ceReal = (nll(logits[0], 2) + nll(logits[1], 2)) / 2;
    const ceFake = (nll([0, 1, 0], 1) + nll([1, 1, 1], 0)) / 2;
    expect(acganD(spec, real, labels([2, 2]), fake, labels([1, 0])).dataSync()[0]).toBeCloseTo(0.5 * (ceReal + ceFake), 5);
    expect(acganG(spec, fake, labels([1, 0])).dataSync()[0]).toBeCloseTo(0.5 * ceFake, 5);
  });

  it("InfoGAN: weight × the categorical code's CE + continuousWeight × mean Σ ½(c − μ)²", () => {
    const spec = { kind: 'infogan', categorical: 2, continuous: 2, weight: 1, continuousWeight: 0.1 } as const;
    const q = [
      [1, -1, 0.2, -0.5],
      [0, 2, 0.9, 0.1],
    ];
    const codes = [
      [0.5, -0.5],
      [-1, 0.3],
    ];
    const cat = (nll([1, -1], 1) + nll([0, 2], 1)) / 2;
    const cont = (0.5 * ((0.5 - 0.2) ** 2 + (-0.5 + 0.5) ** 2) + 0.5 * ((-1 - 0.9) ** 2 + (0.3 - 0.1) ** 2)) / 2;
    expect(infoLoss(spec, tf.tensor2d(q), labels([1, 1]), tf.tensor2d(codes)).dataSync()[0]).toBeCloseTo(cat + 0.1 * cont, 5);
    // The bounds: log k − CE for the code; Σ_j (log 2 − ½ log 2π) − mean Σ ½(c − μ)² for the continuous ones.
    const bounds = infoBounds(spec, Float32Array.from(q.flat()), Int32Array.of(1, 1), Float32Array.from(codes.flat()));
    expect(bounds.categorical).toBeCloseTo(Math.log(2) - cat, 5);
    expect(bounds.continuous).toBeCloseTo(2 * (Math.log(2) - 0.5 * Math.log(2 * Math.PI)) - cont, 5);
    expect(() => infoLoss(spec, tf.tensor2d(q), undefined, tf.tensor2d(codes))).toThrow('the categorical code of each sample is missing');
  });

  it('a Q that names every code reaches the bound log k', () => {
    const spec = { kind: 'infogan', categorical: 4, continuous: 0, weight: 1, continuousWeight: 1 } as const;
    const q = Float32Array.from([40, 0, 0, 0, 0, 40, 0, 0, 0, 0, 40, 0, 0, 0, 0, 40]);
    expect(infoBounds(spec, q, Int32Array.of(0, 1, 2, 3), new Float32Array(0)).categorical).toBeCloseTo(Math.log(4), 6);
  });
});

describe('the head layer and the one-hot code', () => {
  it("auxiliaryOutput returns D's score [n, 1] and hands the head [n, units] to ctx.auxiliary; with `hidden`, through one more layer", () => {
    for (const hidden of [0, 16]) {
      const D = sequential('D', [2], [dense(8), activation('leakyRelu'), auxiliaryOutput(5, { hidden })], new Rng(2));
      const x = tf.tensor2d([
        [0.1, 0.2],
        [-1, 3],
        [2, 2],
      ]);
      let head: tf.Tensor | undefined;
      const out = D.apply(x, { training: false, auxiliary: (h) => (head = h) });
      expect(out.shape).toEqual([3, 1]);
      expect(head!.shape).toEqual([3, 5]);
      // The score does not depend on whether the head was asked for.
      expect(Array.from(D.apply(x, { training: false }).dataSync())).toEqual(Array.from(out.dataSync()));
      expect(D.params.filter((p) => p.name.includes('/head/')).length).toBe(hidden ? 4 : 2);
    }
  });

  it('conditionOneHot appends the code as a one-hot vector', () => {
    const layer = conditionOneHot(3).build([2], new Rng(0), 'c');
    const out = layer.apply(tf.tensor2d([[5, 6], [7, 8]]), { training: false, condition: { labels: labels([2, 0]) } }).arraySync();
    expect(out).toEqual([
      [5, 6, 0, 0, 1],
      [7, 8, 1, 0, 0],
    ]);
    expect(layer.outputShape).toEqual([5]);
    expect(() => conditionOneHot(1)).toThrow(/at least 2/);
  });

  it("the noise's continuous codes are its last columns, U(−1, 1); without codes the draws are what they were", () => {
    const plain = noiseValues({ dim: 4, distribution: 'normal' }, 3, new Rng(7));
    expect(Array.from(plain)).toEqual(Array.from(new Rng(7).normalArray(12)));
    const coded = noiseValues({ dim: 4, distribution: 'normal', codes: 2 }, 500, new Rng(7));
    const tail = Array.from(coded).filter((_, i) => i % 4 >= 2);
    expect(Math.min(...tail)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...tail)).toBeLessThanOrEqual(1);
    expect(Math.abs(tail.reduce((a, b) => a + b, 0) / tail.length)).toBeLessThan(0.06);
    // The free noise keeps N(0, 1): some of it is outside [−1, 1].
    expect(Array.from(coded).filter((v, i) => i % 4 < 2 && Math.abs(v) > 1).length).toBeGreaterThan(200);
  });
});

describe('matchedAccuracy (an unsupervised code scored against labels)', () => {
  it('is 1 for a relabelling, finds the best matching, and counts unmatched clusters as errors', () => {
    expect(matchedAccuracy(Int32Array.of(2, 2, 0, 0, 1), Int32Array.of(0, 0, 1, 1, 2), 3, 3)).toEqual({ accuracy: 1, mapping: [1, 2, 0] });
    // Cluster 0 holds two 0s and one 1; cluster 1 two 1s: the best matching is 0→0, 1→1 (4 of 5).
    expect(matchedAccuracy(Int32Array.of(0, 0, 0, 1, 1), Int32Array.of(0, 0, 1, 1, 1), 2, 2).accuracy).toBeCloseTo(0.8, 10);
    // Three clusters for two classes: the smallest cluster is left unmatched.
    expect(matchedAccuracy(Int32Array.of(0, 0, 1, 1, 2), Int32Array.of(0, 0, 1, 1, 1), 3, 2)).toEqual({ accuracy: 0.8, mapping: [0, 1, -1] });
    expect(() => matchedAccuracy(Int32Array.of(3), Int32Array.of(0), 3, 2)).toThrow(/row 0 has cluster 3/);
  });
});

describe('refusals', () => {
  it.each([
    [{ model: { condition: 'acgan' }, loss: { name: 'began' } }, 'model.condition', "BEGAN's autoencoder discriminator has no place for the class"],
    [{ model: { codes: {}, condition: 'concat' } }, 'model.codes', "InfoGAN's codes take G's class input, which model.condition 'concat' uses"],
    [{ model: { codes: {} }, stabilizers: [{ name: 'packing', m: 2 }] }, 'stabilizers[0]', "would mix their codes; not available with InfoGAN's codes"],
    [{ model: { codes: {} }, stabilizers: [{ name: 'unrolled' }] }, 'stabilizers[0]', "not available with InfoGAN's codes"],
    [{ model: { codes: {} }, loss: { name: 'began' } }, 'model.codes', 'no place for a Q head'],
  ])('%j', (over, field, message) => {
    const err = configErrorOf(() => sessionFromConfig(ring8(over), nodeDatasets));
    expect(err.issues[0].field).toBe(field);
    expect(err.message).toContain(message);
  });

  it('the codes config: a categorical code of 1 value, or no code at all, is refused by the schema', () => {
    expect(configErrorOf(() => ring8({ model: { codes: { categorical: 1 } } })).issues[0].field).toBe('model.codes.categorical');
    expect(configErrorOf(() => ring8({ model: { codes: { categorical: 0, continuous: 0 } } })).issues[0].field).toBe('model.codes.continuous');
  });
});

describe('an ACGAN session', () => {
  it('D takes no labels, both players carry the auxiliary term, and on ring8 class k lands at mode k (seed 2, 300 steps)', () => {
    const session = sessionFromConfig(ring8({ seed: 2, model: { condition: 'acgan' } }));
    expect([session.classes, session.auxiliary?.kind]).toEqual([8, 'acgan']);
    expect(session.D.apply(tf.zeros([2, 2]), { training: false }).shape).toEqual([2, 1]);
    let record = ganStep(session);
    expect(record.dTerms!.acgan).toBeGreaterThan(0);
    expect(record.gTerms!.acgan).toBeGreaterThan(0);
    expect(record.dPenalty).toBeCloseTo(record.dTerms!.acgan, 6);
    for (let i = 1; i < 300; i++) record = ganStep(session);
    const { record: e } = evaluate(session, { samples: 800, seed: 1, health: false });
    // Chance is 1/8 for both.
    expect(e.auxAccuracy).toBeGreaterThan(0.9);
    expect(e.classAccuracy).toBeGreaterThan(0.4);
    disposeSession(session);
  });
});

describe('an InfoGAN session', () => {
  it('G takes z and the codes; Q shares D; on ring8 the 8-way code comes to name the modes without labels (seed 2, 300 steps)', () => {
    const session = sessionFromConfig(ring8({ seed: 2, model: { codes: { categorical: 8, continuous: 1 } } }));
    expect(session.noise).toEqual({ dim: 9, distribution: 'normal', codes: 1 });
    expect([session.classes, session.auxiliary?.kind]).toEqual([8, 'infogan']);
    const z = tf.tile(tf.tensor2d([[0.1, -0.4, 0.3, 0.2, -0.1, 0.5, 0, 0.2, 0.7]]), [2, 1]);
    const out = session.G.apply(z, { training: false, condition: { labels: labels([1, 5]) } }).arraySync() as number[][];
    expect(Math.hypot(out[0][0] - out[1][0], out[0][1] - out[1][1])).toBeGreaterThan(1e-4);
    const first = ganStep(session);
    expect(first.dTerms!.infogan).toBeGreaterThan(0);
    expect(first.gTerms!.infogan).toBeGreaterThan(0);
    for (let i = 1; i < 300; i++) ganStep(session);
    const { record: e } = evaluate(session, { samples: 800, seed: 1, health: false });
    // log 8 = 2.08 is the most the bound can reach; an untrained Q sits near 0. Chance accuracy is 1/8.
    expect(e.miCategorical).toBeGreaterThan(1.5);
    expect(e.codeAccuracy).toBeGreaterThan(0.8);
    expect(e.classAccuracy).toBeUndefined();
    expect(e.miContinuous).toBeLessThan(Math.log(2) - 0.5 * Math.log(2 * Math.PI));
    disposeSession(session);
  });

  it('with continuous codes only there is no class input, and a step is finite', () => {
    const session = sessionFromConfig(ring8({ model: { codes: { categorical: 0, continuous: 2 } } }));
    expect(session.classes).toBeNull();
    const r = ganStep(session);
    expect(Number.isFinite(r.dTerms!.infogan) && Number.isFinite(r.gTerms!.infogan)).toBe(true);
    disposeSession(session);
  });
});
