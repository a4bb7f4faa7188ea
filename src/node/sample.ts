/**
 * `saddlepoint sample`: new samples from a trained run's generator at its newest checkpoint,
 * as an image grid (image data) or a CSV of points (flat data). A class-conditional run is asked
 * for one class (`label`) or for every class in turn, one class per column of the grid.
 */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleNoise } from '../data/index.ts';
import { ConfigError } from '../errors.ts';
import { cyclingLabels, labelsCondition } from '../nn/index.ts';
import { restoreRun } from '../run/index.ts';
import { Rng, unitToBytes } from '../tensor/index.ts';
import { disposeSession } from '../train/index.ts';
import { writeFileAtomic } from './atomic.ts';
import { nodeDatasets, prepareData } from './datasets.ts';
import { fsRunStore } from './fs-store.ts';
import { imageGridPng } from './image-grid.ts';
import { readRunConfig } from './run-dir.ts';

/** What {@link sampleRun} is asked for. */
export interface SampleOptions {
  /** Where the result goes: `.png` for image runs, `.csv` for point runs. */
  out: string;
  /** How many samples (default 64 for images, 1,000 for points). */
  n?: number;
  /** A conditional run's class for every sample; absent: classes 0, 1, … in turn. */
  label?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
}

/** What was written. */
export interface SampleResult {
  out: string;
  n: number;
  step: number;
  labels?: number[];
}

const invalid = (field: string, message: string, received: unknown) => new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received }]);

/**
 * Generates from the run in `dir` and writes `options.out` atomically. Everything is checked —
 * the run, the checkpoint, the extension against the data, the label against the run's classes —
 * before the file is written.
 */
export async function sampleRun(dir: string, options: SampleOptions): Promise<SampleResult> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw invalid('RUN_DIR', `${dir} is not a run directory`, dir);
  await prepareData((readRunConfig(dir).config as { data?: unknown } | null)?.data);
  const { session } = await restoreRun(fsRunStore(dir), { datasets: nodeDatasets });
  try {
    const images = session.data.shape.length === 3;
    const ext = extname(options.out).toLowerCase();
    const wanted = images ? '.png' : '.csv';
    if (ext !== wanted) throw invalid('--out', `got "${options.out}"; this run generates ${images ? 'images: give a .png' : 'points: give a .csv'}`, options.out);
    const classes = session.classes;
    if (options.label !== undefined) {
      if (classes === null) throw invalid('--label', `this run is not class-conditional (model.condition is 'none'); it takes no label`, options.label);
      if (!Number.isInteger(options.label) || options.label < 0 || options.label >= classes) throw invalid('--label', `got ${options.label}; this run's classes are 0 … ${classes - 1}`, options.label);
    }
    const n = options.n ?? (images ? 64 : 1000);
    const labels = classes === null ? undefined : options.label !== undefined ? new Int32Array(n).fill(options.label) : cyclingLabels(n, classes);
    const rng = new Rng(options.seed ?? 0).fork('sample');
    const x = tf.tidy(() => session.G.apply(sampleNoise(session.noise, n, rng), { training: false, ...labelsCondition(labels) }).dataSync() as Float32Array);
    if (images) {
      // Every class in turn: one class per column.
      const cols = labels && options.label === undefined ? classes! : undefined;
      writeFileAtomic(options.out, await imageGridPng(unitToBytes(x), session.data.shape, n, { scale: 3, ...(cols ? { cols } : {}) }));
    } else {
      const dim = session.data.shape[0];
      const header = [...Array.from({ length: dim }, (_, j) => `x${j + 1}`), ...(labels ? ['label'] : [])].join(',');
      const rows = Array.from({ length: n }, (_, i) => [...Array.from(x.subarray(i * dim, (i + 1) * dim), (v) => String(v)), ...(labels ? [String(labels[i])] : [])].join(','));
      writeFileAtomic(options.out, `${header}\n${rows.join('\n')}\n`);
    }
    return { out: options.out, n, step: session.step, ...(labels ? { labels: Array.from(labels) } : {}) };
  } finally {
    disposeSession(session);
  }
}
