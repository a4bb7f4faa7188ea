import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_MODELS, benchSession } from '../../src/bench/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { kernelFlops, stepFlops } from '../../src/node/bench.ts';
import { disposeSession, ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Trainable parameters of G and D in bench/torch_reference.py, counted by PyTorch (BatchNorm's running statistics excluded). */
const TORCH_PARAMS: Record<(typeof BENCH_MODELS)[number], [number, number]> = {
  'ring8-preset': [34_434, 33_537],
  'ring8-wgan-gp': [34_434, 33_537],
  'mlp-gan': [559_618, 527_361],
  'mlp-gan-gp': [559_618, 527_361],
  'dcgan-mnist': [778_305, 138_817],
  'dcgan-32': [1_080_899, 663_745],
};

describe('the bench models are the PyTorch reference models', () => {
  it.each(BENCH_MODELS)('%s: G and D have exactly the reference parameter counts', (model) => {
    const session = benchSession(model);
    try {
      const count = (m: typeof session.G) => m.params.reduce((n, p) => n + p.variable.size, 0);
      expect([count(session.G), count(session.D)]).toEqual(TORCH_PARAMS[model]);
    } finally {
      disposeSession(session);
    }
  });

  it('ring8-wgan-gp takes 5 critic steps with the penalty per step; ring8-preset one, without', () => {
    for (const [model, k, penalty] of [['ring8-wgan-gp', 5, true], ['ring8-preset', 1, false]] as const) {
      const session = benchSession(model);
      try {
        const record = ganStep(session);
        expect(session.dStepsPerG).toBe(k);
        expect(record.dPenalty > 0).toBe(penalty);
      } finally {
        disposeSession(session);
      }
    }
  });
});

describe('FLOPs from kernel shapes', () => {
  it('a matmul and its two gradients: 3 × 2·m·n·k, transposes included', async () => {
    const [m, k, n] = [64, 32, 16];
    const a = tf.randomUniform([m, k]);
    const b = tf.randomUniform([k, n]);
    const info = await tf.profile(() => {
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).sum())([a, b]);
      tf.dispose([ga, gb]);
    });
    tf.dispose([a, b]);
    const flops = info.kernels.reduce((s, x) => s + kernelFlops(x.name, x.inputShapes, x.outputShapes), 0);
    expect(flops).toBe(3 * 2 * m * n * k);
  });

  it('a strided convolution and its input and filter gradients: 3 × 2·N·Ho·Wo·Co·Kh·Kw·Ci', async () => {
    const x = tf.randomUniform([2, 8, 8, 3]);
    const f = tf.randomUniform([4, 4, 3, 5]);
    const info = await tf.profile(() => {
      const [gx, gf] = tf.grads((u: tf.Tensor, w: tf.Tensor) => tf.conv2d(u as tf.Tensor4D, w as tf.Tensor4D, 2, 'same').sum())([x, f]);
      tf.dispose([gx, gf]);
    });
    tf.dispose([x, f]);
    const byKernel = Object.fromEntries(info.kernels.map((k) => [k.name, kernelFlops(k.name, k.inputShapes, k.outputShapes)]));
    const forward = 2 * 2 * 4 * 4 * 5 * 4 * 4 * 3;
    expect(byKernel).toMatchObject({ Conv2D: forward, Conv2DBackpropInput: forward, Conv2DBackpropFilter: forward });
  });

  it('a GAN step of the ring8 preset: exactly the multiply-adds its forward and backward passes need', async () => {
    // Per sample, G's matmuls are 34,048 multiply-adds (8·128 + 2·128² + 128·2) and D's 33,152 (2·128 + 2·128² + 128).
    // D step: G forward (34,048), D forward on real and fake (2 × 33,152), D backward on both: every dW (33,152) and every
    // dX but the first layer's, whose input is data (32,896) → 2 × 66,048. G step: G forward, D forward, D's dX through
    // every layer to G's output (33,152, no dW), G's dW (34,048) and dX but the first layer's (33,024).
    const macs = 34_048 + 2 * 33_152 + 2 * 66_048 + (34_048 + 33_152 + 33_152 + 34_048 + 33_024);
    expect(await stepFlops('ring8-preset')).toBe(2 * 256 * macs);
  });
});
