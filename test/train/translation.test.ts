/**
 * Image-to-image translation (Pix2Pix): the paired MNIST tasks, the U-Net and the PatchGAN, G's L1
 * term against a hand computation, the L1-only baseline, the evaluation's L1 / PSNR / SSIM, the
 * refusals. (That training reduces the error is measured in the README on the native backend: the cpu
 * backend the suite runs on takes minutes for it.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { z } from 'zod';
import { defineDataset, derivedSources, extendDatasets, pairedDataset, type ImageArrays } from '../../src/data/index.ts';
import { loadMnist } from '../../src/node/mnist.ts';
import { pixelL1, psnr, ssim } from '../../src/metrics/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';
import { halvings, patchDiscriminator, patchReceptiveField, unetGenerator } from '../../src/nn/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { disposeSession, evaluate, ganStep, generatorLoss, type GanSession } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

/** 512 MNIST test digits and their 4× low-resolution sources, without the feature network (whose reference set is slow on the cpu backend). */
const tinyPairs = defineDataset({
  kind: 'tiny-pairs',
  summary: 'test pairs',
  domain: 'images',
  schema: z.strictObject({ kind: z.literal('tiny-pairs') }),
  build: () => {
    const all = loadMnist('test');
    const digits: ImageArrays = { count: 512, height: 28, width: 28, channels: 1, pixels: all.pixels.slice(0, 512 * 784), labels: all.labels.slice(0, 512), classes: 10 };
    return pairedDataset(derivedSources(digits, 'lowres', 4), digits, 'tiny-pairs');
  },
});
const datasets = extendDatasets(nodeDatasets, [tinyPairs]);
const pix2pix = (over: Record<string, unknown> = {}) =>
  resolveConfig({
    preset: 'mnist-pix2pix',
    files: [{ data: { kind: 'tiny-pairs' }, batchSize: 16, model: { g: { filters: 8 }, d: { filters: 8 } }, eval: { every: 0, samples: 64, health: false } }, over],
    datasets,
    noRecommendations: true,
  });

describe('paired data', () => {
  const digits: ImageArrays = { count: 1, height: 8, width: 8, channels: 1, pixels: Uint8Array.from({ length: 64 }, (_, i) => i * 4), labels: Int32Array.of(3), classes: 10 };

  it('lowres averages each factor × factor block over the block; lower-half blanks the rows below the middle', () => {
    const low = derivedSources(digits, 'lowres', 4).pixels;
    // The top-left block holds rows 0–3, columns 0–3: values 4·(8y + x), mean 4·(8·1.5 + 1.5) = 54.
    expect(low[0]).toBe(54);
    expect(low[3 * 8 + 3]).toBe(54);
    expect(low[4]).toBe(Math.round(4 * (8 * 1.5 + 5.5)));
    const half = derivedSources(digits, 'lower-half').pixels;
    expect(Array.from(half.subarray(0, 32))).toEqual(Array.from(digits.pixels.subarray(0, 32)));
    expect(half.subarray(32).every((v) => v === 0)).toBe(true);
    expect(() => derivedSources(digits, 'lowres', 3)).toThrow('factor 3 must divide the image size 8×8');
  });

  it('a draw keeps each source with its own target and label', () => {
    const other: ImageArrays = { ...digits, count: 2, pixels: Uint8Array.from([...digits.pixels, ...new Uint8Array(64).fill(255)]), labels: Int32Array.of(3, 7) };
    const data = pairedDataset(derivedSources(other, 'lower-half'), other, 'toy');
    const { x, inputs, labels } = data.sampleArray(20, new Rng(1));
    for (let i = 0; i < 20; i++) {
      const white = labels![i] === 7;
      expect(x[i * 64 + 63]).toBeCloseTo(white ? 1 : (252 / 127.5) - 1, 5);
      expect(inputs![i * 64 + 10]).toBeCloseTo(white ? 1 : 40 / 127.5 - 1, 5);
    }
    expect(data.inputShape).toEqual([8, 8, 1]);
    expect(() => pairedDataset(derivedSources(digits, 'lowres'), other, 'bad')).toThrow('1 source images for 2 targets');
  });
});

