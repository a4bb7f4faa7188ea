import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_SPLIT_SIZES, PIXEL_TO_UNIT, stackedMnistDataset, type FeatureSpace } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { classify, loadClassifierWeights, mnistClassifier, MNIST_CLASSIFIER_ARCH, MNIST_FEATURE_WIDTH, type MnistClassifier } from '../nn/index.ts';
import { Rng, sha256Hex } from '../tensor/index.ts';
import { loadMnist } from './mnist.ts';

/** Files of a feature network's folder. */
export const CLASSIFIER_FILES = { manifest: 'model.json', weights: 'weights.bin' } as const;

/** The committed MNIST classifier (`npm run train:classifier` wrote it). */
export const MNIST_CLASSIFIER_DIR = resolve(import.meta.dirname, '../../assets/mnist-classifier');

const weightSpec = z.object({ name: z.string(), shape: z.array(z.int().min(0)), dtype: z.literal('float32') }).loose();

const manifestSchema = z
  .object({
    format: z.literal('saddlepoint-feature-net'),
    arch: z.string(),
    weightsManifest: z.tuple([z.object({ paths: z.tuple([z.string()]), weights: z.array(weightSpec).min(1) })]),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    testAccuracy: z.number().min(0).max(1),
    trainedWith: z.object({ command: z.string() }).loose(),
  })
  .loose();

/** A loaded feature network and what identifies it in reports. */
export interface FeatureNet {
  readonly net: MnistClassifier;
  /** `mnist-cnn-v1@<first 12 hex of the weights' SHA-256>`: the same string means comparable scores. */
  readonly id: string;
  readonly sha256: string;
  readonly testAccuracy: number;
  readonly dir: string;
}

const cache = new Map<string, FeatureNet>();

/**
 * The MNIST classifier from `dir` (the committed one by default), checked before it is used: the
 * manifest must parse, name this architecture, and its binary must match the SHA-256 it states
 * and hold every parameter at its shape. Anything else is a DataError naming the file and reason.
 * Loaded once per process and folder.
 *
 * @example
 * const { net, id } = loadMnistClassifier(); // id 'mnist-cnn-v1@3f2a…'
 */
export function loadMnistClassifier(dir: string = MNIST_CLASSIFIER_DIR): FeatureNet {
  const abs = resolve(dir);
  const hit = cache.get(abs);
  if (hit) return hit;
  const manifestPath = join(abs, CLASSIFIER_FILES.manifest);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new DataError(`cannot read the feature network's manifest (${(err as Error).message}); \`npm run train:classifier\` writes it`, manifestPath);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new DataError(`not a feature-network manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, manifestPath);
  const manifest = parsed.data;
  if (manifest.arch !== MNIST_CLASSIFIER_ARCH) throw new DataError(`the weights are of architecture '${manifest.arch}'; this version reads '${MNIST_CLASSIFIER_ARCH}'`, manifestPath);
  const weightsPath = join(abs, manifest.weightsManifest[0].paths[0]);
  let data: Uint8Array;
  try {
    data = new Uint8Array(readFileSync(weightsPath));
  } catch (err) {
    throw new DataError(`cannot read the feature network's weights (${(err as Error).message})`, weightsPath);
  }
  const sha256 = sha256Hex(data);
  if (sha256 !== manifest.sha256) throw new DataError(`SHA-256 ${sha256} does not match the manifest's ${manifest.sha256}: the file is corrupt or not these weights`, weightsPath);
  const net = mnistClassifier(new Rng(0));
  try {
    loadClassifierWeights(net, manifest.weightsManifest[0].weights as never, data);
  } catch (err) {
    throw new DataError((err as Error).message, weightsPath);
  }
  const loaded: FeatureNet = { net, id: `${MNIST_CLASSIFIER_ARCH}@${sha256.slice(0, 12)}`, sha256, testAccuracy: manifest.testAccuracy, dir: abs };
  cache.set(abs, loaded);
  return loaded;
}

/** Images embedded per forward pass. */
const EMBED_CHUNK = 500;

