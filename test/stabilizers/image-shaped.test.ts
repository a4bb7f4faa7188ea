import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, dense, flatten, sequential, type LayerFactory } from '../../src/nn/index.ts';
import { appendMinibatchStd, composeD, minibatchDiscrimination, minibatchStd, minibatchStdFeature, pack, packing, type BuildD } from '../../src/stabilizers/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** A small conv D for `[H, W, C]` inputs, with any layers put before its output. */
const convD: BuildD = ({ inputShape, beforeOutput }) =>
  sequential('D', [...inputShape], [conv2d(4, { kernelSize: 3, strides: 2 }), ...(beforeOutput as LayerFactory[]), flatten(), dense(1)], new Rng(7));

describe('stabilizers on image-shaped samples [N, H, W, C]', () => {
  const images = tf.tensor4d(Array.from({ length: 4 * 4 * 4 * 2 }, (_, i) => i), [4, 4, 4, 2]);

  it('pack stacks m consecutive images as channels, sample k in channels k·C … (k+1)·C − 1', () => {
    const packed = pack(images, 2);
    expect(packed.shape).toEqual([2, 4, 4, 4]);
    const p = packed.arraySync() as number[][][][];
    const x = images.arraySync() as number[][][][];
    for (const [pi, a, b] of [[0, 0, 1], [1, 2, 3]] as const) {
      expect(p[pi][1][2]).toEqual([...x[a][1][2], ...x[b][1][2]]);
    }
    // Flat samples keep the old layout: rows side by side.
    expect(pack(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), 2).arraySync()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('a packed conv D sees m·C channels and scores n/m packs', () => {
    const D = composeD([packing(2)], convD, [4, 4, 2]);
    expect(D.apply(images, { training: false }).shape).toEqual([2, 1]);
    expect(D.params[0].variable.shape).toEqual([3, 3, 4, 4]);
  });

  it('minibatch std at the input adds one constant channel holding the batch statistic', () => {
    const y = appendMinibatchStd(images);
    expect(y.shape).toEqual([4, 4, 4, 3]);
    const std = minibatchStd(images).dataSync()[0];
    const last = tf.slice(y, [0, 0, 0, 2], [4, 4, 4, 1]).dataSync();
    for (const v of last) expect(v).toBeCloseTo(std, 5);
    const D = composeD([minibatchStdFeature('input')], convD, [4, 4, 2]);
    expect(D.params[0].variable.shape).toEqual([3, 3, 3, 4]);
    expect(D.apply(images, { training: false }).shape).toEqual([4, 1]);
  });

  it('minibatch std before the output appends a channel to feature maps', () => {
    const D = composeD([minibatchStdFeature('last')], convD, [4, 4, 2]);
    // conv: [2, 2, 4] → +1 channel → flatten 20 → dense.
    expect(D.params.find((p) => p.name.endsWith('dense3/kernel') || p.name.includes('dense'))!.variable.shape).toEqual([20, 1]);
    expect(D.apply(images, { training: false }).shape).toEqual([4, 1]);
  });

  it('minibatch discrimination flattens feature maps and appends B features', () => {
    const layer = minibatchDiscrimination(5, 3);
    const D = composeD([layer], ({ inputShape, beforeOutput }) => sequential('D', [...inputShape], [conv2d(4, { kernelSize: 3, strides: 2 }), ...(beforeOutput as LayerFactory[]), dense(1)], new Rng(8)), [4, 4, 2]);
    const out = D.apply(images, { training: false });
    expect(out.shape).toEqual([4, 1]);
    expect(D.params.find((p) => p.name.endsWith('/T'))!.variable.shape).toEqual([16, 15]);
    expect(D.params[D.params.length - 2].variable.shape).toEqual([16 + 5, 1]);
  });
});
