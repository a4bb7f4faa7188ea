import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_SPLIT_SIZES, PIXEL_TO_UNIT, sampleNoise, stackedMnistDataset, type FeatureSpace, type MnistSplit } from '../data/index.ts';
import { ConfigError, DataError } from '../errors.ts';
import { densityCoverage, fid, inceptionScore, kernelInceptionDistance, precisionRecall, stackedMnistModes, type FeatureMatrix } from '../metrics/index.ts';
import { cyclingLabels, labelsCondition } from '../nn/index.ts';
import { restoreRun } from '../run/index.ts';
import { Rng } from '../tensor/index.ts';
import { disposeSession } from '../train/index.ts';
import { nodeDatasets, prepareData } from './datasets.ts';
import { mnistFeatureSpace } from './feature-net.ts';
import { fsRunStore } from './fs-store.ts';
import { loadImageFolder, type SkippedFile } from './image-folder.ts';
import { loadMnist } from './mnist.ts';
import { readRunConfig, RUN_FILES } from './run-dir.ts';

/** A set of images to measure: `n` of `[28, 28, channels]` in [−1, 1], and what they are. */
export interface ImageSet {
  readonly x: Float32Array;
  readonly n: number;
  readonly channels: 1 | 3;
  /** e.g. `MNIST test (10,000)`, `run runs/… at step 2000 (5,000 generated)`, `folder digits/ (312 images)`. */
  readonly label: string;
  /** Files of a folder that could not be used. */
  readonly skipped: readonly SkippedFile[];
}

/** The dataset names `metrics` accepts as a source. */
export const METRIC_DATASETS = ['mnist', 'mnist-test', 'mnist-train', 'stacked-mnist', 'stacked-mnist-test', 'stacked-mnist-train'] as const;

/**
 * Reads a source of images for `saddlepoint metrics`: a dataset name ({@link METRIC_DATASETS};
 * `mnist` is the test split), a run directory (its generator at its newest checkpoint, `n`
 * samples from `seed`), or a folder of PNG/JPEG images (resized and centre-cropped to 28×28,
 * grey unless `channels` is 3; unreadable files skipped and listed). At most `n` images are
 * taken from datasets and folders (all when `n` is absent). Anything else is a ConfigError
 * naming the source.
 *
 * @example
 * const fake = await readImageSet('runs/20261202-mnist-dcgan-s0', { n: 10_000 });
 */
export async function readImageSet(source: string, options: { n?: number; seed?: number; channels?: 1 | 3 } = {}): Promise<ImageSet> {
  const { n, seed = 0 } = options;
  if ((METRIC_DATASETS as readonly string[]).includes(source)) return datasetImages(source as (typeof METRIC_DATASETS)[number], n, seed);
  const path = resolve(source);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new ConfigError(`invalid source "${source}": not a folder, and not a dataset (${METRIC_DATASETS.join(', ')})`, [{ field: 'source', message: 'not a folder or dataset', received: source }]);
  }
  if (existsSync(join(path, RUN_FILES.config))) return runImages(path, n ?? MNIST_SPLIT_SIZES.test, seed);
  const folder = await loadImageFolder({ kind: 'image-folder', path, size: 28, channels: options.channels ?? 1 });
  const count = Math.min(folder.arrays.count, n ?? folder.arrays.count);
  const x = pickRows(folder.arrays.pixels, folder.arrays.count, 28 * 28 * folder.arrays.channels, count, seed);
  const what = count === folder.arrays.count ? `${count.toLocaleString('en-US')} images` : `${count.toLocaleString('en-US')} of ${folder.arrays.count.toLocaleString('en-US')} images at random, seed ${seed}`;
  return { x, n: count, channels: folder.arrays.channels as 1 | 3, label: `folder ${source} (${what})`, skipped: folder.skipped };
}

/**
 * `count` of the `total` images in `pixels` (`size` bytes each) scaled to [−1, 1]: all of them in
 * order, or fewer as a seeded random subset — not the first ones, since files group writers
 * (MNIST) or classes (a folder's subfolders).
 */
function pickRows(pixels: Uint8Array, total: number, size: number, count: number, seed: number): Float32Array {
  const rows = count < total ? new Rng(seed).fork('subset').drawWithoutReplacement(total, count) : Int32Array.from({ length: total }, (_, i) => i);
  const x = new Float32Array(count * size);
  for (let i = 0; i < count; i++) for (let p = 0; p < size; p++) x[i * size + p] = PIXEL_TO_UNIT[pixels[rows[i] * size + p]];
  return x;
}

function datasetImages(name: (typeof METRIC_DATASETS)[number], n: number | undefined, seed: number): ImageSet {
  const split: MnistSplit = name.endsWith('-train') ? 'train' : 'test';
  const arrays = loadMnist(split);
  if (name.startsWith('stacked')) {
    const count = n ?? arrays.count;
    const x = stackedMnistDataset(arrays, split).sampleArray(count, new Rng(seed).fork('stacked')).x;
    return { x, n: count, channels: 3, label: `Stacked MNIST from MNIST ${split} (${count.toLocaleString('en-US')}, seed ${seed})`, skipped: [] };
  }
  const count = Math.min(arrays.count, n ?? arrays.count);
  const x = pickRows(arrays.pixels, arrays.count, 784, count, seed);
  const what = count === arrays.count ? count.toLocaleString('en-US') : `${count.toLocaleString('en-US')} at random, seed ${seed}`;
  return { x, n: count, channels: 1, label: `MNIST ${split} (${what})`, skipped: [] };
}

