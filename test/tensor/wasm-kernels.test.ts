import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKENDS, selectTestBackend } from '../helpers/backend.ts';
import { installWasmTrainingKernels } from '../../src/tensor/wasm-kernels.ts';
import {
  conv2d64,
  conv2dFilterGradient64,
  conv2dInputGradient64,
  convAxis,
  relativeError,
  seeded,
  type Array4,
} from './reference.ts';

type Shape4 = [number, number, number, number];

interface ConvCase {
  x: Shape4;
  filter: Shape4;
  stride: number;
  pad: 'same' | 'valid';
}

/** Strides 1, 2 and 3; 'same' and 'valid'; even and odd sizes and filters; the DCGAN-MNIST shapes, smaller. */
const CASES: ConvCase[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [4, 4, 3, 5], stride: 2, pad: 'same' },
  { x: [2, 9, 9, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'valid' },
  { x: [2, 14, 14, 2], filter: [4, 4, 2, 6], stride: 2, pad: 'same' },
  { x: [1, 10, 9, 2], filter: [2, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [2, 10, 10, 2], filter: [5, 5, 2, 3], stride: 3, pad: 'same' },
  { x: [2, 6, 6, 2], filter: [1, 1, 2, 3], stride: 2, pad: 'valid' },
];

function outShape({ x, filter, stride, pad }: ConvCase): Shape4 {
  return [x[0], convAxis(x[1], filter[0], stride, pad).out, convAxis(x[2], filter[1], stride, pad).out, filter[3]];
}

function sized(shape: Shape4, seed: number): Array4 {
  return { data: seeded(shape.reduce((a, b) => a * b, 1), seed), shape };
}

function tensor(a: Array4): tf.Tensor4D {
  return tf.tensor4d(a.data, a.shape);
}

/** conv2d's input and filter gradients, and conv2dTranspose with its own two gradients, from tfjs. */
function tfjsResults(c: ConvCase, x: Array4, filter: Array4, upstream: Array4, outside: Array4): Record<string, number[]> {
  return tf.tidy(() => {
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(tf.reshape<tf.Rank.R4>(a, c.x), tf.reshape<tf.Rank.R4>(b, c.filter), c.stride, c.pad), tensor(upstream))),
    )([tensor(x), tensor(filter)]);
    const transposed = tf.conv2dTranspose(tensor(upstream), tensor(filter), c.x, c.stride, c.pad);
    const [dUpstream, dwT] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2dTranspose(tf.reshape<tf.Rank.R4>(a, upstream.shape), tf.reshape<tf.Rank.R4>(b, c.filter), c.x, c.stride, c.pad), tensor(outside))),
    )([tensor(upstream), tensor(filter)]);
    const read = (t: tf.Tensor) => Array.from(t.dataSync());
    return { dx: read(dx), dw: read(dw), transposed: read(transposed), dUpstream: read(dUpstream), dwTransposed: read(dwT) };
  });
}

/** The same five results in float64. */
function referenceResults(c: ConvCase, x: Array4, filter: Array4, upstream: Array4, outside: Array4): Record<string, number[]> {
  return {
    dx: conv2dInputGradient64(c.x, filter, upstream, c.stride, c.pad).data,
    dw: conv2dFilterGradient64(x, c.filter, upstream, c.stride, c.pad).data,
    transposed: conv2dInputGradient64(c.x, filter, upstream, c.stride, c.pad).data,
    dUpstream: conv2d64(outside, filter, c.stride, c.pad).data,
    dwTransposed: conv2dFilterGradient64(outside, c.filter, upstream, c.stride, c.pad).data,
  };
}

function inputsFor(c: ConvCase): [Array4, Array4, Array4, Array4] {
  return [sized(c.x, 1), sized(c.filter, 2), sized(outShape(c), 3), sized(c.x, 4)];
}

const label = (c: ConvCase) => `x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, ${c.pad}`;

describe.each(TEST_BACKENDS)('conv training kernels on %s', (backend) => {
  beforeAll(async () => {
    await selectTestBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it.each(CASES.map((c) => [label(c), c] as const))('match float64 for %s', (_label, c) => {
    const inputs = inputsFor(c);
    const got = tfjsResults(c, ...inputs);
    const want = referenceResults(c, ...inputs);
    for (const key of Object.keys(want)) {
      expect({ key, error: relativeError(got[key], want[key]) }).toEqual({ key, error: expect.closeTo(0, 4) });
    }
  });

  it('route a max-pool gradient to the maximum when it is negative', () => {
    const dx = tf.tidy(() => {
      const x = tf.tensor4d([-3, -1, -2, -4, 0.5, -6, -7, -8], [1, 2, 4, 1]);
      return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(tf.reshape<tf.Rank.R4>(t, [1, 2, 4, 1]), 2, 2, 'valid')))(x).dataSync());
    });
    // Windows {−3, −1, 0.5, −6} and {−2, −4, −7, −8}: the maxima are 0.5 (index 4) and −2 (index 2).
    expect(dx).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
  });

  it('leave no tensors or backend buffers behind', () => {
    const c = CASES[4];
    const inputs = inputsFor(c);
    tfjsResults(c, ...inputs);
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    tfjsResults(c, ...inputs);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});

describe('wasm and cpu agree on conv gradients', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    const inputs = inputsFor(c);
    await selectTestBackend('cpu');
    const onCpu = tfjsResults(c, ...inputs);
    await selectTestBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = tfjsResults(c, ...inputs);
    for (const key of Object.keys(onCpu)) {
      expect({ key, error: relativeError(onWasm[key], onCpu[key]) }).toEqual({ key, error: expect.closeTo(0, 5) });
    }
  });

  it('installing the wasm kernels twice changes nothing', async () => {
    await selectTestBackend('wasm');
    const c = CASES[2];
    const inputs = inputsFor(c);
    const once = tfjsResults(c, ...inputs);
    installWasmTrainingKernels();
    installWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
    const twice = tfjsResults(c, ...inputs);
    for (const key of Object.keys(once)) expect(relativeError(twice[key], once[key])).toBe(0);
  });
});