describe('the U-Net and the PatchGAN', () => {
  it('the U-Net keeps the size, halving 28 twice; a change of the source reaches the output through the skips', () => {
    expect([halvings(28), halvings(64), halvings(7)]).toEqual([2, 4, 0]);
    const G = unetGenerator('G', [28, 28, 1], [28, 28, 1], { filters: 4, norm: 'none', dropout: 0 }, new Rng(2));
    const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 3);
    const y = G.apply(x, { training: false });
    expect(y.shape).toEqual([2, 28, 28, 1]);
    const shifted = G.apply(tf.add(x, tf.mul(0.5, tf.oneHot(tf.tensor1d([0], 'int32'), 28 * 28).reshape([1, 28, 28, 1]))), { training: false });
    expect(tf.max(tf.abs(tf.sub(shifted, y))).dataSync()[0]).toBeGreaterThan(1e-5);
    expect(Math.max(...Array.from(tf.abs(y).dataSync()))).toBeLessThanOrEqual(1);
    expect(() => unetGenerator('G', [28, 28, 1], [14, 14, 1], { filters: 4 }, new Rng(2))).toThrow('the U-Net keeps the size');
  });

  it('the PatchGAN gives one logit per patch (7 × 7 on MNIST, 18-pixel fields), judges the pair, and needs the source', () => {
    const D = patchDiscriminator('D', [28, 28, 1], [28, 28, 1], { filters: 4, norm: 'none' }, new Rng(4));
    const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 5);
    const a = D.apply(x, { training: false, condition: { input: tf.zeros([2, 28, 28, 1]) } });
    const b = D.apply(x, { training: false, condition: { input: tf.ones([2, 28, 28, 1]) } });
    expect(a.shape).toEqual([2, 7, 7, 1]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-5);
    expect(patchReceptiveField(2)).toBe(18);
    expect(patchReceptiveField(3)).toBe(1 + 3 + 6 + 12 + 16);
    expect(() => D.apply(x, { training: false })).toThrow('pass the sources as ctx.condition.input');
  });
});

describe('full-reference image quality', () => {
  const a = Float32Array.from({ length: 2 * 16 * 16 }, (_, i) => Math.sin(i / 7));
  it('identical images: L1 0, PSNR at its 100 dB cap, SSIM 1; a 0.2 offset in [−1, 1] is 0.1 on [0, 1]: L1 0.1, PSNR 20 dB', () => {
    expect(pixelL1(a, a)).toBe(0);
    expect(psnr(a, a, 2)).toBe(100);
    expect(ssim(a, a, 2, 16, 16, 1)).toBeCloseTo(1, 6);
    const b = a.map((v) => v + 0.2);
    expect(pixelL1(a, b)).toBeCloseTo(0.1, 6);
    expect(psnr(a, b, 2)).toBeCloseTo(20, 4);
    // SSIM sees structure: an image against its negative is anti-correlated.
    expect(ssim(a, a.map((v) => -v), 2, 16, 16, 1)).toBeLessThan(0);
  });
});

describe('a translation session', () => {
  const handL1 = (session: GanSession, inputs: tf.Tensor, x: tf.Tensor) =>
    session.translation!.l1 * tf.mean(tf.abs(tf.sub(session.G.apply(inputs, { training: true }), x))).dataSync()[0];

  it("G's loss adds l1 × mean |G(source) − target|, by hand; the L1-only baseline's loss is that term alone", () => {
    for (const adversarial of [true, false]) {
      const session = sessionFromConfig(pix2pix({ model: { g: { norm: 'none', dropout: 0 }, translation: { l1: 10, adversarial } } }), datasets);
      const real = session.data.sample(4, new Rng(9));
      const kept = {};
      const loss = generatorLoss(session, { z: tf.zeros([4, 100]) as tf.Tensor2D, real }, kept as Record<string, tf.Scalar>);
      const l1 = (kept as Record<string, tf.Scalar>)['term:l1'].dataSync()[0];
      expect(l1).toBeCloseTo(handL1(session, real.inputs!, real.x), 4);
      if (!adversarial) expect(loss.dataSync()[0]).toBeCloseTo(l1, 5);
      else expect(loss.dataSync()[0]).toBeGreaterThan(l1);
      disposeSession(session);
    }
  });

  it('evaluates held-out translations by L1, PSNR and SSIM, shows source / translation / target triplets, and has no z to measure', () => {
    const session = sessionFromConfig(pix2pix(), datasets);
    ganStep(session);
    const { record, snapshot } = evaluate(session, { samples: 64, seed: 1, health: true });
    expect(record.translationL1).toBeGreaterThan(0);
    expect(record.psnr).toBeGreaterThan(0);
    expect(record.ssim).toBeLessThanOrEqual(1);
    expect(record.sensitivity).toBeUndefined();
    expect(snapshot.images?.translations?.count).toBe(8);
    expect(snapshot.images?.interpolations).toBeUndefined();
    disposeSession(session);
  });

  it.each([
    [{ model: { translation: null, g: { arch: 'dcgan' }, d: { arch: 'dcgan' } } }, 'model.translation', "is paired data (source → target): set model.translation"],
    [{ data: { kind: 'mnist' } }, 'model.translation', 'needs paired data'],
    [{ model: { g: { arch: 'dcgan' } } }, 'model.g.arch', "translation's G takes the source image: use 'unet'"],
    [{ model: { condition: 'concat' } }, 'model.condition', 'class conditioning and codes are not combined with it'],
    [{ stabilizers: [{ name: 'packing', m: 2 }] }, 'stabilizers[0]', 'packing is not available with translation'],
    [{ stabilizers: [{ name: 'minibatch-std' }] }, 'stabilizers', 'a PatchGAN D has no single output layer'],
  ])('refuses %j', (over, field, message) => {
    const err = configErrorOf(() => sessionFromConfig(pix2pix(over), datasets));
    expect(err.issues[0].field).toBe(field);
    expect(err.message).toContain(message);
  });

});
