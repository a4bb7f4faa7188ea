import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';
import { activation } from './activation.ts';
import { conv2d } from './conv.ts';
import { dense } from './dense.ts';
import type { Layer } from './module.ts';
import { sequential } from './sequential.ts';
import { flatten } from './shape.ts';

/** Width of the classifier's penultimate layer: the features FID, KID and precision/recall are computed on. */
export const MNIST_FEATURE_WIDTH = 128;

/** Architecture tag stored with the weights, so weights of another architecture are refused by name. */
export const MNIST_CLASSIFIER_ARCH = 'mnist-cnn-v1';

/**
 * The feature network of the image metrics (the TF-GAN `mnist_frechet_distance` approach): a small
 * CNN trained on MNIST. `trunk` maps `[n, 28, 28, 1]` images in [−1, 1] to `[n, 128]` ReLU features;
 * `head` maps features to 10 digit logits.
 */
export interface MnistClassifier {
  readonly trunk: Layer;
  readonly head: Layer;
}

/**
 * A fresh classifier: conv 3×3 32 → conv 4×4/2 64 → conv 4×4/2 64 → dense 128 → dense 10, ReLU
 * between, strided convolutions instead of pooling. 14×14 and 7×7 are the inner resolutions.
 *
 * @example
 * const net = mnistClassifier(new Rng(0));
 * const logits = net.head.apply(net.trunk.apply(x, { training: false }), { training: false });
 */
export function mnistClassifier(rng: Rng): MnistClassifier {
  const trunk = sequential(
    'C',
    [28, 28, 1],
    [
      conv2d(32, { kernelSize: 3 }),
      activation('relu'),
      conv2d(64, { kernelSize: 4, strides: 2 }),
      activation('relu'),
      conv2d(64, { kernelSize: 4, strides: 2 }),
      activation('relu'),
      flatten(),
      dense(MNIST_FEATURE_WIDTH),
      activation('relu'),
    ],
    rng.fork('trunk'),
  );
  const head = sequential('C/head', [MNIST_FEATURE_WIDTH], [dense(10, { init: 'glorot' })], rng.fork('head'));
  return { trunk, head };
}

/** Features and class probabilities of `x` (`[n, 28, 28, 1]`), as tensors the caller disposes. */
export function classify(net: MnistClassifier, x: tf.Tensor): { features: tf.Tensor2D; probs: tf.Tensor2D } {
  return tf.tidy(() => {
    const features = net.trunk.apply(x, { training: false }) as tf.Tensor2D;
    const probs = tf.softmax(net.head.apply(features, { training: false })) as tf.Tensor2D;
    return { features, probs };
  });
}

/** The classifier's parameters by name, in a stable order (what its weights file holds). */
export function classifierParams(net: MnistClassifier) {
  return [...net.trunk.params, ...net.head.params];
}

/** The classifier's weights as a tfjs weights manifest entry and its binary (loadable in Node and the browser). */
export async function encodeClassifierWeights(net: MnistClassifier): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const named = classifierParams(net).map((p) => ({ name: p.name, tensor: p.variable }));
  const { data, specs } = await tf.io.encodeWeights(named);
  return { specs, data: new Uint8Array(data) };
}

/**
 * Sets the classifier's weights from a weights manifest and its binary. Every parameter must be
 * present with its exact shape; a missing or misshapen one throws a RangeError naming it (the
 * loader in `src/node` turns that into an error naming the file).
 */
export function loadClassifierWeights(net: MnistClassifier, specs: readonly tf.io.WeightsManifestEntry[], data: Uint8Array): void {
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, [...specs]);
  try {
    for (const p of classifierParams(net)) {
      const t = tensors[p.name];
      if (!t) throw new RangeError(`the weights have no '${p.name}'`);
      if (t.shape.join('x') !== p.variable.shape.join('x')) throw new RangeError(`'${p.name}' has shape [${t.shape.join(', ')}], the network needs [${p.variable.shape.join(', ')}]`);
      p.variable.assign(t);
    }
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