/** Features and probabilities of `n` single-channel 28×28 images through the classifier, in chunks. */
function embedGrey(net: MnistClassifier, x: Float32Array, n: number): { features: Float32Array; probs: Float32Array } {
  const features = new Float32Array(n * MNIST_FEATURE_WIDTH);
  const probs = new Float32Array(n * 10);
  for (let start = 0; start < n; start += EMBED_CHUNK) {
    const rows = Math.min(EMBED_CHUNK, n - start);
    const out = tf.tidy(() => {
      const c = classify(net, tf.tensor4d(x.subarray(start * 784, (start + rows) * 784), [rows, 28, 28, 1]));
      return [c.features.dataSync() as Float32Array, c.probs.dataSync() as Float32Array] as const;
    });
    features.set(out[0], start * MNIST_FEATURE_WIDTH);
    probs.set(out[1], start * 10);
  }
  return { features, probs };
}

/** Channel `c` of `n` 28×28×3 images as 28×28×1 images. */
function channel(x: Float32Array, n: number, c: number): Float32Array {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) out[i] = x[i * 3 + c];
  return out;
}

function argmaxRows(probs: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(probs.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** Rows of the Stacked MNIST reference set: as many as MNIST test has, drawn from a fixed seed. */
const STACKED_REFERENCE_ROWS = 10_000;

/**
 * The feature space MNIST and Stacked MNIST are measured in: the committed classifier's 128
 * penultimate features, with the 10,000 MNIST test images as the reference set (Stacked MNIST:
 * the classifier on each channel, 384 features, digits per channel, and 10,000 stacked test
 * images from seed 0). The classifier is checked when the space is made; the reference features
 * are computed on first use and kept for the process.
 *
 * @example
 * const space = mnistFeatureSpace('mnist');
 * space.embed(images, n).features; // n × 128
 */
export function mnistFeatureSpace(kind: 'mnist' | 'stacked-mnist', dir?: string): FeatureSpace {
  // One space per network and kind in a process, so its reference features (and the evaluator's
  // statistics of them) are computed once however many sessions are built (autopilot, eval).
  const key = `${kind}\u0000${resolve(dir ?? MNIST_CLASSIFIER_DIR)}`;
  let space = spaces.get(key);
  if (!space) spaces.set(key, (space = buildFeatureSpace(kind, dir)));
  return space;
}

const spaces = new Map<string, FeatureSpace>();

function buildFeatureSpace(kind: 'mnist' | 'stacked-mnist', dir?: string): FeatureSpace {
  const { net, id } = loadMnistClassifier(dir);
  let reference: ReturnType<FeatureSpace['referenceFeatures']> | undefined;
  if (kind === 'mnist') {
    return {
      id,
      reference: `MNIST test (${MNIST_SPLIT_SIZES.test.toLocaleString('en-US')})`,
      embed(x, n) {
        const { features, probs } = embedGrey(net, x, n);
        return { features, width: MNIST_FEATURE_WIDTH, probs, classes: 10 };
      },
      referenceFeatures() {
        if (!reference) {
          // Every test image, in file order.
          const { pixels, count, labels } = loadMnist('test');
          const data = embedGrey(net, Float32Array.from(pixels, (v) => PIXEL_TO_UNIT[v]), count).features;
          reference = { data, rows: count, cols: MNIST_FEATURE_WIDTH, labels: Int32Array.from(labels) };
        }
        return reference;
      },
    };
  }
  const embedStacked = (x: Float32Array, n: number) => {
    const features = new Float32Array(n * 3 * MNIST_FEATURE_WIDTH);
    const digits = new Int32Array(n * 3);
    for (let c = 0; c < 3; c++) {
      const grey = embedGrey(net, channel(x, n, c), n);
      const d = argmaxRows(grey.probs, 10);
      for (let i = 0; i < n; i++) {
        features.set(grey.features.subarray(i * MNIST_FEATURE_WIDTH, (i + 1) * MNIST_FEATURE_WIDTH), (i * 3 + c) * MNIST_FEATURE_WIDTH);
        digits[i * 3 + c] = d[i];
      }
    }
    return { features, width: 3 * MNIST_FEATURE_WIDTH, digits };
  };
  return {
    id,
    reference: `Stacked MNIST from MNIST test (${STACKED_REFERENCE_ROWS.toLocaleString('en-US')}, seed 0)`,
    embed: embedStacked,
    referenceFeatures() {
      if (!reference) {
        const x = stackedMnistDataset(loadMnist('test'), 'test').sampleArray(STACKED_REFERENCE_ROWS, new Rng(0).fork('reference')).x;
        reference = { data: embedStacked(x, STACKED_REFERENCE_ROWS).features, rows: STACKED_REFERENCE_ROWS, cols: 3 * MNIST_FEATURE_WIDTH };
      }
      return reference;
    },
  };
}
