import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import type { LabeledDataset, LabeledDraw } from './labeled-dataset.ts';

/**
 * Decoded images as bytes (0…255), `count` of `height × width × channels`, channels interleaved
 * (NHWC, tfjs's image layout), with a class id each. Bytes, not floats, so a set costs a quarter of
 * the memory; datasets scale rows to [−1, 1] only when they are drawn.
 */
export interface ImageArrays {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** `count · height · width · channels` bytes, image after image. */
  readonly pixels: Uint8Array;
  /** `count` class ids in [0, classes). */
  readonly labels: Uint8Array | Int32Array;
  readonly classes: number;
}

/** Byte value v ↦ v / 127.5 − 1, so 0 → −1 and 255 → 1 (the range of G's tanh output). @internal */
export const PIXEL_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/**
 * A {@link LabeledDataset} over decoded images: samples of shape `[height, width, channels]` with
 * pixels scaled to [−1, 1] and int32 class labels; `sample(n, rng)` draws `n` rows uniformly with
 * replacement, each index from `rng`.
 *
 * @example
 * const data = imageDataset(folder.arrays, 'faces'); // from loadImageFolder in src/node
 */
export function imageDataset(arrays: ImageArrays, name: string): LabeledDataset {
  const { count, height, width, channels, pixels, labels, classes } = arrays;
  const size = height * width * channels;
  if (count < 1) throw new DataError('the image set is empty', name);
  if (pixels.length !== count * size) {
    throw new DataError(`pixels hold ${pixels.length} bytes, expected ${count}·${height}·${width}·${channels} = ${count * size}`, name);
  }
  if (labels.length !== count) throw new DataError(`${labels.length} labels for ${count} images`, name);
  return labeledDataset(name, [height, width, channels], classes, count, (n, rng) => {
    const x = new Float32Array(n * size);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = rng.int(count);
      out[i] = labels[row];
      const base = row * size;
      const dst = i * size;
      for (let p = 0; p < size; p++) x[dst + p] = PIXEL_TO_UNIT[pixels[base + p]];
    }
    return { x, labels: out };
  });
}

/**
 * A {@link LabeledDataset} from a flat sampler: checks `n`, and builds `sample`'s tensors from the
 * same draws as `sampleArray`. @internal
 */
export function labeledDataset(
  name: string,
  shape: number[],
  classes: number,
  size: number,
  draw: (n: number, rng: Rng) => LabeledDraw,
): LabeledDataset {
  const frozen = Object.freeze(shape);
  const sampleArray = (n: number, rng: Rng): LabeledDraw => {
    if (!Number.isInteger(n) || n < 0) throw new DataError(`sample count must be an integer ≥ 0, got ${String(n)}`, name);
    return draw(n, rng);
  };
  return {
    name,
    shape: frozen,
    classes,
    size,
    sampleArray,
    sample(n, rng) {
      const { x, labels } = sampleArray(n, rng);
      return { x: tf.tensor(x, [n, ...frozen]), labels: tf.tensor1d(labels, 'int32') };
    },
  };
}
