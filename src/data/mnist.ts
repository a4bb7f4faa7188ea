import { z } from 'zod';
import { DataError } from '../errors.ts';
import type { IdxArray } from './idx.ts';
import { imageDataset, labeledDataset, PIXEL_TO_UNIT } from './image-arrays.ts';
import type { LabeledDataset } from './labeled-dataset.ts';

/** The two MNIST splits and their sizes in the original distribution. */
export const MNIST_SPLITS = ['train', 'test'] as const;

/** An MNIST split. */
export type MnistSplit = (typeof MNIST_SPLITS)[number];

/** Rows in each split of the original MNIST distribution (LeCun, Cortes & Burges). */
export const MNIST_SPLIT_SIZES: Readonly<Record<MnistSplit, number>> = Object.freeze({ train: 60_000, test: 10_000 });

/** Config entry of MNIST: `{ kind: 'mnist', split: 'train' | 'test' }` (split defaults to train). */
export const mnistSchema = z.strictObject({
  kind: z.literal('mnist'),
  split: z.enum(MNIST_SPLITS).default('train'),
});

/** Config entry of Stacked MNIST: `{ kind: 'stacked-mnist', split }` (split defaults to train). */
export const stackedMnistSchema = z.strictObject({
  kind: z.literal('stacked-mnist'),
  split: z.enum(MNIST_SPLITS).default('train'),
});

/** A parsed MNIST config entry. */
export type MnistConfig = z.output<typeof mnistSchema>;
/** A parsed Stacked MNIST config entry. */
export type StackedMnistConfig = z.output<typeof stackedMnistSchema>;

/**
 * One MNIST split as raw bytes: `count` grey images of `height × width` pixels (0 = background,
 * 255 = ink) and their digit labels. Kept as bytes so 60,000 images cost 47 MB, not 188 MB of floats;
 * datasets scale rows to [−1, 1] only when they are drawn.
 */
export interface MnistArrays {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** `count · height · width` bytes, image after image, row-major. */
  readonly pixels: Uint8Array;
  /** `count` digits in 0…9. */
  readonly labels: Uint8Array;
}

/**
 * Checks that a parsed images file and labels file form one MNIST split — ubyte images of rank 3,
 * ubyte labels of rank 1, the same count, every label a digit — and returns them as
 * {@link MnistArrays}. `sources` name the files in errors.
 *
 * @example
 * mnistArrays(parseIdx(imgBytes, imgPath), parseIdx(lblBytes, lblPath), { images: imgPath, labels: lblPath });
 */
export function mnistArrays(images: IdxArray, labels: IdxArray, sources: { images: string; labels: string }): MnistArrays {
  if (images.type !== 'ubyte' || images.dims.length !== 3) {
    throw new DataError(`MNIST images must be ubyte of rank 3 [count, height, width], got ${images.type} [${images.dims.join(', ')}]`, sources.images);
  }
  if (labels.type !== 'ubyte' || labels.dims.length !== 1) {
    throw new DataError(`MNIST labels must be ubyte of rank 1 [count], got ${labels.type} [${labels.dims.join(', ')}]`, sources.labels);
  }
  const [count, height, width] = images.dims;
  if (count === 0 || height === 0 || width === 0) {
    throw new DataError(`MNIST images file holds no pixels: dims [${images.dims.join(', ')}]`, sources.images);
  }
  if (labels.dims[0] !== count) {
    throw new DataError(`${labels.dims[0]} labels for ${count} images in ${sources.images}`, sources.labels);
  }
  const labelBytes = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (labelBytes[i] > 9) throw new DataError(`label ${i} is ${labelBytes[i]}; MNIST labels are digits 0…9`, sources.labels);
  }
  return { count, height, width, pixels: images.data as Uint8Array, labels: labelBytes };
}

/**
 * MNIST as a {@link LabeledDataset}: samples of shape `[height, width, 1]` (28×28×1) with pixels
 * scaled to [−1, 1], int32 digit labels, 10 classes. `sample(n, rng)` draws `n` rows uniformly with
 * replacement, each index from `rng`, so a seed fixes the batch.
 *
 * @example
 * const mnist = mnistDataset(loadMnist('train'), 'train');
 * const { x, labels } = mnist.sampleArray(64, rng);
 */
export function mnistDataset(arrays: MnistArrays, split: MnistSplit = 'train'): LabeledDataset {
  return imageDataset({ ...arrays, channels: 1, classes: 10 }, `mnist-${split}`);
}

/**
 * Stacked MNIST (Metz et al. 2017; the protocol of VEEGAN, Srivastava et al. 2017, and PacGAN,
 * Lin et al. 2018): each sample stacks three independently drawn digits as the R, G, B channels
 * of one `[height, width, 3]` image, so there are 10³ = 1,000 modes. The label is the digit triple
 * encoded as 100·a + 10·b + c (a the first channel's digit; {@link decodeStackedLabel} inverts it).
 *
 * @example
 * const stacked = stackedMnistDataset(loadMnist('train'), 'train');
 * const { labels } = stacked.sampleArray(26_000, rng); // the protocol's sample count
 */
export function stackedMnistDataset(arrays: MnistArrays, split: MnistSplit = 'train'): LabeledDataset {
  const { count, height, width, pixels, labels } = arrays;
  const name = `stacked-mnist-${split}`;
  const size = height * width;
  return labeledDataset(name, [height, width, 3], 1000, count, (n, rng) => {
    const x = new Float32Array(n * size * 3);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const dst = i * size * 3;
      let label = 0;
      for (let c = 0; c < 3; c++) {
        const row = rng.int(count);
        label = 10 * label + labels[row];
        const base = row * size;
        // Channels interleave (NHWC, tfjs's image layout): pixel p of channel c sits at 3p + c.
        for (let p = 0; p < size; p++) x[dst + 3 * p + c] = PIXEL_TO_UNIT[pixels[base + p]];
      }
      out[i] = label;
    }
    return { x, labels: out };
  });
}

/**
 * The Stacked MNIST label of a digit triple: 100·a + 10·b + c.
 *
 * @example
 * encodeStackedLabel(3, 0, 7); // 307
 */
export function encodeStackedLabel(a: number, b: number, c: number): number {
  for (const [field, d] of [['a', a], ['b', b], ['c', c]] as const) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new RangeError(`encodeStackedLabel: ${field} must be a digit 0…9, got ${d}`);
  }
  return 100 * a + 10 * b + c;
}

/**
 * The digit triple `[a, b, c]` (channels 0, 1, 2) of a Stacked MNIST label.
 *
 * @example
 * decodeStackedLabel(307); // [3, 0, 7]
 */
export function decodeStackedLabel(label: number): [number, number, number] {
  if (!Number.isInteger(label) || label < 0 || label > 999) {
    throw new RangeError(`decodeStackedLabel: a Stacked MNIST label is an integer 0…999, got ${label}`);
  }
  return [Math.floor(label / 100), Math.floor(label / 10) % 10, label % 10];
}
