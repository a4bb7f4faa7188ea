import { ConfigError } from '../errors.ts';
import { activation } from './activation.ts';
import { conv2d, convTranspose2d } from './conv.ts';
import { dense } from './dense.ts';
import type { InitName } from './init.ts';
import { normFactory, type MlpNorm } from './mlp.ts';
import type { LayerFactory } from './module.ts';
import { flatten, reshape } from './shape.ts';

/** Options of the DCGAN builders. */
export interface DcganOptions {
  /** Base width: D's first convolution and G's last hidden layer have this many filters; each step toward the latent doubles it. */
  filters: number;
  /** Norm after every hidden layer but D's first (Radford et al.: batch norm, not on G's output or D's input). */
  norm?: MlpNorm;
  /** With `norm: 'virtual-batch'`: the reference rows in front of every input. */
  referenceRows?: number;
  /** N(0, 0.02²) as the paper prescribes, unless set. */
  init?: InitName;
  /** D's LeakyReLU slope (0.2 in the paper). */
  alpha?: number;
}

/**
 * How a DCGAN reaches an image of `[h, w, c]`: the side it starts from and how many ×2 upsamplings
 * (G) / stride-2 convolutions (D) it takes. The most halvings that leave a side of at least 4:
 * 28 → 7 and 2, 32 → 4 and 3, 64 → 4 and 4. A side that cannot be halved once is a ConfigError.
 */
export function dcganLadder(shape: readonly number[]): { start: [number, number]; steps: number } {
  if (shape.length !== 3) throw new ConfigError(`the dcgan architecture needs image data [height, width, channels]; this data has shape [${shape.join(', ')}]`, [{ field: 'model.arch', message: 'needs image data', received: 'dcgan' }]);
  const [h, w] = shape;
  let steps = 0;
  while (h % 2 ** (steps + 1) === 0 && w % 2 ** (steps + 1) === 0 && h / 2 ** (steps + 1) >= 4 && w / 2 ** (steps + 1) >= 4) steps++;
  if (steps === 0) {
    throw new ConfigError(`the dcgan architecture needs image sides it can halve at least once down to 4 or more (e.g. 28, 32, 64); got ${h}×${w}`, [{ field: 'data', message: 'image size not reachable by stride-2 layers', received: `${h}x${w}` }]);
  }
  return { start: [h / 2 ** steps, w / 2 ** steps], steps };
}

/**
 * DCGAN's generator (Radford et al. 2016) for images of `shape`: z → dense to the start side with
 * F·2^(steps−1) channels → stride-2 4×4 transposed convolutions halving the channels → C channels,
 * norm and ReLU after every hidden layer, tanh on the output. 28×28×1 with F = 64: z → 7×7×128 →
 * 14×14×64 → 28×28×1.
 *
 * @example
 * const G = sequential('G', [100], dcganGenerator([28, 28, 1], { filters: 64, norm: 'batch' }), rng);
 */
export function dcganGenerator(shape: readonly number[], options: DcganOptions): LayerFactory[] {
  const { start, steps } = dcganLadder(shape);
  const { filters, norm = 'batch', referenceRows, init = 'dcgan' } = options;
  const normLayer = normFactory(norm, referenceRows);
  const hidden = (): LayerFactory[] => [...(normLayer ? [normLayer()] : []), activation('relu')];
  const widest = filters * 2 ** (steps - 1);
  // Reshaped before the norm, so it normalizes per channel (BatchNorm2d), as the convolutions' norms do.
  const layers: LayerFactory[] = [dense(start[0] * start[1] * widest, { init, bias: !normLayer }), reshape([start[0], start[1], widest]), ...hidden()];
  for (let i = steps - 2; i >= 0; i--) layers.push(convTranspose2d(filters * 2 ** i, { kernelSize: 4, strides: 2, init, bias: !normLayer }), ...hidden());
  layers.push(convTranspose2d(shape[2], { kernelSize: 4, strides: 2, init }), activation('tanh'));
  return layers;
}

/**
 * DCGAN's discriminator up to its features (the caller adds its output layer, so stabilizers can
 * put layers before it): stride-2 4×4 convolutions doubling the channels from F, LeakyReLU after
 * each, a norm after all but the first, then flattened. 28×28×1 with F = 64: 14×14×64 → 7×7×128 →
 * 6,272 features.
 *
 * @example
 * const D = sequential('D', [28, 28, 1], [...dcganDiscriminator([28, 28, 1], { filters: 64 }), dense(1)], rng);
 */
export function dcganDiscriminator(shape: readonly number[], options: DcganOptions): LayerFactory[] {
  const { steps } = dcganLadder(shape);
  const { filters, norm = 'batch', referenceRows, init = 'dcgan', alpha = 0.2 } = options;
  const normLayer = normFactory(norm, referenceRows);
  const layers: LayerFactory[] = [];
  for (let i = 0; i < steps; i++) {
    const normed = i > 0 && normLayer;
    layers.push(conv2d(filters * 2 ** i, { kernelSize: 4, strides: 2, init, bias: !normed }));
    if (normed) layers.push(normed());
    layers.push(activation('leakyRelu', alpha));
  }
  layers.push(flatten());
  return layers;
}
