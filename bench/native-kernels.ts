/**
 * Kernel and step speed of the `native` backend against `cpu` and `wasm`.
 *
 *   npx tsx bench/native-kernels.ts            # matmul, conv2d, MLP GAN step
 *   npx tsx bench/native-kernels.ts --profile  # also: where one native MLP GAN step spends its time
 *   npx tsx bench/native-kernels.ts --no-gan   # kernels only (the cpu GAN step takes ~10 s)
 *   npx tsx bench/native-kernels.ts --backends=native,wasm   # a subset of backends
 *   npx tsx bench/native-kernels.ts --ablation # GAN step without the loop kernels / the array pool
 *   npx tsx bench/native-kernels.ts --threads=1 # cap OpenBLAS threads (try it on a busy machine)
 *
 * Ratios taken in one run are what to compare; absolute figures move with machine load.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { NativeBackend } from '../src/node/native/backend.ts';
import { openBlas } from '../src/node/native/blas.ts';
import { registerNativeBackend } from '../src/node/native/index.ts';
import { BLAS_KERNELS } from '../src/node/native/kernels.ts';
import { Rng } from '../src/tensor/rng.ts';

// tfjs-core's Node entry registers no gradients. Its ESM module that does cannot be `import`ed
// under tsx (extensionless directory imports), but `require` resolves it.
const require = createRequire(import.meta.url);
require('@tensorflow/tfjs-core/dist/register_all_gradients.js');

const args = new Set(process.argv.slice(2));
const only = process.argv.find((a) => a.startsWith('--backends='))?.slice('--backends='.length).split(',');
const wanted = (name: string): boolean => only === undefined || only.includes(name);
const threadsArg = process.argv.find((a) => a.startsWith('--threads='))?.slice('--threads='.length);
const rng = new Rng('bench-native-kernels');

async function main(): Promise<void> {
  const status = registerNativeBackend({ threads: threadsArg === undefined ? undefined : Number(threadsArg) });
  if (!status.ok) throw new Error(status.reason);
  console.log(`native: OpenBLAS ${status.library}, up to ${status.threads} threads`);
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  const backends = ['native', 'cpu', 'wasm'].filter(wanted);

  const a = rng.normalArray(512 * 512);
  const b = rng.normalArray(512 * 512);
  await compare('matMul 512×512×512', 2 * 512 ** 3, backends, () => {
    const x = tf.tensor2d(a, [512, 512]);
    const y = tf.tensor2d(b, [512, 512]);
    return () => tf.matMul(x, y);
  });

  const images = rng.normalArray(64 * 28 * 28);
  const filter = rng.normalArray(4 * 4 * 64);
  // DCGAN-MNIST discriminator, first layer: 64×28×28×1 → 64×14×14×64, 4×4, stride 2, same.
  await compare('conv2d 64×28×28×1 → 64, 4×4 s2 same', 2 * 64 * 14 * 14 * 64 * 4 * 4, backends, () => {
    const x = tf.tensor4d(images, [64, 28, 28, 1]);
    const f = tf.tensor4d(filter, [4, 4, 1, 64]);
    return () => tf.conv2d(x, f, 2, 'same');
  });

  if (!args.has('--no-gan')) await ganSteps();
  if (args.has('--profile')) await profileGanStep();
  if (args.has('--ablation')) await ablation();
}

/** Times `op` (built by `setup` on each backend) and prints GFLOP/s and the ratio to the first backend. */
async function compare(label: string, flops: number, backends: string[], setup: () => () => tf.Tensor): Promise<void> {
  console.log(`\n${label}`);
  const rates: number[] = [];
  for (const name of backends) {
    if (!(await select(name))) continue;
    const op = setup();
    // All three backends run kernels synchronously, so the op is done when it returns. Not
    // reading the result is also what a training step does, and lets native recycle the array.
    const once = (): void => {
      op().dispose();
    };
    once();
    const seconds = timePerCall(once, 1.5);
    const rate = flops / seconds / 1e9;
    rates.push(rate);
    const ratio = rates.length === 1 ? '' : `   native is ${(rates[0] / rate).toFixed(1)}× faster`;
    console.log(`  ${name.padEnd(7)} ${rate.toFixed(2).padStart(8)} GFLOP/s  ${(seconds * 1e3).toFixed(2).padStart(9)} ms${ratio}`);
    tf.disposeVariables();
    tf.engine().endScope();
  }
}

