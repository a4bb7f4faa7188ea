import { ring8, type Dataset } from '../data/index.ts';
import { buildObjective } from '../losses/index.ts';
import { activation, batchNorm, conv2d, convTranspose2d, dense, flatten, mlpLayers, reshape, sequential } from '../nn/index.ts';
import { adam } from '../optim/index.ts';
import { Rng } from '../tensor/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { createSession, type GanSession } from '../train/index.ts';
import { resolveConfig } from '../config/index.ts';
import { sessionFromConfig } from '../run/index.ts';

/** The benchmark models, exactly as the speed issue and `bench/torch_reference.py` define them. */
export const BENCH_MODELS = ['ring8-preset', 'ring8-wgan-gp', 'mlp-gan', 'mlp-gan-gp', 'dcgan-mnist', 'dcgan-32'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

/**
 * Uniform noise in [−1, 1] shaped like MNIST digits. Speed does not depend on pixel values,
 * and the bench must run without any data set on disk.
 */
function imageNoise(shape: number[]): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const sampleArray = (n: number, rng: Rng) => rng.uniformArray(n * size, -1, 1);
  return { name: 'uniform-images', shape, sampleArray: (n, rng) => ({ x: sampleArray(n, rng) }), sample: (n, rng) => ({ x: tf.tensor(sampleArray(n, rng), [n, ...shape]) }) };
}

function mlpGan(loss: 'non-saturating' | 'wgan-gp', seed: number): GanSession {
  const init = new Rng(seed).fork('init');
  const G = sequential('G', [64], mlpLayers({ hidden: [512, 512, 512], out: 2, act: 'relu' }), init.fork('G'));
  const D = sequential('D', [2], mlpLayers({ hidden: [512, 512, 512], out: 1, act: 'leakyRelu', alpha: 0.2 }), init.fork('D'));
  const objective = buildObjective(loss === 'wgan-gp' ? { name: 'wgan-gp', lambda: 10, oneSided: false } : { name: 'non-saturating' });
  return createSession({
    data: ring8(),
    G,
    D,
    objective,
    optimizers: { g: adam({ lr: 1e-4, beta1: 0.5, beta2: 0.999 }), d: adam({ lr: 1e-4, beta1: 0.5, beta2: 0.999 }) },
    noise: { dim: 64, distribution: 'normal' },
    batchSize: 512,
    seed,
  });
}

/** A DCGAN's training as Radford et al. set it: non-saturating loss, Adam 2e-4 β1 0.5, z 100 normal, batch 64, on image-shaped noise. */
function dcganSession(G: GanSession['G'], D: GanSession['D'], shape: number[], seed: number): GanSession {
  return createSession({
    data: imageNoise(shape),
    G,
    D,
    objective: buildObjective({ name: 'non-saturating' }),
    optimizers: { g: adam({ lr: 2e-4, beta1: 0.5 }), d: adam({ lr: 2e-4, beta1: 0.5 }) },
    noise: { dim: 100, distribution: 'normal' },
    batchSize: 64,
    seed,
  });
}

function dcganMnist(seed: number): GanSession {
  const init = new Rng(seed).fork('init');
  const G = sequential(
    'G',
    [100],
    [
      dense(7 * 7 * 128, { init: 'dcgan' }),
      batchNorm(),
      activation('relu'),
      reshape([7, 7, 128]),
      convTranspose2d(64, { kernelSize: 4, strides: 2, init: 'dcgan' }),
      batchNorm(),
      activation('relu'),
      convTranspose2d(1, { kernelSize: 4, strides: 2, init: 'dcgan' }),
      activation('tanh'),
    ],
    init.fork('G'),
  );
  const D = sequential(
    'D',
    [28, 28, 1],
    [
      conv2d(64, { kernelSize: 4, strides: 2, init: 'dcgan' }),
      activation('leakyRelu', 0.2),
      conv2d(128, { kernelSize: 4, strides: 2, init: 'dcgan' }),
      batchNorm(),
      activation('leakyRelu', 0.2),
      flatten(),
      dense(1, { init: 'dcgan' }),
    ],
    init.fork('D'),
  );
  return dcganSession(G, D, [28, 28, 1], seed);
}

/**
 * The ring8 preset as users train it (z 8, G and D 3×128, batch 256, Adam 5e-4 β1 0.5), through
 * the same config path as `train`: non-saturating, or WGAN-GP with 5 critic steps, λ 1 and β2 0.9.
 */
function ring8Preset(loss: 'non-saturating' | 'wgan-gp', seed: number): GanSession {
  const flags =
    loss === 'wgan-gp'
      ? { seed, loss: { name: 'wgan-gp', lambda: 1 }, dStepsPerG: 5, optim: { g: { beta2: 0.9 }, d: { beta2: 0.9 } }, eval: { every: 0 } }
      : { seed, loss: { name: 'non-saturating' }, eval: { every: 0 } };
  return sessionFromConfig(resolveConfig({ preset: 'ring8', flags, noRecommendations: true }));
}

/** The CIFAR-size DCGAN (Radford et al.): 32×32×3, 64 base filters, batch 64; z 100 → 4×4×256 → 8 → 16 → 32. */
function dcgan32(seed: number): GanSession {
  const init = new Rng(seed).fork('init');
  const up = (filters: number) => [convTranspose2d(filters, { kernelSize: 4, strides: 2, init: 'dcgan' }), batchNorm(), activation('relu')];
  const G = sequential(
    'G',
    [100],
    [dense(4 * 4 * 256, { init: 'dcgan' }), batchNorm(), activation('relu'), reshape([4, 4, 256]), ...up(128), ...up(64), convTranspose2d(3, { kernelSize: 4, strides: 2, init: 'dcgan' }), activation('tanh')],
    init.fork('G'),
  );
  const down = (filters: number, norm: boolean) => [conv2d(filters, { kernelSize: 4, strides: 2, init: 'dcgan' }), ...(norm ? [batchNorm()] : []), activation('leakyRelu', 0.2)];
  const D = sequential('D', [32, 32, 3], [...down(64, false), ...down(128, true), ...down(256, true), flatten(), dense(1, { init: 'dcgan' })], init.fork('D'));
  return dcganSession(G, D, [32, 32, 3], seed);
}

/** Builds a benchmark model's session. */
export function benchSession(model: BenchModel, seed = 0): GanSession {
  switch (model) {
    case 'ring8-preset':
      return ring8Preset('non-saturating', seed);
    case 'ring8-wgan-gp':
      return ring8Preset('wgan-gp', seed);
    case 'dcgan-32':
      return dcgan32(seed);
    case 'mlp-gan':
      return mlpGan('non-saturating', seed);
    case 'mlp-gan-gp':
      return mlpGan('wgan-gp', seed);
    case 'dcgan-mnist':
      return dcganMnist(seed);
  }
}
