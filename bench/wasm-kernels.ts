/**
 * What the wasm training kernels and the wasm-aware matmul gradient buy, measured in one run:
 * `npx tsx bench/wasm-kernels.ts` (about a minute on 2 cores). "before" is tfjs's own formulation
 * (transposed matmuls in the matmul gradient; tfjs-backend-wasm's Conv2DBackpropInput and no
 * Conv2DBackpropFilter), "after" is saddlepoint's.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installGradientFixes } from '../src/tensor/gradient-fixes.ts';
import { installWasmTrainingKernels } from '../src/tensor/wasm-kernels.ts';

const require = createRequire(import.meta.url);
wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
installGradientFixes();
await tf.setBackend('wasm');
if (tf.getBackend() !== 'wasm') throw new Error(`tfjs stayed on '${tf.getBackend()}'`);

/** Median wall time of `fn` in ms, after one warm-up call. */
function time(fn: () => void, repeats: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function row(name: string, beforeMs: number | string, afterMs: number): void {
  const before = typeof beforeMs === 'number' ? `${beforeMs.toFixed(1)} ms` : beforeMs;
  const ratio = typeof beforeMs === 'number' ? `${(beforeMs / afterMs).toFixed(1)}×` : '—';
  console.log(`${name.padEnd(46)} ${before.padStart(20)} ${`${afterMs.toFixed(1)} ms`.padStart(12)} ${ratio.padStart(7)}`);
}

/** tfjs's own matmul gradient: transposed matmuls, the slow path on wasm. */
const transposedMatMulGradient: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b], attrs) => {
    if (Array.isArray(dy) || attrs.transposeA === true || attrs.transposeB === true) throw new Error('bench: plain matmuls only');
    return { a: () => tf.matMul(dy, b, false, true), b: () => tf.matMul(a, dy, true, false) };
  },
};

let seed = 1;
/** A weight with N(0, scale²) entries, of a rank fixed by its shape. */
function param<R extends tf.Rank>(shape: tf.ShapeMap[R], scale: number): tf.Variable<R> {
  seed += 1;
  return tf.variable(tf.mul(tf.randomNormal<R>(shape, 0, 1, 'float32', seed), scale));
}

/** Non-saturating GAN step: one D update, one G update, Adam on each. */
function ganStep(g: (z: tf.Tensor) => tf.Tensor, d: (x: tf.Tensor) => tf.Tensor, real: () => tf.Tensor, noise: () => tf.Tensor, gVars: tf.Variable[], dVars: tf.Variable[]) {
  const optD = tf.train.adam(2e-4, 0.5);
  const optG = tf.train.adam(2e-4, 0.5);
  return () =>
    tf.tidy(() => {
      const z = noise();
      const x = real();
      optD.minimize(() => tf.add(tf.mean(tf.softplus(tf.neg(d(x)))), tf.mean(tf.softplus(d(g(z))))) as tf.Scalar, false, dVars);
      optG.minimize(() => tf.mean(tf.softplus(tf.neg(d(g(z))))) as tf.Scalar, false, gVars);
      tf.sum(gVars[0]).dataSync();
    });
}

interface Dense {
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
}

function denseLayer(inputs: number, outputs: number): Dense {
  return { w: param<tf.Rank.R2>([inputs, outputs], Math.sqrt(2 / inputs)), b: param<tf.Rank.R1>([outputs], 0) };
}

function dense(x: tf.Tensor, { w, b }: Dense): tf.Tensor {
  return tf.add(tf.matMul(x, w), b);
}

/** An MLP whose hidden layers use `hidden` and whose last layer is linear. */
function mlp(widths: number[], hidden: (x: tf.Tensor) => tf.Tensor): { vars: tf.Variable[]; apply: (x: tf.Tensor) => tf.Tensor } {
  const layers = widths.slice(1).map((out, i) => denseLayer(widths[i], out));
  return {
    vars: layers.flatMap(({ w, b }) => [w, b]),
    apply: (x) => layers.reduce((h, layer, i) => (i < layers.length - 1 ? hidden(dense(h, layer)) : dense(h, layer)), x),
  };
}

function mlpGanStep(): () => void {
  const g = mlp([64, 512, 512, 512, 2], (x) => tf.relu(x));
  const d = mlp([2, 512, 512, 512, 1], (x) => tf.leakyRelu(x, 0.2));
  return ganStep(g.apply, d.apply, () => tf.randomNormal([512, 2]), () => tf.randomNormal([512, 64]), g.vars, d.vars);
}

