import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createParam } from '../../src/nn/module.ts';
import { adam, rmsprop, sgd } from '../../src/optim/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Runs `steps` updates with a constant gradient g on a scalar parameter starting at 1. */
function run(opt: ReturnType<typeof adam>, g: number, steps: number): number {
  const p = createParam('w', 'kernel', Float32Array.from([1]), [1]);
  const grad = tf.tensor1d([g]);
  for (let i = 0; i < steps; i++) opt.apply([p], [grad]);
  return p.variable.dataSync()[0];
}

describe('optimizers (PyTorch conventions)', () => {
  it('Adam moves by lr per step under a constant gradient (bias-corrected)', () => {
    // m̂ = g, v̂ = g² exactly, so each step is lr·g/(|g| + ε).
    expect(run(adam({ lr: 0.1, beta1: 0.5, beta2: 0.999 }), 2, 3)).toBeCloseTo(1 - 0.3, 5);
  });
  it('RMSProp: v = (1−α)g², step lr·g/(√v + ε)', () => {
    const v = 0.01 * 4;
    expect(run(rmsprop({ lr: 0.01, alpha: 0.99 }), 2, 1)).toBeCloseTo(1 - (0.01 * 2) / (Math.sqrt(v) + 1e-8), 5);
  });
  it('SGD with momentum accumulates b ← μb + g', () => {
    expect(run(sgd({ lr: 0.1, momentum: 0.9 }), 1, 2)).toBeCloseTo(1 - 0.1 * 1 - 0.1 * 1.9, 6);
  });
  it('state round-trips: a restored optimizer continues identically', () => {
    const a = adam({ lr: 0.05 });
    const p = createParam('w', 'kernel', Float32Array.from([1, 2]), [2]);
    const grads = [tf.tensor1d([0.3, -1])];
    a.apply([p], grads);
    const saved = a.state();
    const b = adam({ lr: 0.05 });
    b.restore({ tensors: new Map([...saved.tensors].map(([k, t]) => [k, t.clone()])), scalars: { ...saved.scalars } });
    const q = createParam('w', 'kernel', Float32Array.from(p.variable.dataSync()), [2]);
    a.apply([p], [tf.tensor1d([1, 1])]);
    b.apply([q], [tf.tensor1d([1, 1])]);
    expect(Array.from(q.variable.dataSync())).toEqual(Array.from(p.variable.dataSync()));
  });
});
