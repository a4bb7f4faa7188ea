import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { DataError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import type { Dataset, FeatureSpace } from './dataset.ts';
import { PIXEL_TO_UNIT, type ImageArrays } from './image-arrays.ts';
import { MNIST_SPLITS } from './mnist.ts';

/**
 * Paired images for image-to-image translation (Pix2Pix, Isola et al. 2017): row i of `sources`
 * is translated into row i of `targets`. A draw picks rows uniformly with replacement; `x` is the
 * targets (what D judges as real, what the metrics compare with) and `inputs` the sources, both
 * scaled to [−1, 1]; the labels are the targets'.
 *
 * @example
 * const pairs = pairedDataset(lowRes, digits, 'mnist-lowres'); // pairs.sample(64, rng) → { x, inputs, labels }
 */
export function pairedDataset(sources: ImageArrays, targets: ImageArrays, name: string, features?: FeatureSpace): Dataset {
  if (sources.count !== targets.count) throw new DataError(`${sources.count} source images for ${targets.count} targets: pairs need the same count`, name);
  if (targets.count < 1) throw new DataError('the paired set is empty', name);
  const shape = Object.freeze([targets.height, targets.width, targets.channels]);
  const inputShape = Object.freeze([sources.height, sources.width, sources.channels]);
  const size = shape[0] * shape[1] * shape[2];
  const inSize = inputShape[0] * inputShape[1] * inputShape[2];
  for (const [what, a, per] of [['targets', targets, size], ['sources', sources, inSize]] as const) {
    if (a.pixels.length !== a.count * per) throw new DataError(`${what} hold ${a.pixels.length} bytes, expected ${a.count}·${per}`, name);
  }
  const sampleArray = (n: number, rng: Rng) => {
    if (!Number.isInteger(n) || n < 0) throw new DataError(`sample count must be an integer ≥ 0, got ${String(n)}`, name);
    const x = new Float32Array(n * size);
    const inputs = new Float32Array(n * inSize);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = rng.int(targets.count);
      labels[i] = targets.labels[row];
      for (let p = 0; p < size; p++) x[i * size + p] = PIXEL_TO_UNIT[targets.pixels[row * size + p]];
      for (let p = 0; p < inSize; p++) inputs[i * inSize + p] = PIXEL_TO_UNIT[sources.pixels[row * inSize + p]];
    }
    return { x, labels, inputs };
  };
  return {
    name,
    shape,
    inputShape,
    classes: targets.classes,
    ...(features ? { features } : {}),
    sampleArray,
    sample(n, rng) {
      const { x, labels, inputs } = sampleArray(n, rng);
      return { x: tf.tensor(x, [n, ...shape]), labels: tf.tensor1d(labels, 'int32'), inputs: tf.tensor(inputs, [n, ...inputShape]) };
    },
  };
}

/** The tasks a paired set can be derived from labelled digits with (`mnist-pairs`' `task`). */
export const PAIRED_TASKS = {
  lowres: 'super-resolution: each digit averaged over factor × factor blocks and blown back up (nearest), translated into the digit',
  'lower-half': 'completion: the digit with its lower half blanked, translated into the whole digit',
} as const;
export type PairedTask = keyof typeof PAIRED_TASKS;

/**
 * Sources derived from images, for a paired task: `lowres` averages each `factor × factor` block
 * and repeats it over the block (the size stays, so source and target align pixel for pixel);
 * `lower-half` sets the rows below the middle to black (byte 0, pixel −1).
 */
export function derivedSources(images: ImageArrays, task: PairedTask, factor = 4): ImageArrays {
  const { count, height: h, width: w, channels: c } = images;
  if (task === 'lowres' && (h % factor !== 0 || w % factor !== 0)) throw new DataError(`lowres: factor ${factor} must divide the image size ${h}×${w}`, 'mnist-pairs');
  const out = new Uint8Array(images.pixels.length);
  const size = h * w * c;
  for (let i = 0; i < count; i++) {
    const base = i * size;
    if (task === 'lower-half') {
      out.set(images.pixels.subarray(base, base + Math.floor(h / 2) * w * c), base);
      continue;
    }
    for (let by = 0; by < h; by += factor) {
      for (let bx = 0; bx < w; bx += factor) {
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let y = by; y < by + factor; y++) for (let x = bx; x < bx + factor; x++) sum += images.pixels[base + (y * w + x) * c + ch];
          const v = Math.round(sum / (factor * factor));
          for (let y = by; y < by + factor; y++) for (let x = bx; x < bx + factor; x++) out[base + (y * w + x) * c + ch] = v;
        }
      }
    }
  }
  return { ...images, pixels: out };
}

/** Config entry of a paired task derived from MNIST: `{ kind: 'mnist-pairs', split, task, factor }`. */
export const mnistPairsSchema = z.strictObject({
  kind: z.literal('mnist-pairs'),
  split: z.enum(MNIST_SPLITS).default('train'),
  task: z.enum(Object.keys(PAIRED_TASKS) as [PairedTask, ...PairedTask[]]).default('lowres'),
  /** `lowres`: the side of the averaged blocks (2, 4, 7, 14 or 28 divide MNIST's 28). */
  factor: z.number().int().min(2).max(28).default(4),
});
export type MnistPairsConfig = z.output<typeof mnistPairsSchema>;
