/**
 * Trains the MNIST feature network of the image metrics and writes it to
 * `assets/mnist-classifier/` (weights.bin + model.json with its SHA-256, test accuracy and this
 * command). `npm run train:classifier [-- --epochs N --seed S --out DIR]`.
 *
 * Seeded: the same seed, epochs and backend give the same weights. Each batch is shifted by up
 * to 2 pixels (a standard MNIST augmentation) from the seeded stream.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { classify, classifierParams, encodeClassifierWeights, mnistClassifier, MNIST_CLASSIFIER_ARCH } from '../src/nn/index.ts';
import { adam } from '../src/optim/index.ts';
import { Rng, sha256Hex } from '../src/tensor/index.ts';
import { CLASSIFIER_FILES, loadMnist, useNodeBackend, writeFileAtomic, writeJsonAtomic } from '../src/node/index.ts';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '0' },
    batch: { type: 'string', default: '128' },
    lr: { type: 'string', default: '0.001' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../assets/mnist-classifier') },
  },
});
const epochs = Number(values.epochs);
const seed = Number(values.seed);
const batch = Number(values.batch);
const lr0 = Number(values.lr);

const backend = await useNodeBackend('auto');
// The commit the weights were trained at (before training, so an edit during the run is not credited).
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}
const train = loadMnist('train');
const test = loadMnist('test');
const toUnit = (v: number) => v / 127.5 - 1;
const rng = new Rng(seed);
const net = mnistClassifier(rng.fork('init'));
const params = classifierParams(net);
const opt = adam({ lr: lr0 });
const stepsPerEpoch = Math.floor(train.count / batch);
const total = epochs * stepsPerEpoch;

/** Batch `rows` of `split`, each image shifted by (dy, dx) ∈ [−2, 2]² drawn from `shift` (none when absent). */
function batchOf(split: typeof train, rows: ArrayLike<number>, shift?: Rng): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const n = rows.length;
  const x = new Float32Array(n * 784).fill(-1);
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const dy = shift ? shift.int(5) - 2 : 0;
    const dx = shift ? shift.int(5) - 2 : 0;
    for (let r = 0; r < 28; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= 28) continue;
      for (let c = 0; c < 28; c++) {
        const sc = c - dx;
        if (sc < 0 || sc >= 28) continue;
        x[i * 784 + r * 28 + c] = toUnit(split.pixels[row * 784 + sr * 28 + sc]);
      }
    }
    y[i * 10 + split.labels[row]] = 1;
  }
  return { x: tf.tensor4d(x, [n, 28, 28, 1]), y: tf.tensor2d(y, [n, 10]) };
}

function testAccuracy(): number {
  let correct = 0;
  for (let start = 0; start < test.count; start += 500) {
    const rows = Array.from({ length: Math.min(500, test.count - start) }, (_, i) => start + i);
    const { x, y } = batchOf(test, rows);
    const { features, probs } = classify(net, x);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), tf.argMax(y, 1)), 'int32')).dataSync()[0]);
    correct += hits;
    tf.dispose([x, y, features, probs]);
  }
  return correct / test.count;
}

const t0 = performance.now();
let step = 0;
const order = rng.fork('order');
const shift = rng.fork('shift');
for (let epoch = 0; epoch < epochs; epoch++) {
  const perm = order.permutation(train.count);
  let lossSum = 0;
  for (let b = 0; b < stepsPerEpoch; b++) {
    opt.lr = lr0 * 0.5 * (1 + Math.cos((Math.PI * step) / total));
    const { x, y } = batchOf(train, perm.slice(b * batch, (b + 1) * batch), shift);
    const { value, grads } = tf.variableGrads(() => {
      const logits = net.head.apply(net.trunk.apply(x, { training: true }), { training: true });
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, params.map((p) => p.variable));
    opt.apply(params, params.map((p) => grads[p.variable.name]));
    lossSum += value.dataSync()[0];
    tf.dispose([x, y, value, ...Object.values(grads)]);
    step++;
    if (b % 100 === 99) console.log(`epoch ${epoch + 1} step ${b + 1}/${stepsPerEpoch} loss ${(lossSum / (b + 1)).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  console.log(`epoch ${epoch + 1}: test accuracy ${(testAccuracy() * 100).toFixed(2)} %`);
}
const accuracy = testAccuracy();
const seconds = (performance.now() - t0) / 1000;
const { specs, data } = await encodeClassifierWeights(net);
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
writeFileAtomic(join(out, CLASSIFIER_FILES.weights), data);
writeJsonAtomic(join(out, CLASSIFIER_FILES.manifest), {
  format: 'saddlepoint-feature-net',
  arch: MNIST_CLASSIFIER_ARCH,
  weightsManifest: [{ paths: [CLASSIFIER_FILES.weights], weights: specs }],
  sha256: sha256Hex(data),
  testAccuracy: accuracy,
  trainedWith: {
    command: `npm run train:classifier -- --epochs ${epochs} --seed ${seed} --batch ${batch} --lr ${lr0}`,
    commit,
    backend: backend.name,
    steps: total,
    seconds: Math.round(seconds),
    augmentation: 'random shifts of up to 2 pixels',
    optimizer: `adam lr ${lr0}, cosine decay to 0`,
  },
});
console.log(`test accuracy ${(accuracy * 100).toFixed(2)} % in ${seconds.toFixed(0)} s on ${backend.name}; wrote ${out}`);