async function runImages(dir: string, n: number, seed: number): Promise<ImageSet> {
  await prepareData((readRunConfig(dir).config as { data?: unknown } | null)?.data);
  const { session, location } = await restoreRun(fsRunStore(dir), { datasets: nodeDatasets });
  try {
    const shape = session.data.shape;
    if (shape.length !== 3 || shape[0] !== 28 || shape[1] !== 28 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new DataError(`the run generates samples of shape [${shape.join(', ')}]; the MNIST feature network measures 28×28 images with 1 or 3 channels`, dir);
    }
    const x = new Float32Array(n * shape[0] * shape[1] * shape[2]);
    const rng = new Rng(seed).fork('metrics-noise');
    for (let start = 0; start < n; start += 500) {
      const rows = Math.min(500, n - start);
      // A conditional run is asked for every class in turn, as its evaluations are.
      const classes = session.classes;
      const labels = classes === null ? undefined : cyclingLabels(rows, classes, start);
      const values = tf.tidy(() => session.G.apply(sampleNoise(session.noise, rows, rng), { training: false, ...labelsCondition(labels) }).dataSync() as Float32Array);
      x.set(values, start * values.length / rows);
    }
    return { x, n, channels: shape[2] as 1 | 3, label: `run ${dir} at step ${session.step} (${n.toLocaleString('en-US')} generated, seed ${seed}; ${location})`, skipped: [] };
  } finally {
    disposeSession(session);
  }
}

/** What {@link imageMetrics} measured, with the counts and network every number depends on. */
export interface ImageMetrics {
  /** The feature network (same id = comparable numbers). */
  network: string;
  real: { label: string; n: number };
  fake: { label: string; n: number };
  fid: number;
  kid: { value: number; standardError: number; subsets: number; subsetSize: number };
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  /** The classifier score (Inception Score with the MNIST classifier) of each set, where it is defined (grey images). */
  classifierScore?: { real: number; fake: number };
  /** Stacked MNIST (3 channels): digit triples covered and KL to uniform, of each set. */
  stackedModes?: { real: { modes: number; kl: number }; fake: { modes: number; kl: number } };
}

/**
 * FID, KID, improved precision/recall (k = 3), density/coverage (k = 5) and the classifier score
 * between two image sets, in the committed MNIST classifier's feature space (per channel for
 * 3-channel images, as Stacked MNIST is measured). Both sets must have the same channel count.
 * The k-NN metrics use equal numbers of rows from each set (the smaller count).
 */
export function imageMetrics(real: ImageSet, fake: ImageSet, options: { seed?: number; space?: FeatureSpace } = {}): ImageMetrics {
  if (real.channels !== fake.channels) throw new ConfigError(`the real images have ${real.channels} channel(s), the generated ${fake.channels}: compare sets of one kind`, [{ field: 'fake', message: 'channel count differs', received: fake.channels }]);
  for (const set of [real, fake]) if (set.n < 6) throw new DataError(`${set.n} images; the metrics need at least 6 (k-NN with k = 5)`, set.label);
  const space = options.space ?? mnistFeatureSpace(real.channels === 1 ? 'mnist' : 'stacked-mnist');
  const a = space.embed(real.x, real.n);
  const b = space.embed(fake.x, fake.n);
  const A: FeatureMatrix = { rows: real.n, cols: a.width, data: a.features };
  const B: FeatureMatrix = { rows: fake.n, cols: b.width, data: b.features };
  const m = Math.min(real.n, fake.n);
  // The k-NN metrics compare equal counts: the larger set gives a seeded random m of its rows (a
  // dataset's file order groups writers, so its first m rows would not be a sample of it).
  const pick = new Rng(options.seed ?? 0).fork('manifold-rows');
  const head = (M: FeatureMatrix): FeatureMatrix => {
    if (M.rows === m) return M;
    const order = pick.drawWithoutReplacement(M.rows, m);
    const data = new Float32Array(m * M.cols);
    for (let i = 0; i < m; i++) data.set(M.data.subarray(order[i] * M.cols, (order[i] + 1) * M.cols), i * M.cols);
    return { rows: m, cols: M.cols, data };
  };
  const kid = kernelInceptionDistance(A, B, { subsets: 100, subsetSize: Math.min(1000, m), rng: new Rng(options.seed ?? 0).fork('kid') });
  const pr = precisionRecall(head(A), head(B), { k: 3 });
  const dc = densityCoverage(head(A), head(B), { k: 5 });
  const out: ImageMetrics = {
    network: space.id,
    real: { label: real.label, n: real.n },
    fake: { label: fake.label, n: fake.n },
    fid: fid(A, B).value,
    kid: { value: kid.value, standardError: kid.standardError, subsets: kid.subsets, subsetSize: kid.subsetSize },
    precision: pr.precision,
    recall: pr.recall,
    density: dc.density,
    coverage: dc.coverage,
  };
  if (a.probs && b.probs && a.classes) {
    out.classifierScore = {
      real: inceptionScore({ rows: real.n, cols: a.classes, data: a.probs }, Math.min(10, real.n)).value,
      fake: inceptionScore({ rows: fake.n, cols: a.classes, data: b.probs }, Math.min(10, fake.n)).value,
    };
  }
  if (a.digits && b.digits) {
    const ra = stackedMnistModes(a.digits);
    const fb = stackedMnistModes(b.digits);
    out.stackedModes = { real: { modes: ra.modes, kl: ra.kl }, fake: { modes: fb.modes, kl: fb.kl } };
  }
  return out;
}
