import * as tf from '@tensorflow/tfjs-core';
import { benchSession, type BenchModel } from '../bench/index.ts';
import { resolveConfig } from '../config/index.ts';
import { sessionFromConfig } from '../run/index.ts';
import { disposeSession, evaluate, ganStep, type EvalOptions, type GanSession } from '../train/index.ts';
import { nodeDatasets, prepareData } from './datasets.ts';

/** One row of `saddlepoint bench`. */
export interface BenchRow {
  model: BenchModel;
  backend: string;
  stepsPerSecond: number;
  msPerStep: number;
  /** Peak resident set size of the process so far, in MB. */
  peakRssMB: number;
  /** Tensors alive after the timed windows minus before (0 = no leak). */
  tensorGrowth: number;
  torchStepsPerSecond?: number;
  /** PyTorch's best thread split (intra-op × OpenBLAS threads) and every split tried. */
  torchSplit?: { intra: number; blas: number };
  torchTried?: { intra: number; blas: number; stepsPerSecond: number }[];
  ratio?: number;
  /** saddlepoint's OpenBLAS threads (native backend). */
  threads?: number | 'auto';
  /** Matmul and convolution FLOPs per step, the rate they run at, and the backend's 512³ GEMM rate. */
  gflopPerStep?: number;
  gflops?: number;
  gemmPeakGflops?: number;
}

/** How long to measure. */
export interface BenchOptions {
  /** Untimed steps first (JIT, allocator, optimizer slots). */
  warmup?: number;
  /** Steps per timed window; by default a window runs until `windowSeconds` have passed. */
  steps?: number;
  /** Minimum length of a timed window when `steps` is not given. */
  windowSeconds?: number;
  /** Timed windows; the median is reported. */
  windows?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times full GAN steps (D step + G step) of a benchmark model on the current backend. */
export function benchModel(model: BenchModel, options: BenchOptions = {}): BenchRow {
  const { warmup = 3, steps, windowSeconds = 2, windows = 3 } = options;
  const session = benchSession(model);
  try {
    for (let i = 0; i < warmup; i++) ganStep(session);
    const before = tf.memory().numTensors;
    const rates: number[] = [];
    for (let w = 0; w < windows; w++) {
      const t0 = performance.now();
      let n = 0;
      // Fixed-count windows when asked; otherwise long enough to average out timer noise.
      while (steps !== undefined ? n < steps : n < 2 || performance.now() - t0 < windowSeconds * 1000) {
        ganStep(session);
        n += 1;
      }
      rates.push(n / ((performance.now() - t0) / 1000));
    }
    const tensorGrowth = tf.memory().numTensors - before;
    const stepsPerSecond = median(rates);
    return {
      model,
      backend: tf.getBackend(),
      stepsPerSecond,
      msPerStep: 1000 / stepsPerSecond,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      tensorGrowth,
    };
  } finally {
    disposeSession(session);
  }
}

const product = (shape: readonly number[] | undefined) => (shape ?? []).reduce((a, b) => a * b, 1);

/**
 * Floating-point operations of one kernel call that do the real work (matmuls and convolutions,
 * 2 per multiply-add), from its shapes; elementwise kernels count 0. A convolution's (and its
 * gradients') cost is 2·N·Ho·Wo·Co·Kh·Kw·Ci with the filter [Kh, Kw, Ci, Co] and the larger-channel
 * side's spatial size taken from dy (gradients) or the output (forward).
 */
export function kernelFlops(name: string, inputs: readonly (readonly number[])[], outputs: readonly (readonly number[])[]): number {
  const out = outputs[0] ?? [];
  switch (name) {
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // a holds batch·m·k elements whatever its transpose; the output is [batch, m, n].
      const [batch, m, n] = out.length === 3 ? out : [1, out[0], out[1]];
      const k = product(inputs[0]) / (batch * m);
      return 2 * batch * m * n * k;
    }
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, ci] = inputs[1] ?? [];
      return 2 * product(out) * kh * kw * ci;
    }
    case 'Conv2DBackpropInput': {
      // inputs: dy [N, Ho, Wo, Co], filter [Kh, Kw, Ci, Co].
      const [kh, kw, ci] = inputs[1] ?? [];
      return 2 * product(inputs[0]) * kh * kw * ci;
    }
    case 'Conv2DBackpropFilter': {
      // inputs: x, dy [N, Ho, Wo, Co]; output: the filter [Kh, Kw, Ci, Co].
      const [kh, kw, ci] = out;
      return 2 * product(inputs[1]) * kh * kw * ci;
    }
    default:
      return 0;
  }
}

/** The matmul and convolution FLOPs of one GAN step of a bench model (profiled over one step). */
export async function stepFlops(model: BenchModel): Promise<number> {
  const session = benchSession(model);
  try {
    ganStep(session);
    const info = await tf.profile(() => void ganStep(session));
    return info.kernels.reduce((sum, k) => sum + kernelFlops(k.name, k.inputShapes ?? [], k.outputShapes ?? []), 0);
  } finally {
    disposeSession(session);
  }
}

