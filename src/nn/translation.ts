/**
 * The image-to-image networks of Pix2Pix (Isola et al. 2017): a U-Net generator, an encoder–decoder
 * whose decoder layers also see the encoder's layer of the same size (skip connections), and a
 * PatchGAN discriminator, which judges the (source, image) pair one patch at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';
import { activation } from './activation.ts';
import { conv2d, convTranspose2d } from './conv.ts';
import { dropout as dropoutLayer } from './dropout.ts';
import type { InitName } from './init.ts';
import type { Layer, LayerFactory } from './module.ts';
import { normFactory, type MlpNorm } from './mlp.ts';
import { sequential } from './sequential.ts';

/** Options of the U-Net and the PatchGAN. */
export interface TranslationOptions {
  /** Filters of the first layer, doubled at each halving. */
  filters: number;
  norm?: MlpNorm;
  init?: InitName;
  /** The U-Net's dropout in its innermost decoder layers (the paper's noise source: 0.5); 0 for none. */
  dropout?: number;
}

/** Halvings of a `size` side that keep it whole and at least 4 (28 → 14 → 7: 2; 64 → … → 4: 4), at most 5. */
export function halvings(size: number): number {
  let n = 0;
  while (n < 5 && size % 2 === 0 && size / 2 >= 4) [size, n] = [size / 2, n + 1];
  return n;
}

/** The spatial side of every level of a U-Net on `side` (level 0 the input). */
const sidesOf = (side: number, levels: number) => Array.from({ length: levels + 1 }, (_, i) => side / 2 ** i);

/**
 * The U-Net generator on `[h, w, cIn]` sources, out to `[h, w, cOut]` in [−1, 1] (tanh). Encoder
 * level i: a 4×4 stride-2 convolution to `filters·2^(i−1)` (norm from level 2 on, leaky ReLU 0.2),
 * as many levels as {@link halvings} allows; a 3×3 bottleneck; decoder level i: a 4×4 stride-2
 * transposed convolution of [the level below, encoder level i] concatenated (norm, ReLU, dropout
 * in the two innermost), the last one to `cOut` with tanh. The skips carry the source's detail
 * past the bottleneck, which is what lets a translation keep the input's structure.
 *
 * @example
 * const G = unetGenerator('G', [28, 28, 1], [28, 28, 1], { filters: 32 }, rng); // G.apply(source, ctx) → [n, 28, 28, 1]
 */