async function select(name: string): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    console.log(`  ${name.padEnd(7)} unavailable (tfjs stayed on '${tf.getBackend()}')`);
    return false;
  }
  // Everything a benchmark creates lives in this scope and is released when it ends.
  tf.engine().startScope();
  return true;
}

/**
 * Seconds per call: the best of several short rounds (at least 3 calls each), because other
 * processes on a 2-core machine inflate averages far more than they deflate minima.
 */
function timePerCall(fn: () => void, budget: number, rounds = 5): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    while (calls < 3 || performance.now() - start < (budget * 1e3) / rounds) {
      fn();
      calls++;
    }
    best = Math.min(best, (performance.now() - start) / 1e3 / calls);
  }
  return best;
}

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

function mlp(sizes: number[]): Dense[] {
  const layers: Dense[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    const w = tf.variable(tf.tensor2d(rng.normalArray(fanIn * fanOut, 0, Math.sqrt(2 / fanIn)), [fanIn, fanOut]));
    const b = tf.variable(tf.zeros([fanOut]));
    layers.push({ w, b });
  }
  return layers;
}

function apply(layers: Dense[], x: tf.Tensor, hidden: (h: tf.Tensor) => tf.Tensor): tf.Tensor {
  let h = x;
  layers.forEach(({ w, b }, i) => {
    h = tf.add(tf.matMul(h, w), b);
    if (i + 1 < layers.length) h = hidden(h);
  });
  return h;
}

/**
 * One step of the MLP GAN from TFJS-ON-CPU.md: G 64→512→512→512→2 (ReLU), D 2→512→512→512→1
 * (LeakyReLU 0.2), batch 512, non-saturating loss on logits, Adam; one D step then one G step.
 */
function makeGan(): () => void {
  const batch = 512;
  const g = mlp([64, 512, 512, 512, 2]);
  const d = mlp([2, 512, 512, 512, 1]);
  const gVars = g.flatMap((l) => [l.w, l.b]);
  const dVars = d.flatMap((l) => [l.w, l.b]);
  const gOpt = tf.train.adam(2e-4, 0.5);
  const dOpt = tf.train.adam(2e-4, 0.5);
  const generate = (z: tf.Tensor): tf.Tensor => apply(g, z, tf.relu);
  const discriminate = (x: tf.Tensor): tf.Tensor => apply(d, x, (h) => tf.leakyRelu(h, 0.2));
  return () => {
    // Real data: a ring of 8 Gaussians.
    const real = new Float32Array(batch * 2);
    for (let i = 0; i < batch; i++) {
      const angle = (2 * Math.PI * rng.int(8)) / 8;
      real[2 * i] = 2 * Math.cos(angle) + 0.02 * rng.normal();
      real[2 * i + 1] = 2 * Math.sin(angle) + 0.02 * rng.normal();
    }
    const zD = rng.normalArray(batch * 64);
    const zG = rng.normalArray(batch * 64);
    tf.tidy(() => {
      const x = tf.tensor2d(real, [batch, 2]);
      dOpt.minimize(
        () => {
          const fake = generate(tf.tensor2d(zD, [batch, 64]));
          return tf.add(tf.mean(tf.softplus(tf.neg(discriminate(x)))), tf.mean(tf.softplus(discriminate(fake))));
        },
        false,
        dVars,
      );
      gOpt.minimize(() => tf.mean(tf.softplus(tf.neg(discriminate(generate(tf.tensor2d(zG, [batch, 64])))))), false, gVars);
    });
  };
}