/** The current backend's dense GEMM rate (GFLOP/s) on 512×512 by 512×512, the median of 3 one-second windows: the peak a step's matmuls could reach. */
export function gemmPeak(size = 512): number {
  const a = tf.randomUniform([size, size]);
  const b = tf.randomUniform([size, size]);
  try {
    tf.dispose(tf.matMul(a, b).dataSync());
    const rates: number[] = [];
    for (let w = 0; w < 3; w++) {
      const t0 = performance.now();
      let n = 0;
      while (n < 2 || performance.now() - t0 < 1000) {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
        n++;
      }
      rates.push((2 * size ** 3 * n) / ((performance.now() - t0) / 1000) / 1e9);
    }
    return median(rates);
  } finally {
    tf.dispose([a, b]);
  }
}

/** Time per kernel over `steps` GAN steps, largest first: where the next optimisation should go. */
export async function profileModel(model: BenchModel, steps = 3): Promise<{ kernel: string; ms: number; calls: number; share: number }[]> {
  const session = benchSession(model);
  try {
    ganStep(session);
    const info = await tf.profile(() => {
      for (let i = 0; i < steps; i++) ganStep(session);
    });
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += Number(k.kernelTimeMs) || 0;
      entry.calls += 1;
      byName.set(k.name, entry);
    }
    const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
    return [...byName.entries()]
      .map(([kernel, e]) => ({ kernel, ms: e.ms / steps, calls: e.calls / steps, share: e.ms / total }))
      .sort((a, b) => b.ms - a.ms);
  } finally {
    disposeSession(session);
  }
}

/** Memory over a long run: RSS after warm-up vs at the end, and tensors alive. */
export interface SoakResult {
  /** A bench model, or `preset:<name>` for a preset's run with its evaluations. */
  model: string;
  backend: string;
  steps: number;
  /** Evaluations run during the soak (a preset's, on its `eval.every`; none for bench models). */
  evaluations: number;
  rssStartMB: number;
  rssEndMB: number;
  /** (end − start) / start. */
  rssDrift: number;
  tensorGrowth: number;
}

/**
 * Runs `steps` GAN steps of `session` (evaluating every `evalEvery` steps when given, as a run
 * does) after a warm-up, and reports RSS and live tensors before and after: flat memory means no
 * leak in the step or the evaluation. Disposes the session.
 */
function soakSession(name: string, session: GanSession, steps: number, evaluation: { every: number; options: EvalOptions } | undefined, onProgress?: (step: number, rssMB: number) => void): SoakResult {
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  let evaluations = 0;
  const step = () => {
    ganStep(session);
    if (evaluation && session.step % evaluation.every === 0) {
      evaluate(session, evaluation.options);
      evaluations++;
    }
  };
  try {
    // The warm-up includes one evaluation, so its one-off costs (reference features, kernels) are paid before measuring.
    const warmup = Math.max(Math.min(50, Math.max(1, Math.floor(steps / 20))), evaluation?.every ?? 0);
    for (let i = 0; i < warmup; i++) step();
    evaluations = 0;
    const tensors = tf.memory().numTensors;
    const rssStartMB = rss();
    for (let i = 1; i <= steps; i++) {
      step();
      if (onProgress && i % Math.max(1, Math.floor(steps / 10)) === 0) onProgress(i, rss());
    }
    const rssEndMB = rss();
    return { model: name, backend: tf.getBackend(), steps, evaluations, rssStartMB, rssEndMB, rssDrift: (rssEndMB - rssStartMB) / rssStartMB, tensorGrowth: tf.memory().numTensors - tensors };
  } finally {
    disposeSession(session);
  }
}

/** Runs `steps` GAN steps of a bench model and reports whether memory stays flat (the speed issue's ±5 % target). */
export function soakModel(model: BenchModel, steps: number, onProgress?: (step: number, rssMB: number) => void): SoakResult {
  return soakSession(model, benchSession(model), steps, undefined, onProgress);
}

/**
 * The same for a preset as `train` runs it, on its real data and with its evaluations on (e.g.
 * `mnist-dcgan`: MNIST, FID/KID/precision-recall and a sample grid every 250 steps).
 */
export async function soakPreset(preset: string, steps: number, onProgress?: (step: number, rssMB: number) => void): Promise<SoakResult> {
  const config = resolveConfig({ preset, datasets: nodeDatasets });
  await prepareData(config.data);
  const session = sessionFromConfig(config, nodeDatasets);
  const every = config.eval.every;
  return soakSession(`preset:${preset}`, session, steps, every > 0 ? { every, options: { samples: config.eval.samples, seed: config.seed, health: config.eval.health } } : undefined, onProgress);
}
