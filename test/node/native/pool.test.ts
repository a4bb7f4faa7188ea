import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeBackend } from '../../../src/node/native/backend.ts';
import { registerNativeBackend } from '../../../src/node/native/index.ts';
import { POOL_MIN_FLOATS } from '../../../src/node/native/pool.ts';
import { Rng } from '../../../src/tensor/rng.ts';

// The native backend recycles its kernels' output arrays. These tests pin down when it must not:
// a recycled array that someone still reads is silently wrong data.

const N = 256; // N×N floats: above the pool's size threshold
const rng = new Rng('native-pool');

function storedArray(t: tf.Tensor): Float32Array {
  const backend = tf.backend();
  if (!(backend instanceof NativeBackend)) throw new Error('expected the native backend');
  const values = backend.data.get(t.dataId).values;
  if (!(values instanceof Float32Array)) throw new Error('expected float32 data');
  return values;
}

/** Runs enough same-sized ops to reuse any array the pool holds. */
function churn(a: tf.Tensor, b: tf.Tensor): void {
  for (let i = 0; i < 8; i++) tf.tidy(() => tf.add(tf.mul(a, b), tf.scalar(i)));
}

beforeAll(async () => {
  tf.env().set('PROD', true); // as useBackend does: no "install tfjs-node" advice in the output
  expect(N * N).toBeGreaterThanOrEqual(POOL_MIN_FLOATS);
  const status = registerNativeBackend();
  if (!status.ok) throw new Error(status.reason);
  await tf.setBackend('native');
});

describe('output array pool', () => {
  it('reuses the memory of a disposed output', () => {
    const a = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const b = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const first = tf.add(a, b);
    const memory = storedArray(first).buffer;
    first.dispose();
    const second = tf.sub(a, b);
    expect(storedArray(second).buffer).toBe(memory);
    tf.dispose([a, b, second]);
  });

  it('never reuses an array that dataSync() handed out', () => {
    const a = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const b = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const y = tf.add(a, b);
    const seen = y.dataSync();
    const copy = Float32Array.from(seen);
    y.dispose();
    churn(a, b);
    expect(Array.from(seen)).toEqual(Array.from(copy));
    tf.dispose([a, b]);
  });

  it('keeps memory alive while a slice (a view of it) is alive', () => {
    const a = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const b = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const y = tf.add(a, b);
    // Whole rows are contiguous, so the cpu Slice kernel returns a subarray of y's array.
    const rows = tf.slice(y, [0, 0], [N / 2, N]);
    expect(storedArray(rows).buffer).toBe(storedArray(y).buffer);
    const expected = Float32Array.from(storedArray(rows));
    y.dispose();
    churn(a, b);
    expect(Array.from(storedArray(rows))).toEqual(Array.from(expected));
    tf.dispose([a, b, rows]);
  });

  it('keeps memory alive while a reshape or a variable shares it', () => {
    const a = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const b = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    const y = tf.mul(a, b);
    const flat = tf.reshape(y, [N * N]);
    const v = tf.variable(y);
    const expected = Float32Array.from(storedArray(y));
    y.dispose();
    churn(a, b);
    expect(Array.from(storedArray(flat))).toEqual(Array.from(expected));
    flat.dispose();
    churn(a, b);
    expect(Array.from(storedArray(v))).toEqual(Array.from(expected));
    tf.dispose([a, b, v]);
  });

  it('does not hand out arrays the user passed in', () => {
    const mine = rng.normalArray(N * N);
    const copy = Float32Array.from(mine);
    const t = tf.tensor2d(mine, [N, N]);
    const b = tf.tensor2d(rng.normalArray(N * N), [N, N]);
    t.dispose();
    churn(b, b);
    expect(Array.from(mine)).toEqual(Array.from(copy));
    b.dispose();
  });

  it('gives the same training numbers with reuse as cpu does', async () => {
    const x0 = rng.normalArray(N * 8);
    const w0 = rng.normalArray(8 * N);
    const train = (): Float32Array => {
      const x = tf.tensor2d(x0, [N, 8]);
      const w = tf.variable(tf.tensor2d(w0, [8, N]));
      const opt = tf.train.adam(0.01);
      for (let i = 0; i < 5; i++) {
        opt.minimize(() => tf.mean(tf.square(tf.relu(tf.matMul(tf.matMul(x, w), w, false, true)))), false, [w]);
      }
      const out = Float32Array.from(w.dataSync());
      tf.dispose([x, w]);
      opt.dispose();
      return out;
    };
    await tf.setBackend('cpu');
    const expected = train();
    await tf.setBackend('native');
    const actual = train();
    let maxDiff = 0;
    let scale = 1e-3;
    for (let i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    expect(maxDiff / scale).toBeLessThan(1e-4);
  });
});