/** The DCGAN-MNIST conv layers, batch 64, forward and backward (gradients w.r.t. input and weights). */
function convLayers(): { name: string; run: () => void }[] {
  const x28 = tf.randomNormal<tf.Rank.R4>([64, 28, 28, 1]);
  const x14 = tf.randomNormal<tf.Rank.R4>([64, 14, 14, 64]);
  const x7 = tf.randomNormal<tf.Rank.R4>([64, 7, 7, 128]);
  const fwdBwd = (f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, w: tf.Tensor4D) => () =>
    tf.tidy(() => {
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(tf.reshape<tf.Rank.R4>(a, x.shape), tf.reshape<tf.Rank.R4>(b, w.shape)))))([x, w]);
      gx.dataSync();
      gw.dataSync();
    });
  return [
    { name: 'conv 1→64 4×4 s2 28→14', run: fwdBwd((a, b) => tf.conv2d(a, b, 2, 'same'), x28, param([4, 4, 1, 64], 0.1)) },
    { name: 'conv 64→128 4×4 s2 14→7', run: fwdBwd((a, b) => tf.conv2d(a, b, 2, 'same'), x14, param([4, 4, 64, 128], 0.03)) },
    { name: 'convT 128→64 4×4 s2 7→14', run: fwdBwd((a, b) => tf.conv2dTranspose(a, b, [64, 14, 14, 64], 2, 'same'), x7, param([4, 4, 64, 128], 0.03)) },
    { name: 'convT 64→1 4×4 s2 14→28', run: fwdBwd((a, b) => tf.conv2dTranspose(a, b, [64, 28, 28, 1], 2, 'same'), x14, param([4, 4, 1, 64], 0.1)) },
  ];
}

/** DCGAN for MNIST: G z(100) → 7×7×128 → convT 64 → convT 1; D conv 64 → conv 128 → dense. */
function dcganStep(): () => void {
  const gIn = denseLayer(100, 7 * 7 * 128);
  const gT1 = param<tf.Rank.R4>([4, 4, 64, 128], 0.03);
  const gT2 = param<tf.Rank.R4>([4, 4, 1, 64], 0.1);
  const dC1 = param<tf.Rank.R4>([4, 4, 1, 64], 0.1);
  const dC2 = param<tf.Rank.R4>([4, 4, 64, 128], 0.03);
  const dOut = denseLayer(7 * 7 * 128, 1);
  const g = (z: tf.Tensor) => {
    const h = tf.reshape<tf.Rank.R4>(tf.relu(dense(z, gIn)), [-1, 7, 7, 128]);
    const h2 = tf.relu(tf.conv2dTranspose(h, gT1, [64, 14, 14, 64], 2, 'same'));
    return tf.tanh(tf.conv2dTranspose(h2, gT2, [64, 28, 28, 1], 2, 'same'));
  };
  const d = (x: tf.Tensor) => {
    const h = tf.leakyRelu(tf.conv2d(tf.reshape<tf.Rank.R4>(x, [-1, 28, 28, 1]), dC1, 2, 'same'), 0.2);
    const h2 = tf.leakyRelu(tf.conv2d(h, dC2, 2, 'same'), 0.2);
    return dense(tf.reshape(h2, [-1, 7 * 7 * 128]), dOut);
  };
  const gVars = [gIn.w, gIn.b, gT1, gT2];
  const dVars = [dC1, dC2, dOut.w, dOut.b];
  return ganStep(g, d, () => tf.randomUniform([64, 28, 28, 1], -1, 1), () => tf.randomNormal([64, 100]), gVars, dVars);
}

function failure(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return err instanceof Error && /Conv2DBackpropFilter/.test(err.message) ? 'fails: no kernel' : 'fails';
  }
}

console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()}; median wall time per call`);
console.log(`${'wasm'.padEnd(46)} ${'before'.padStart(20)} ${'after'.padStart(12)} ${'ratio'.padStart(7)}`);

const a = tf.randomNormal([512, 512]);
const b = tf.randomNormal([512, 512]);
// Blocks, not expression bodies: tf.tidy walks a returned typed array element by element.
const matMulTransposed = () =>
  tf.tidy(() => {
    tf.matMul(a, b, false, true).dataSync();
  });
const matMulExplicit = () =>
  tf.tidy(() => {
    tf.matMul(a, tf.transpose(b)).dataSync();
  });
row('matmul 512×512·(512×512)ᵀ', time(matMulTransposed, 5), time(matMulExplicit, 10));

const mlpStep = mlpGanStep();
tf.registerGradient(transposedMatMulGradient);
const mlpBefore = time(mlpStep, 2);
installGradientFixes();
row('MLP GAN step (3×512, batch 512, D+G, Adam)', mlpBefore, time(mlpStep, 5));

// Before: tfjs-backend-wasm's own kernels (Conv2DBackpropInput; no Conv2DBackpropFilter).
const layers = convLayers();
const stockConvT = (() => {
  const dy = tf.randomNormal<tf.Rank.R4>([64, 7, 7, 128]);
  const w = tf.randomNormal<tf.Rank.R4>([4, 4, 64, 128]);
  return () =>
    tf.tidy(() => {
      tf.conv2dTranspose(dy, w, [64, 14, 14, 64], 2, 'same').dataSync();
    });
})();
const convTBefore = time(stockConvT, 3);
const layerBefore = layers.map((layer) => failure(layer.run) ?? time(layer.run, 2));
const dcgan = dcganStep();
const dcganBefore = failure(dcgan) ?? time(dcgan, 1);

installWasmTrainingKernels();
row('conv2dTranspose 128→64 7→14 forward only', convTBefore, time(stockConvT, 5));
layers.forEach((layer, i) => row(`${layer.name} fwd+bwd`, layerBefore[i], time(layer.run, 5)));
row('DCGAN-MNIST GAN step (batch 64, D+G, Adam)', dcganBefore, time(dcgan, 3));