async function ganSteps(): Promise<void> {
  console.log('\nMLP GAN step (D step + G step, batch 512, 3×512 hidden, Adam)');
  const rates: number[] = [];
  for (const [name, steps] of [
    ['native', 20],
    ['cpu', 1],
  ] as const) {
    if (!wanted(name) || !(await select(name))) continue;
    const step = makeGan();
    step();
    const numTensors = tf.memory().numTensors;
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      step();
      times.push((performance.now() - start) / 1e3);
    }
    // The median step: robust to other processes stealing a core for part of the run.
    const seconds = times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
    const leaked = tf.memory().numTensors - numTensors;
    rates.push(1 / seconds);
    const ratio = rates.length === 1 ? '' : `   native is ${(rates[0] * seconds).toFixed(1)}× faster`;
    console.log(`  ${name.padEnd(7)} ${(1 / seconds).toFixed(2).padStart(8)} steps/s  ${(seconds * 1e3).toFixed(0).padStart(7)} ms/step  (median of ${steps}, ${leaked} tensors leaked)${ratio}`);
    tf.disposeVariables();
    tf.engine().endScope();
  }
}

/**
 * What each optimisation beyond BLAS buys, on the MLP GAN step: the full backend against one
 * without the array pool and one with only the BLAS kernels (elementwise ops on cpu's loops).
 * Steps alternate between the variants so that load from other processes hits all alike.
 */
async function ablation(): Promise<void> {
  const opened = openBlas({ threads: threadsArg === undefined ? undefined : Number(threadsArg) });
  if (!opened.ok) return;
  const blasOnly = new Set(BLAS_KERNELS.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend('native')) {
    tf.registerKernel({ ...k, backendName: 'native-no-pool' });
    const source = blasOnly.has(k.kernelName) ? k : tf.getKernel(k.kernelName, 'cpu');
    tf.registerKernel({ ...source, backendName: 'native-blas-only' });
  }
  tf.registerBackend('native-no-pool', () => new NativeBackend(opened.blas, false), -2);
  tf.registerBackend('native-blas-only', () => new NativeBackend(opened.blas, false), -2);
  const variants = ['native', 'native-no-pool', 'native-blas-only'];
  const steps = new Map<string, () => void>();
  for (const name of variants) {
    await tf.setBackend(name);
    const step = makeGan();
    step();
    steps.set(name, step);
  }
  const times = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < 10; round++) {
    for (const name of variants) {
      await tf.setBackend(name);
      const start = performance.now();
      steps.get(name)?.();
      times.get(name)?.push(performance.now() - start);
    }
  }
  console.log('\nablation, MLP GAN step (median of 10, interleaved):');
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const base = median(times.get('native') ?? []);
  for (const name of variants) {
    const ms = median(times.get(name) ?? []);
    console.log(`  ${name.padEnd(17)} ${ms.toFixed(0).padStart(6)} ms/step  ${(ms / base).toFixed(2)}× the full backend's time`);
  }
  tf.disposeVariables();
}

/** Kernel time of one native GAN step, by kernel, largest first. */
async function profileGanStep(): Promise<void> {
  if (!(await select('native'))) return;
  const step = makeGan();
  step();
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, { ms: entry.ms + ms, calls: entry.calls + 1 });
  }
  const rows = [...byKernel.entries()].sort((x, y) => y[1].ms - x[1].ms);
  const total = rows.reduce((s, [, v]) => s + v.ms, 0);
  console.log(`\nnative MLP GAN step, kernel time by kernel (total ${total.toFixed(1)} ms):`);
  for (const [name, { ms, calls }] of rows.slice(0, 20)) {
    console.log(`  ${name.padEnd(22)} ${ms.toFixed(2).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${String(calls).padStart(4)} calls`);
  }
  tf.disposeVariables();
  tf.engine().endScope();
}

await main();
