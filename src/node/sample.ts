/**
 * `saddlepoint sample`: new samples from a trained run's generator at its newest checkpoint,
 * as an image grid (image data) or a CSV of points (flat data). A class-conditional run is asked
 * for one class (`label`) or for every class in turn, one class per column of the grid; an
 * InfoGAN run for codes set by hand (`code`: one code varied along each row, Chen et al.'s traversals).
 */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleNoise } from '../data/index.ts';
import { ConfigError } from '../errors.ts';
import { cyclingLabels, labelsCondition } from '../nn/index.ts';
import { restoreRun } from '../run/index.ts';
import { Rng, unitToBytes } from '../tensor/index.ts';
import { codeGrid, disposeSession, parseCodeSpec, type CodeGrid, type GanSession } from '../train/index.ts';
import { writeFileAtomic } from './atomic.ts';
import { nodeDatasets, prepareData } from './datasets.ts';
import { fsRunStore } from './fs-store.ts';
import { decodeImage } from './image-folder.ts';
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
  /** An InfoGAN run's codes (see `parseCodeSpec`): `c1` walks code 1 along each row, `cat=3,c2=0.5` fixes codes. */
  code?: string;
  /** A translation run's source image (PNG/JPEG), resized to the run's source size; absent: held-out sources of the run's data. */
  input?: string;
}

/** What was written. */
export interface SampleResult {
  out: string;
  n: number;
  step: number;
  labels?: number[];
  /** With `code`: the grid's shape and what its rows and columns show. */
  grid?: { rows: number; cols: number; rowsShow: string; colsShow: string };
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
    if (session.translation) return await translateRun(session, options);
    if (options.input !== undefined) throw invalid('--input', 'this run generates from noise, it does not translate images (model.translation is null)', options.input);
    const classes = session.classes;
    if (options.label !== undefined) {
      if (classes === null) throw invalid('--label', `this run is not class-conditional (model.condition is 'none'); it takes no label`, options.label);
      if (!Number.isInteger(options.label) || options.label < 0 || options.label >= classes) throw invalid('--label', `got ${options.label}; this run's classes are 0 … ${classes - 1}`, options.label);
    }
    const rng = new Rng(options.seed ?? 0).fork('sample');
    let grid: CodeGrid | undefined;
    if (options.code !== undefined) {
      if (options.label !== undefined) throw invalid('--label', 'give the category inside --code as cat=K', options.label);
      const spec = parseCodeSpec(options.code, session);
      if (spec.vary && options.n !== undefined) throw invalid('--n', `a traversal's size is set by the code it varies ('${spec.vary}'); leave --n out`, options.n);
      grid = codeGrid(session, spec, rng, options.n ?? (images ? 64 : 1000));
    }
    const n = grid ? grid.z.length / session.noise.dim : (options.n ?? (images ? 64 : 1000));
    const labels = grid ? grid.labels : classes === null ? undefined : options.label !== undefined ? new Int32Array(n).fill(options.label) : cyclingLabels(n, classes);
    const z = grid ? tf.tensor2d(grid.z, [n, session.noise.dim]) : sampleNoise(session.noise, n, rng);
    const x = tf.tidy(() => session.G.apply(z, { training: false, ...labelsCondition(labels) }).dataSync() as Float32Array);
    z.dispose();
    if (images) {
      // A traversal's own columns; else every class in turn, one class per column.
      const cols = grid?.vary ? grid.cols : labels && options.label === undefined ? classes! : undefined;
      writeFileAtomic(options.out, await imageGridPng(unitToBytes(x), session.data.shape, n, { scale: 3, ...(cols ? { cols } : {}) }));
    } else {
      const dim = session.data.shape[0];
      const header = [...Array.from({ length: dim }, (_, j) => `x${j + 1}`), ...(labels ? ['label'] : [])].join(',');
      const rows = Array.from({ length: n }, (_, i) => [...Array.from(x.subarray(i * dim, (i + 1) * dim), (v) => String(v)), ...(labels ? [String(labels[i])] : [])].join(','));
      writeFileAtomic(options.out, `${header}\n${rows.join('\n')}\n`);
    }
    const shown = grid ? { grid: { rows: grid.rows, cols: grid.cols, rowsShow: grid.rowsShow, colsShow: grid.colsShow } } : {};
    return { out: options.out, n, step: session.step, ...(labels ? { labels: Array.from(labels) } : {}), ...shown };
  } finally {
    disposeSession(session);
  }
}

/** Source → translation triplets shown by default (with targets), and the grid's columns. */
const DEFAULT_TRANSLATIONS = 8;

/**
 * A translation run's samples: the `input` image translated (a grid of [source, translation]), or
 * `n` sources drawn from the run's data with `seed`, above their translations and their targets
 * (three rows). Class labels and codes do not apply.
 */
async function translateRun(session: GanSession, options: SampleOptions): Promise<SampleResult> {
  if (options.label !== undefined) throw invalid('--label', 'this run translates images; it takes no label (give --input)', options.label);
  if (options.code !== undefined) throw invalid('--code', 'this run translates images; it has no codes (give --input)', options.code);
  const inputShape = session.data.inputShape!;
  const [h, w, c] = inputShape;
  const size = h * w * c;
  const outSize = session.data.shape.reduce((a, b) => a * b, 1);
  if (size !== outSize) throw invalid('--out', `the sources (${inputShape.join('×')}) and outputs (${session.data.shape.join('×')}) differ in size; a grid of both is not drawn`, options.out);
  let sources: Float32Array;
  let targets: Float32Array | undefined;
  if (options.input !== undefined) {
    if (options.n !== undefined) throw invalid('--n', 'one --input image is translated once; leave --n out', options.n);
    if (!existsSync(options.input) || !statSync(options.input).isFile()) throw invalid('--input', `${options.input} is not a file`, options.input);
    if (h !== w || (c !== 1 && c !== 3)) throw invalid('--input', `this run's sources are ${h}×${w}×${c}; --input reads square grey or RGB sources only`, options.input);
    let pixels: Uint8Array;
    try {
      ({ pixels } = await decodeImage(options.input, h, c as 1 | 3));
    } catch (err) {
      throw invalid('--input', `${options.input} is not a readable PNG/JPEG image (${err instanceof Error ? err.message : String(err)})`, options.input);
    }
    sources = Float32Array.from(pixels, (v) => v / 127.5 - 1);
  } else {
    const draw = session.data.sampleArray(options.n ?? DEFAULT_TRANSLATIONS, new Rng(options.seed ?? 0).fork('sample'));
    [sources, targets] = [draw.inputs!, draw.x];
  }
  const n = sources.length / size;
  const out = tf.tidy(() => session.G.apply(tf.tensor(sources, [n, ...inputShape]), { training: false }).dataSync() as Float32Array);
  const rows = [sources, out, ...(targets ? [targets] : [])];
  const bytes = new Uint8Array(rows.length * n * outSize);
  rows.forEach((r, i) => bytes.set(unitToBytes(r), i * n * outSize));
  writeFileAtomic(options.out, await imageGridPng(bytes, session.data.shape, rows.length * n, { cols: n, scale: 3 }));
  return { out: options.out, n, step: session.step, grid: { rows: rows.length, cols: n, rowsShow: targets ? 'sources, translations, targets' : 'the source, its translation', colsShow: 'samples' } };
}
