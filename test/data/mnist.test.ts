import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeStackedLabel,
  encodeStackedLabel,
  mnistArrays,
  mnistDataset,
  mnistSchema,
  stackedMnistDataset,
  stackedMnistSchema,
  type IdxArray,
  type MnistArrays,
} from '../../src/data/index.ts';
import { DataError } from '../../src/errors.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { selectTestBackend } from '../helpers/backend.ts';

/** Five 2×2 "images": image i has every pixel equal to 50·i, label (i + 3) mod 10. */
function tiny(): MnistArrays {
  const count = 5;
  const pixels = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    pixels.fill(50 * i, 4 * i, 4 * i + 4);
    labels[i] = (i + 3) % 10;
  }
  return { count, height: 2, width: 2, pixels, labels };
}

const ubyte = (dims: number[], data: number[] = new Array(dims.reduce((a, b) => a * b, 1)).fill(0)): IdxArray => ({
  type: 'ubyte',
  dims,
  data: Uint8Array.from(data),
});

beforeAll(() => selectTestBackend('cpu'));

describe('mnistArrays', () => {
  const src = { images: 'img.idx', labels: 'lbl.idx' };

  it('accepts rank-3 images with one digit label each', () => {
    const arrays = mnistArrays(ubyte([2, 2, 3]), ubyte([2], [7, 9]), src);
    expect([arrays.count, arrays.height, arrays.width]).toEqual([2, 2, 3]);
    expect(Array.from(arrays.labels)).toEqual([7, 9]);
  });

  it.each([
    ['images of rank 2', ubyte([2, 4]), ubyte([2]), 'img.idx: MNIST images must be ubyte of rank 3 [count, height, width], got ubyte [2, 4]'],
    ['float images', { type: 'float32', dims: [1, 1, 1], data: Float32Array.of(0) } as IdxArray, ubyte([1]), 'img.idx: MNIST images must be ubyte of rank 3 [count, height, width], got float32 [1, 1, 1]'],
    ['labels of rank 2', ubyte([2, 1, 1]), ubyte([2, 1]), 'lbl.idx: MNIST labels must be ubyte of rank 1 [count], got ubyte [2, 1]'],
    ['a count mismatch', ubyte([3, 1, 1]), ubyte([2]), 'lbl.idx: 2 labels for 3 images in img.idx'],
    ['a label above 9', ubyte([2, 1, 1]), ubyte([2], [3, 10]), 'lbl.idx: label 1 is 10; MNIST labels are digits 0…9'],
    ['no pixels', ubyte([0, 28, 28]), ubyte([0]), 'img.idx: MNIST images file holds no pixels: dims [0, 28, 28]'],
  ])('rejects %s', (_, images, labels, message) => {
    expect(() => mnistArrays(images, labels, src)).toThrow(DataError);
    expect(() => mnistArrays(images, labels, src)).toThrow(message);
  });
});

describe('mnistDataset', () => {
  it('draws rows with replacement from rng, scales bytes to [−1, 1] and keeps their labels', () => {
    const data = mnistDataset(tiny(), 'test');
    expect(data.name).toBe('mnist-test');
    expect(data.shape).toEqual([2, 2, 1]);
    expect(data.classes).toBe(10);
    expect(data.size).toBe(5);
    const n = 400;
    const { x, labels } = data.sampleArray(n, new Rng(3));
    const rng = new Rng(3);
    const rows = Array.from({ length: n }, () => rng.int(5));
    expect(Array.from(labels)).toEqual(rows.map((r) => (r + 3) % 10));
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < 4; p++) expect(x[4 * i + p]).toBeCloseTo((50 * rows[i]) / 127.5 - 1, 6);
    }
    expect(new Set(rows).size).toBe(5);
  });

  it('maps byte 0 to −1 and 255 to +1 exactly', () => {
    const arrays: MnistArrays = { count: 1, height: 1, width: 2, pixels: Uint8Array.of(0, 255), labels: Uint8Array.of(4) };
    expect(Array.from(mnistDataset(arrays).sampleArray(1, new Rng(0)).x)).toEqual([-1, 1]);
  });

  it('sample gives the same numbers as sampleArray as [n, h, w, 1] float32 and int32 labels', () => {
    const data = mnistDataset(tiny());
    const flat = data.sampleArray(6, new Rng(9));
    const before = tf.memory().numTensors;
    const { x, labels } = data.sample(6, new Rng(9));
    expect(x.shape).toEqual([6, 2, 2, 1]);
    expect(labels.dtype).toBe('int32');
    expect(Array.from(x.dataSync())).toEqual(Array.from(flat.x));
    expect(Array.from(labels.dataSync())).toEqual(Array.from(flat.labels));
    tf.dispose([x, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([-1, 1.5, Number.NaN])('rejects the sample count %s', (n) => {
    expect(() => mnistDataset(tiny()).sampleArray(n, new Rng(0))).toThrow(`mnist-train: sample count must be an integer ≥ 0, got ${n}`);
  });
});

describe('stackedMnistDataset', () => {
  it('stacks three independent rows as channels with the label 100a + 10b + c', () => {
    const data = stackedMnistDataset(tiny(), 'train');
    expect(data.shape).toEqual([2, 2, 3]);
    expect(data.classes).toBe(1000);
    const n = 300;
    const { x, labels } = data.sampleArray(n, new Rng(5));
    const rng = new Rng(5);
    for (let i = 0; i < n; i++) {
      const rows = [rng.int(5), rng.int(5), rng.int(5)];
      expect(labels[i]).toBe(encodeStackedLabel((rows[0] + 3) % 10, (rows[1] + 3) % 10, (rows[2] + 3) % 10));
      for (let p = 0; p < 4; p++) {
        for (let c = 0; c < 3; c++) expect(x[12 * i + 3 * p + c]).toBeCloseTo((50 * rows[c]) / 127.5 - 1, 6);
      }
    }
    // 5 source labels per channel → 125 triples possible; 300 draws see most of them.
    expect(new Set(labels).size).toBeGreaterThan(80);
    expect(new Set(labels).size).toBeLessThanOrEqual(125);
  });

  it('label encoding round-trips over all 1,000 triples', () => {
    const seen = new Set<number>();
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        for (let c = 0; c < 10; c++) {
          const label = encodeStackedLabel(a, b, c);
          expect(decodeStackedLabel(label)).toEqual([a, b, c]);
          seen.add(label);
        }
      }
    }
    expect(seen.size).toBe(1000);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(999);
  });

  it('refuses a non-digit and an out-of-range label', () => {
    expect(() => encodeStackedLabel(1, 10, 0)).toThrow('encodeStackedLabel: b must be a digit 0…9, got 10');
    expect(() => decodeStackedLabel(1000)).toThrow('decodeStackedLabel: a Stacked MNIST label is an integer 0…999, got 1000');
  });
});

describe('schemas', () => {
  it('default the split to train and refuse unknown splits and keys', () => {
    expect(mnistSchema.parse({ kind: 'mnist' })).toEqual({ kind: 'mnist', split: 'train' });
    expect(stackedMnistSchema.parse({ kind: 'stacked-mnist', split: 'test' })).toEqual({ kind: 'stacked-mnist', split: 'test' });
    expect(mnistSchema.safeParse({ kind: 'mnist', split: 'val' }).success).toBe(false);
    expect(mnistSchema.safeParse({ kind: 'mnist', path: 'x' }).success).toBe(false);
    expect(stackedMnistSchema.safeParse({ kind: 'mnist' }).success).toBe(false);
  });
});
