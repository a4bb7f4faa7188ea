import * as tf from '@tensorflow/tfjs-core';
import { benchSession, type BenchModel } from '../bench/index.ts';
import { disposeSession, ganStep } from '../train/index.ts';

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
  model: BenchModel;
  backend: string;
  steps: number;
  rssStartMB: number;
  rssEndMB: number;
  /** (end − start) / start. */
  rssDrift: number;
  tensorGrowth: number;
}

/** Runs `steps` GAN steps and reports whether memory stays flat (the speed issue's ±5 % target). */
export function soakModel(model: BenchModel, steps: number, onProgress?: (step: number, rssMB: number) => void): SoakResult {
  const session = benchSession(model);
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  try {
    const warmup = Math.min(50, Math.max(1, Math.floor(steps / 20)));
    for (let i = 0; i < warmup; i++) ganStep(session);
    const tensors = tf.memory().numTensors;
    const rssStartMB = rss();
    for (let i = 1; i <= steps; i++) {
      ganStep(session);
      if (onProgress && i % Math.max(1, Math.floor(steps / 10)) === 0) onProgress(i, rss());
    }
    const rssEndMB = rss();
    return { model, backend: tf.getBackend(), steps, rssStartMB, rssEndMB, rssDrift: (rssEndMB - rssStartMB) / rssStartMB, tensorGrowth: tf.memory().numTensors - tensors };
  } finally {
    disposeSession(session);
  }
}