export function unetGenerator(name: string, inputShape: readonly number[], outputShape: readonly number[], options: TranslationOptions, rng: Rng): Layer {
  const [h, w, cIn] = inputShape;
  const [oh, ow, cOut] = outputShape;
  if (h !== oh || w !== ow) throw new Error(`${name}: the U-Net keeps the size; the source is ${h}×${w} and the target ${oh}×${ow}`);
  const levels = Math.min(halvings(h), halvings(w));
  if (levels < 1) throw new Error(`${name}: a ${h}×${w} image cannot be halved to a whole size of at least 4; the U-Net needs one halving`);
  const { filters, norm = 'batch', init = 'dcgan', dropout = 0.5 } = options;
  const normLayer = normFactory(norm, undefined);
  const width = (i: number) => filters * 2 ** (i - 1);
  const sides = sidesOf(h, levels);
  const sidesW = sidesOf(w, levels);
  const encoders = Array.from({ length: levels }, (_, k) => {
    const i = k + 1;
    const normed = i > 1 && normLayer;
    const layers: LayerFactory[] = [conv2d(width(i), { kernelSize: 4, strides: 2, init, bias: !normed }), ...(normed ? [normed()] : []), activation('leakyRelu', 0.2)];
    return sequential(`${name}/enc${i}`, [sides[k], sidesW[k], k === 0 ? cIn : width(k)], layers, rng);
  });
  const bottleneck = sequential(`${name}/mid`, [sides[levels], sidesW[levels], width(levels)], [conv2d(width(levels), { kernelSize: 3, strides: 1, init, bias: !normLayer }), ...(normLayer ? [normLayer()] : []), activation('relu')], rng);
  // Decoder level i takes [level i's output from below, encoder level i] and outputs level i − 1's size.
  const decoders = Array.from({ length: levels }, (_, k) => {
    const i = levels - k;
    const inC = (i === levels ? width(levels) : width(i)) + width(i);
    const last = i === 1;
    const outC = last ? cOut : width(i - 1);
    const layers: LayerFactory[] = last
      ? [convTranspose2d(outC, { kernelSize: 4, strides: 2, init }), activation('tanh')]
      : [convTranspose2d(outC, { kernelSize: 4, strides: 2, init, bias: !normLayer }), ...(normLayer ? [normLayer()] : []), activation('relu'), ...(dropout > 0 && k < 2 ? [dropoutLayer(dropout)] : [])];
    return sequential(`${name}/dec${i}`, [sides[i], sidesW[i], inC], layers, rng);
  });
  const parts = [...encoders, bottleneck, ...decoders];
  return {
    name,
    params: parts.flatMap((p) => p.params),
    buffers: parts.flatMap((p) => p.buffers),
    outputShape: [oh, ow, cOut],
    apply(x, ctx) {
      const skips: tf.Tensor[] = [];
      let t = x;
      for (const e of encoders) skips.push((t = e.apply(t, ctx)));
      t = bottleneck.apply(t, ctx);
      decoders.forEach((d, k) => (t = d.apply(tf.concat([t, skips[levels - 1 - k]], 3), ctx)));
      return t;
    },
  };
}

/**
 * The PatchGAN discriminator on `[h, w, c]` images paired with their `[h, w, cs]` sources (from
 * `ctx.condition.input`, concatenated on the channels): 4×4 stride-2 convolutions while the
 * image halves (at most 3, norm from the second, leaky ReLU 0.2), then a 3×3 convolution to one
 * logit per patch, `[n, h', w', 1]`: each judges a receptive field of {@link patchReceptiveField}
 * pixels, so D scores local texture and leaves the global layout to the L1 term. The losses
 * average over the patches.
 */
export function patchDiscriminator(name: string, shape: readonly number[], inputShape: readonly number[], options: TranslationOptions, rng: Rng): Layer {
  const [h, w, c] = shape;
  const downs = Math.min(3, halvings(h), halvings(w));
  const { filters, norm = 'batch', init = 'dcgan' } = options;
  const normLayer = normFactory(norm, undefined);
  const layers: LayerFactory[] = [];
  for (let i = 0; i < downs; i++) {
    const normed = i > 0 && normLayer;
    layers.push(conv2d(filters * 2 ** i, { kernelSize: 4, strides: 2, init, bias: !normed }), ...(normed ? [normed()] : []), activation('leakyRelu', 0.2));
  }
  layers.push(conv2d(1, { kernelSize: 3, strides: 1, init }));
  const body = sequential(name, [h, w, c + inputShape[2]], layers, rng);
  return {
    ...body,
    apply(x, ctx) {
      const source = ctx.condition?.input;
      if (!source) throw new Error(`${name}: a PatchGAN judges (source, image) pairs; pass the sources as ctx.condition.input`);
      if (source.shape[0] !== x.shape[0]) throw new Error(`${name}: ${source.shape[0]} sources for a batch of ${x.shape[0]}`);
      return body.apply(tf.concat([x, source], 3), ctx);
    },
  };
}

/** The side of the square each PatchGAN output judges, for `downs` stride-2 4×4 layers then the 3×3 output: r = 1 + Σ_i 3·2^i + 2·2^downs (18 for two). */
export function patchReceptiveField(downs: number): number {
  let r = 1;
  let jump = 1;
  for (let i = 0; i < downs; i++) [r, jump] = [r + 3 * jump, jump * 2];
  return r + 2 * jump;
}
