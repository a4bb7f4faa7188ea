import * as tf from '@tensorflow/tfjs-core';
import { noiseValues, sampleNoise, sampleSize, type FeatureSpace } from '../data/index.ts';
import { infoBounds } from '../losses/index.ts';
import {
  criticGap,
  densityCoverage,
  discriminatorAccuracy,
  featureStats,
  frechetDistance,
  gridDivergences,
  histogramDivergences,
  inceptionScore,
  kernelInceptionDistance,
  matchedAccuracy,
  mmd2,
  pixelL1,
  psnr,
  ssim,
  modeMetrics,
  precisionRecall,
  slicedWasserstein,
  stackedMnistModes,
  toRows,
  wasserstein1d,
  type FeatureMatrix,
  type FeatureStats,
  type Points,
} from '../metrics/index.ts';
import { cyclingLabels, labelsCondition, type ApplyContext } from '../nn/index.ts';
import { packingOf } from '../stabilizers/index.ts';
import { base64, Rng, unitToBytes } from '../tensor/index.ts';
import { diversityHealth, overfittingHealth } from '../metrics/index.ts';
import { generatorSensitivity, spectralHealth } from './health.ts';
import type { EvalRecord, SampleSnapshot } from './records.ts';
import { dTakesLabels, type GanSession } from './session.ts';
import { codeGrid } from './traversal.ts';

/** How the evaluator measures. */
export interface EvalOptions {
  /** Generated (and held-out real) samples scored; 2,500 is the PacGAN protocol for 2-D. */
  samples: number;
  /** Seed of the fixed evaluation noise and held-out real batch (independent of training). */
  seed: number;
  /** Points kept per set in the snapshot for plots. */
  snapshotPoints?: number;
  /** Side of the grid D's decision surface is evaluated on (2-D), or its length (1-D, ×4). */
  surfaceResolution?: number;
  /**
   * Generate with the averaged G weights a stabilizer keeps (`ema`), when the session has them
   * (default true); false measures the G being trained.
   */
  ema?: boolean;
  /**
   * Also measure the health signals the doctor reads (default true): diversity and duplicates,
   * coverage, r_t and D's train/held-out gap, G's sensitivity to z, kernel spectra. They draw from
   * their own stream (forked from the eval seed as `health`), so turning them on or off changes no
   * other field.
   */
  health?: boolean;
}

/** MMD is O(n²·dim): it is computed on at most this many points per set (images: 250, a pixel-space check beside the feature metrics). */
const MMD_POINTS = 1000;
const MMD_IMAGE_POINTS = 250;

/** Diversity and coverage are O(n²·dim): computed on the first this many generated and real samples. */
const DIVERSITY_POINTS = 300;

/** Training reals D is scored on for r_t, against as many of the held-out reals. */
const OVERFIT_POINTS = 500;

/** Latent points G's Jacobian is taken at. */
const SENSITIVITY_POINTS = 16;

/** The weights G generates with for evaluation: a stabilizer's (EMA) where it has one, else the live ones. */
function evaluationWeights(session: GanSession, useEma: boolean): ApplyContext['weight'] {
  const sources = session.stabilizers.flatMap((s) => (s.evaluation?.generatorWeight ? [s.evaluation.generatorWeight] : []));
  if (!useEma || sources.length === 0) return undefined;
  return (param) => {
    for (const s of sources) {
      const w = s(param);
      if (w) return w;
    }
    return param.variable;
  };
}

/** The classes a conditional G is asked for in an evaluation of `n` samples: 0, 1, …, classes − 1, 0, 1, … (balanced); undefined when unconditional. */
function evaluationLabels(session: GanSession, n: number): Int32Array | undefined {
  const classes = session.classes;
  return classes === null ? undefined : cyclingLabels(n, classes);
}

/** Values per source image of a translating session. */
const sourceSize = (session: GanSession) => session.data.inputShape!.reduce((a, b) => a * b, 1);

/** Source images translated at a time in evaluations (a U-Net's first levels hold filters × the image's pixels per image). */
const TRANSLATE_CHUNK = 250;

/** G's translations of `sources` (row after row), in chunks of {@link TRANSLATE_CHUNK}. */
function translate(session: GanSession, sources: Float32Array, weight: ApplyContext['weight']): Float32Array {
  const per = sourceSize(session);
  const n = sources.length / per;
  const out = new Float32Array(n * sampleSize(session.data));
  for (let start = 0; start < n; start += TRANSLATE_CHUNK) {
    const count = Math.min(TRANSLATE_CHUNK, n - start);
    const y = tf.tidy(() => session.G.apply(tf.tensor(sources.subarray(start * per, (start + count) * per), [count, ...session.data.inputShape!]), { training: false, weight }).dataSync() as Float32Array);
    out.set(y, start * sampleSize(session.data));
  }
  return out;
}

/** SSIM is computed on at most this many translations (it is O(pixels · 121) each). */
const SSIM_IMAGES = 500;

/** Translations against their targets: pixel L1, PSNR and SSIM (see `metrics/image-quality.ts`). */
function translationFields(session: GanSession, fake: Float32Array, target: Float32Array, n: number): Partial<EvalRecord> {
  const [h, w, c] = session.data.shape;
  const m = Math.min(n, SSIM_IMAGES);
  const size = h * w * c;
  return { translationL1: pixelL1(fake, target), psnr: psnr(fake, target, n), ssim: ssim(fake.subarray(0, m * size), target.subarray(0, m * size), m, h, w, c) };
}

/** `n` samples of G from noise drawn with `rng`, and that noise (`[n, noise.dim]`, row after row). */
function generate(session: GanSession, n: number, rng: Rng, weight: ApplyContext['weight'], labels?: Int32Array): { x: Float32Array; z: Float32Array } {
  const z = noiseValues(session.noise, n, rng);
  const x = tf.tidy(() => session.G.apply(tf.tensor2d(z, [n, session.noise.dim]), { training: false, weight, ...labelsCondition(labels) }).dataSync() as Float32Array);
  return { x, z };
}

/**
 * D's outputs on `x` (one per pack of `packingOf` samples; a trailing partial pack is dropped).
 * D sees the points in batches of about the training batch size, because minibatch features
 * (minibatch std, minibatch discrimination) mean something only at the size D was trained on.
 */
function dOutputs(session: GanSession, x: Float32Array, dim: number, labels?: Int32Array, sources?: Float32Array): Float32Array {
  const m = packingOf(session.stabilizers);
  const packs = Math.floor(x.length / dim / m);
  const chunks = Math.max(1, Math.ceil(packs / Math.max(1, Math.floor(session.batchSize / m))));
  const out = new Float32Array(packs);
  let done = 0;
  for (let c = 0; c < chunks; c++) {
    const size = Math.floor((packs * (c + 1)) / chunks) - done;
    if (size === 0) continue;
    const values = tf.tidy(() => {
      const batch = tf.tensor(x.subarray(done * m * dim, (done + size) * m * dim), [size * m, ...session.data.shape]);
      const condition = sources ? { condition: { input: tf.tensor(sources.subarray(done * sourceSize(session), (done + size) * sourceSize(session)), [size, ...session.data.inputShape!]) } } : labelsCondition(labels?.subarray(done * m, (done + size) * m));
      // A PatchGAN scores each sample by the mean of its patches' outputs.
      return tf.mean(tf.reshape(session.D.apply(batch, { training: false, ...condition }), [size, -1]), 1).dataSync() as Float32Array;
    });
    out.set(values, done);
    done += size;
  }
  return out;
}

/** The output of D's auxiliary head on `x`, in batches of the training batch size (as {@link dOutputs}); `[rows, width]` row after row. */
function headOutputs(session: GanSession, x: Float32Array, dim: number): { values: Float32Array; width: number } {
  const rows = x.length / dim;
  const size = Math.max(1, session.batchSize);
  const parts: Float32Array[] = [];
  let width = 0;
  for (let start = 0; start < rows; start += size) {
    const count = Math.min(size, rows - start);
    const values = tf.tidy(() => {
      let head: tf.Tensor | undefined;
      session.D.apply(tf.tensor(x.subarray(start * dim, (start + count) * dim), [count, ...session.data.shape]), { training: false, auxiliary: (h) => (head = h) });
      if (!head) throw new Error(`${session.D.name} has no auxiliary head`);
      width = head.shape[1]!;
      return head.dataSync() as Float32Array;
    });
    parts.push(values);
  }
  const values = new Float32Array(rows * width);
  let at = 0;
  for (const p of parts) values.set(p, (at += p.length) - p.length);
  return { values, width };
}

/** The top entry of each row's first `k` columns of a `[rows, width]` matrix. */
function argmaxColumns(values: Float32Array, width: number, k: number): Int32Array {
  const rows = values.length / width;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[i * width + c] > values[i * width + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * What D's auxiliary head is measured by: ACGAN's classifier accuracy on the held-out reals;
 * InfoGAN's categorical code as a classifier of the held-out reals after the best matching of
 * codes to labels (labelled data only), and the mutual-information bounds on the generated samples,
 * whose codes are known.
 */
function auxiliaryFields(
  session: GanSession,
  { real, fake, fakeLabels, fakeNoise }: { real: { x: Float32Array; labels?: Int32Array }; fake: Float32Array; fakeLabels?: Int32Array; fakeNoise: Float32Array },
): Partial<EvalRecord> {
  const aux = session.auxiliary!;
  const dim = sampleSize(session.data);
  const fields: Partial<EvalRecord> = {};
  if (aux.kind === 'acgan') {
    if (real.labels) {
      const { values, width } = headOutputs(session, real.x, dim);
      fields.auxAccuracy = shareMatching(argmaxColumns(values, width, aux.classes), real.labels);
    }
    return fields;
  }
  if (aux.categorical > 0 && real.labels && session.data.classes) {
    const { values, width } = headOutputs(session, real.x, dim);
    fields.codeAccuracy = matchedAccuracy(argmaxColumns(values, width, aux.categorical), real.labels, aux.categorical, session.data.classes).accuracy;
  }
  const n = fake.length / dim;
  const codes = new Float32Array(n * aux.continuous);
  for (let i = 0; i < n; i++) codes.set(fakeNoise.subarray((i + 1) * session.noise.dim - aux.continuous, (i + 1) * session.noise.dim), i * aux.continuous);
  const bounds = infoBounds(aux, headOutputs(session, fake, dim).values, fakeLabels ?? new Int32Array(n), codes);
  if (bounds.categorical !== undefined) fields.miCategorical = bounds.categorical;
  if (bounds.continuous !== undefined) fields.miContinuous = bounds.continuous;
  return fields;
}

/**
 * D's output at each point; with packing, on a pack of copies of the point; for a conditional D,
 * the largest over the classes of its reported value ("real for some class": a mean would be
 * fake-like everywhere, since each point is real for at most one class).
 */
function dOutputsPerPoint(session: GanSession, x: Float32Array, dim: number, report: (v: number) => number = (v) => v): Float32Array {
  const m = packingOf(session.stabilizers);
  const classes = session.classes;
  if (classes !== null && dTakesLabels(session)) {
    const rows = x.length / dim;
    const out = new Float32Array(rows).fill(-Infinity);
    for (let c = 0; c < classes; c++) {
      const values = dOutputs(session, x, dim, new Int32Array(rows).fill(c));
      for (let i = 0; i < rows; i++) out[i] = Math.max(out[i], report(values[i]));
    }
    return out;
  }
  if (m === 1) return Float32Array.from(dOutputs(session, x, dim), report);
  const copies = new Float32Array(x.length * m);
  for (let i = 0; i < x.length / dim; i++) for (let k = 0; k < m; k++) copies.set(x.subarray(i * dim, (i + 1) * dim), (i * m + k) * dim);
  return Float32Array.from(dOutputs(session, copies, dim), report);
}

const subset = (p: Points, n: number): Points => ({ data: p.data.subarray(0, Math.min(p.data.length, n * p.dim)), dim: p.dim });
function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** A range covering most of both sets, widened a little, so outliers do not flatten the surface. */
function surfaceRange(a: Float32Array, b: Float32Array, dim: number, axis: number): [number, number] {
  const values: number[] = [];
  for (const set of [a, b]) for (let i = axis; i < set.length; i += dim) values.push(set[i]);
  values.sort((x, y) => x - y);
  const lo = values[Math.floor(values.length * 0.005)];
  const hi = values[Math.ceil(values.length * 0.995) - 1];
  const pad = 0.15 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function surface(session: GanSession, real: Float32Array, fake: Float32Array, dim: number, resolution: number): SampleSnapshot['surface'] {
  const output = session.objective.loss.output;
  const report = (v: number) => (output === 'logit' ? sigmoid(v) : v);
  if (dim === 1) {
    const [lo, hi] = surfaceRange(real, fake, 1, 0);
    const x = linspace(lo, hi, resolution * 4);
    return { x, d: Array.from(dOutputsPerPoint(session, Float32Array.from(x), 1, report)), output };
  }
  if (dim !== 2) return undefined;
  const [x0, x1] = surfaceRange(real, fake, 2, 0);
  const [y0, y1] = surfaceRange(real, fake, 2, 1);
  const x = linspace(x0, x1, resolution);
  const y = linspace(y0, y1, resolution);
  const grid = new Float32Array(resolution * resolution * 2);
  y.forEach((yi, i) => x.forEach((xj, j) => grid.set([xj, yi], (i * resolution + j) * 2)));
  const values = dOutputsPerPoint(session, grid, 2, report);
  const d = y.map((_, i) => Array.from(values.subarray(i * resolution, (i + 1) * resolution)));
  return { x, y, d, output };
}

/** What {@link healthFields} measures on: the evaluation's own batches and D's outputs on the held-out reals. */
interface HealthInputs {
  real: Points;
  fake: Points;
  /** D's raw outputs on `real` (one per pack). */
  dReal: Float32Array;
  rng: Rng;
  weight: ApplyContext['weight'];
}

/**
 * The health signals of one evaluation (see {@link EvalRecord}'s health fields). Training reals for
 * r_t come from the training data (the curriculum's where there is one) through `rng`, never from
 * the training streams; the held-out reals are the evaluation's real batch.
 */
function healthFields(session: GanSession, { real, fake, dReal, rng, weight }: HealthInputs): Partial<EvalRecord> {
  const fields: Partial<EvalRecord> = {};
  const div = diversityHealth(real, fake, DIVERSITY_POINTS);
  Object.assign(fields, {
    diversityPairwise: div.pairwiseRatio,
    diversityNN: div.nnRatio,
    duplicates: div.duplicates,
    duplicatesReal: div.duplicatesReal,
    coverage: div.coverage,
    precision: div.precision,
  });
  const m = Math.min(OVERFIT_POINTS * packingOf(session.stabilizers), pointCount(real));
  const train = session.trainingData.sampleArray(m, rng.fork('train-real'));
  const dTrain = dOutputs(session, train.x, real.dim, dTakesLabels(session) ? train.labels : undefined, train.inputs);
  const over = overfittingHealth(dTrain, dReal.subarray(0, dTrain.length));
  if (session.objective.loss.output === 'logit') fields.rt = over.rt;
  fields.dTrainGap = over.gap;
  // A translating G takes no z: its sensitivity to z is not defined.
  if (session.translation === null) {
    const sens = generatorSensitivity(session.G, session.noise, rng.fork('jacobian'), { samples: SENSITIVITY_POINTS, weight, classes: session.classes });
    fields.sensitivity = sens.sensitivity;
    if (sens.jacobianCondition !== undefined) fields.jacobianCondition = sens.jacobianCondition;
  }
  const spectra = { ...spectralHealth(session.D, rng.fork('spectral-d')), ...spectralHealth(session.G, rng.fork('spectral-g')) };
  const top = (prefix: string) => Math.max(...Object.entries(spectra).filter(([name]) => name.startsWith(`${prefix}/`)).map(([, v]) => v));
  for (const [field, module] of [['sigmaD', session.D], ['sigmaG', session.G]] as const) {
    const sigma = top(module.name);
    if (Number.isFinite(sigma)) fields[field] = sigma;
  }
  fields.spectra = spectra;
  return fields;
}

const pointCount = (p: Points) => Math.floor(p.data.length / p.dim);

/** Generated images kept in an image snapshot (an 8 × 8 grid). */
const SNAPSHOT_IMAGES = 64;

/**
 * KID's subsets and their size (at most the samples) during training: 10 × 500 keeps an
 * evaluation's KID near a second and a half on 2 cores (KID is unbiased in the subset size; only
 * its standard error grows). `saddlepoint metrics` uses the standard 100 × 1,000.
 */
const KID_SUBSETS = 10;
const KID_SUBSET_SIZE = 500;

/** A reference set's statistics and its rows in a fixed random order (with their classes where labelled), per feature space. */
interface Reference {
  stats: FeatureStats;
  rows: number;
  shuffled: FeatureMatrix;
  labels?: Int32Array;
  /** Each class's rows (in the shuffled order) and statistics, made on first use. */
  classes?: { rows: FeatureMatrix; stats: FeatureStats }[];
}

const references = new WeakMap<FeatureSpace, Reference>();

function referenceOf(space: FeatureSpace): Reference {
  let hit = references.get(space);
  if (!hit) {
    const ref = space.referenceFeatures();
    // The reference rows in a fixed random order: file order groups writers, so a prefix is no sample.
    const order = new Rng(0).fork('reference-order').permutation(ref.rows);
    const data = new Float32Array(ref.data.length);
    order.forEach((row, i) => data.set(ref.data.subarray(row * ref.cols, (row + 1) * ref.cols), i * ref.cols));
    hit = { stats: featureStats(ref), rows: ref.rows, shuffled: { rows: ref.rows, cols: ref.cols, data } };
    if (ref.labels) hit.labels = Int32Array.from(order, (row) => ref.labels![row]);
    references.set(space, hit);
  }
  return hit;
}

/** The reference rows of every class 0 … classes − 1 and their statistics; undefined when the reference set has no labels. */
function referenceClasses(ref: Reference, classes: number): Reference['classes'] {
  if (!ref.labels) return undefined;
  if (!ref.classes || ref.classes.length !== classes) {
    ref.classes = Array.from({ length: classes }, (_, k) => {
      const rows = rowsWhere(ref.shuffled, (i) => ref.labels![i] === k);
      return { rows, stats: featureStats(rows) };
    });
  }
  return ref.classes;
}

/** The rows `i` of `m` for which `keep(i)`, in order. */
function rowsWhere(m: FeatureMatrix, keep: (i: number) => boolean): FeatureMatrix {
  const picked: number[] = [];
  for (let i = 0; i < m.rows; i++) if (keep(i)) picked.push(i);
  const data = new Float32Array(picked.length * m.cols);
  picked.forEach((row, j) => data.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), j * m.cols));
  return { rows: picked.length, cols: m.cols, data };
}

/**
 * Per-class FID, precision and recall of a class-conditional G (see `classFid`): class k's
 * samples against class k's reference rows; undefined when the reference has no labels or a class
 * has too few samples for the k-NN metrics.
 */
function perClassFields(ref: Reference, fake: FeatureMatrix, labels: Int32Array, classes: number): Partial<EvalRecord> | undefined {
  const byClass = referenceClasses(ref, classes);
  if (!byClass) return undefined;
  const fid: number[] = [];
  const precision: number[] = [];
  const recall: number[] = [];
  for (let k = 0; k < classes; k++) {
    const mine = rowsWhere(fake, (i) => labels[i] === k);
    const theirs = byClass[k];
    if (mine.rows < 5 || theirs.rows.rows < 5) return undefined;
    const b = featureStats(mine);
    fid.push(frechetDistance(theirs.stats.mean, theirs.stats.cov, b.mean, b.cov).value);
    const m = Math.min(mine.rows, theirs.rows.rows);
    const pr = precisionRecall({ rows: m, cols: fake.cols, data: theirs.rows.data.subarray(0, m * fake.cols) }, mine, { k: 3 });
    precision.push(pr.precision);
    recall.push(pr.recall);
  }
  return { classFid: fid, classPrecision: precision, classRecall: recall };
}

/**
 * The feature-space metrics of `n` generated samples: FID against the whole reference set, KID
 * and the manifold metrics against `n` reference rows (a fixed random subset, so both sets are the
 * same size), the classifier score, and Stacked MNIST's mode count and KL when the space gives digits.
 */
/** The fraction of points whose nearest mode is the one asked for (`labels[i]` for point i). */
function modeAccuracy(points: Points, modes: readonly { center: readonly number[] }[], labels: Int32Array): number {
  let hits = 0;
  const rows = points.data.length / points.dim;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestDistance = Infinity;
    modes.forEach((m, k) => {
      let d = 0;
      for (let j = 0; j < points.dim; j++) d += (points.data[i * points.dim + j] - m.center[j]) ** 2;
      if (d < bestDistance) [bestDistance, best] = [d, k];
    });
    if (best === labels[i]) hits += 1;
  }
  return hits / rows;
}

/** The fraction of rows whose top class in `probs` is the one asked for. */
function classifierAccuracy(probs: Float32Array, classes: number, labels: Int32Array): number {
  return shareMatching(argmaxColumns(probs, classes, classes), labels);
}

/** The share of rows whose predicted class is their label. */
function shareMatching(predicted: Int32Array, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits += 1;
  return hits / labels.length;
}

function featureFields(space: FeatureSpace, fake: Float32Array, n: number, rng: Rng, labels?: Int32Array, classes?: number): Partial<EvalRecord> {
  const ref = referenceOf(space);
  const emb = space.embed(fake, n);
  const fakeFeatures: FeatureMatrix = { rows: n, cols: emb.width, data: emb.features };
  const b = featureStats(fakeFeatures);
  const fields: Partial<EvalRecord> = { fid: frechetDistance(ref.stats.mean, ref.stats.cov, b.mean, b.cov).value, referenceSamples: ref.rows };
  const m = Math.min(n, ref.rows);
  const real: FeatureMatrix = { rows: m, cols: ref.shuffled.cols, data: ref.shuffled.data.subarray(0, m * ref.shuffled.cols) };
  const kid = kernelInceptionDistance(real, fakeFeatures, { subsets: KID_SUBSETS, subsetSize: Math.min(KID_SUBSET_SIZE, m, n), rng });
  Object.assign(fields, { kid: kid.value, kidSe: kid.standardError });
  if (m > 5 && n > 5) {
    const pr = precisionRecall(real, fakeFeatures, { k: 3 });
    const dc = densityCoverage(real, fakeFeatures, { k: 5 });
    Object.assign(fields, { featurePrecision: pr.precision, featureRecall: pr.recall, featureDensity: dc.density, featureCoverage: dc.coverage });
  }
  if (emb.probs && emb.classes) fields.classifierScore = inceptionScore({ rows: n, cols: emb.classes, data: emb.probs }, Math.min(10, n)).value;
  if (emb.probs && emb.classes && labels && labels.every((l) => l < emb.classes!)) fields.classAccuracy = classifierAccuracy(emb.probs, emb.classes, labels);
  if (labels && classes) Object.assign(fields, perClassFields(ref, fakeFeatures, labels, classes));
  if (emb.digits) {
    const modes = stackedMnistModes(emb.digits);
    Object.assign(fields, { stackedModes: modes.modes, stackedKl: modes.kl });
  }
  return fields;
}

/** Interpolation paths (rows) and steps along each (columns) in an image snapshot. */
const INTERPOLATION_PATHS = 6;
const INTERPOLATION_STEPS = 8;

/**
 * Generated images shown beside their nearest training image, and the training images searched:
 * 10,000, or fewer for large images so the pool stays near 64 MB of floats (1,302 at 64×64×3).
 */
const NEIGHBOUR_SAMPLES = 8;
const NEIGHBOUR_POOL = 10_000;
const NEIGHBOUR_POOL_VALUES = 16_000_000;

/**
 * Spherical interpolation between two latent vectors (White 2016): for Gaussian z it stays at the
 * norm the prior puts its mass at, where a straight line would pass through the improbable centre.
 */
function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  const out = new Float32Array(a.length);
  if (omega < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
    return out;
  }
  const [wa, wb] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

/** G's images along {@link INTERPOLATION_PATHS} slerp paths between fixed latent pairs, path after path. */
function interpolations(session: GanSession, rng: Rng, weight: ApplyContext['weight']): Float32Array {
  const dim = session.noise.dim;
  const ends = sampleNoise(session.noise, 2 * INTERPOLATION_PATHS, rng);
  const z = ends.dataSync() as Float32Array;
  ends.dispose();
  const rows = new Float32Array(INTERPOLATION_PATHS * INTERPOLATION_STEPS * dim);
  for (let p = 0; p < INTERPOLATION_PATHS; p++) {
    const a = z.subarray(2 * p * dim, (2 * p + 1) * dim);
    const b = z.subarray((2 * p + 1) * dim, (2 * p + 2) * dim);
    for (let s = 0; s < INTERPOLATION_STEPS; s++) rows.set(slerp(a, b, s / (INTERPOLATION_STEPS - 1)), (p * INTERPOLATION_STEPS + s) * dim);
  }
  // A conditional G keeps one class along each path: path p shows class p mod classes.
  const labels = session.classes === null ? undefined : Int32Array.from({ length: rows.length / dim }, (_, r) => Math.floor(r / INTERPOLATION_STEPS) % session.classes!);
  return tf.tidy(() => session.G.apply(tf.tensor2d(rows, [rows.length / dim, dim]), { training: false, weight, ...labelsCondition(labels) }).dataSync() as Float32Array);
}

/**
 * The memorization check: the first {@link NEIGHBOUR_SAMPLES} generated images, each followed by
 * its nearest (pixel L2) among up to {@link NEIGHBOUR_POOL} training images drawn from `rng`. A G that
 * copies its training set shows pairs that are the same image.
 */
function nearestTraining(session: GanSession, fake: Float32Array, size: number, rng: Rng): { images: Float32Array; pool: number } {
  const poolSize = Math.min(NEIGHBOUR_POOL, Math.max(1000, Math.floor(NEIGHBOUR_POOL_VALUES / size)));
  const pool = session.trainingData.sampleArray(poolSize, rng).x;
  const out = new Float32Array(2 * NEIGHBOUR_SAMPLES * size);
  for (let i = 0; i < NEIGHBOUR_SAMPLES; i++) {
    const q = fake.subarray(i * size, (i + 1) * size);
    let best = 0;
    let bestDistance = Infinity;
    for (let r = 0; r < poolSize; r++) {
      let d = 0;
      const base = r * size;
      for (let p = 0; p < size && d < bestDistance; p++) {
        const e = q[p] - pool[base + p];
        d += e * e;
      }
      if (d < bestDistance) [bestDistance, best] = [d, r];
    }
    out.set(q, i * size);
    out.set(pool.subarray(best * size, (best + 1) * size), (NEIGHBOUR_SAMPLES + i) * size);
  }
  return { images: out, pool: poolSize };
}

function neighbourPairs(session: GanSession, fake: Float32Array, size: number, rng: Rng, encode: (x: Float32Array) => string): { count: number; pool: number; images: string } {
  const { images, pool } = nearestTraining(session, fake, size, rng);
  return { count: NEIGHBOUR_SAMPLES, pool, images: encode(images) };
}

/** The first `count` images of each set, the interpolations and the nearest-neighbour pairs as the snapshot's base64 bytes. */
function imageSnapshot(session: GanSession, real: Float32Array, fake: Float32Array, n: number, rng: Rng, weight: ApplyContext['weight'], sources?: Float32Array): SampleSnapshot['images'] {
  const shape = session.data.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const count = Math.min(SNAPSHOT_IMAGES, n);
  const encode = (x: Float32Array) => base64(unitToBytes(x));
  return {
    shape: [...shape],
    count,
    fake: encode(fake.subarray(0, count * size)),
    real: encode(real.subarray(0, count * size)),
    ...(session.classes !== null ? { classes: session.classes } : {}),
    // Translation: the held-out sources, their translations and targets; there is no z to interpolate.
    ...(sources && sources.length === real.length
      ? { translations: { count: Math.min(TRANSLATION_TRIPLETS, n), images: encode(triplets(sources, fake, real, Math.min(TRANSLATION_TRIPLETS, n), size)) } }
      : { interpolations: { paths: INTERPOLATION_PATHS, steps: INTERPOLATION_STEPS, images: encode(interpolations(session, rng.fork('interpolations'), weight)) } }),
    ...(n >= NEIGHBOUR_SAMPLES ? { neighbours: neighbourPairs(session, fake, size, rng.fork('neighbours'), encode) } : {}),
    ...traversalsOf(session, rng.fork('traversals'), weight, encode),
  };
}

/** Source → translation → target triplets shown per snapshot. */
const TRANSLATION_TRIPLETS = 8;

/** The first `count` sources, then their translations, then their targets (three rows of a grid `count` wide). Sources and targets have the same size here (the U-Net keeps it). */
function triplets(sources: Float32Array, fake: Float32Array, real: Float32Array, count: number, size: number): Float32Array {
  const out = new Float32Array(3 * count * size);
  [sources, fake, real].forEach((set, row) => out.set(set.subarray(0, count * size), row * count * size));
  return out;
}

/** InfoGAN's latent traversals: each continuous code walked from −2 to 2 along the rows (the categories, or fresh noise), from fixed noise. */
function traversalsOf(session: GanSession, rng: Rng, weight: ApplyContext['weight'], encode: (x: Float32Array) => string): Pick<NonNullable<SampleSnapshot['images']>, 'traversals'> {
  const aux = session.auxiliary;
  if (aux?.kind !== 'infogan' || aux.continuous === 0) return {};
  const traversals = Array.from({ length: aux.continuous }, (_, j) => {
    const code = `c${j + 1}`;
    const grid = codeGrid(session, { vary: code, fixed: {} }, rng.fork(code));
    const x = tf.tidy(() => session.G.apply(tf.tensor2d(grid.z, [grid.rows * grid.cols, session.noise.dim]), { training: false, weight, ...labelsCondition(grid.labels) }).dataSync() as Float32Array);
    return { code, rows: grid.rows, cols: grid.cols, rowsShow: grid.rowsShow, colsShow: grid.colsShow, images: encode(x) };
  });
  return { traversals };
}

/**
 * Measures the generator as it is now: mode coverage (datasets with known modes), divergences
 * and W1 against held-out real samples, MMD, and D's health on both. Uses its own fixed-seed noise
 * and real batch, so evaluating never disturbs the training streams (resume stays exact) and
 * successive evaluations differ only by what G learned. With an `ema` stabilizer, samples come
 * from G's averaged weights unless `options.ema` is false.
 */
export function evaluate(session: GanSession, options: EvalOptions): { record: EvalRecord; snapshot: SampleSnapshot } {
  const t0 = performance.now();
  const { samples: n, seed, snapshotPoints = 1000, surfaceResolution = 60, ema = true, health = true } = options;
  const dim = sampleSize(session.data);
  const root = new Rng(seed).fork('eval');
  const weight = evaluationWeights(session, ema);
  const fakeLabels = evaluationLabels(session, n);
  const realBatch = session.data.sampleArray(n, root.fork('real'));
  const realData = realBatch.x;
  // A translating G is scored on the held-out batch's sources, against their targets.
  const sources = session.translation ? realBatch.inputs : undefined;
  const { x: fakeData, z: fakeNoise } = sources ? { x: translate(session, sources, weight), z: new Float32Array(0) } : generate(session, n, root.fork('noise'), weight, fakeLabels);
  // D judges with the class under concat and projection; ACGAN and InfoGAN predict it instead.
  const dLabelled = dTakesLabels(session);
  const realLabels = dLabelled ? realBatch.labels : undefined;
  const fake: Points = { data: fakeData, dim };
  const real: Points = { data: realData, dim };
  const record: EvalRecord = { kind: 'eval', step: session.step, samples: n, ms: 0 };

  if (session.data.modes) {
    const m = modeMetrics(fake, session.data.modes);
    Object.assign(record, { modes: m.modes, modesTotal: m.modesTotal, highQuality: m.highQuality, reverseKL: m.reverseKL });
  }
  if (dim === 1) {
    const h = histogramDivergences(realData, fakeData);
    Object.assign(record, { kl: h.kl, reverseKl: h.reverseKL, js: h.js, w1: wasserstein1d(realData, fakeData) });
  } else {
    if (dim === 2) {
      const g = gridDivergences(real, fake);
      Object.assign(record, { kl: g.kl, reverseKl: g.reverseKL, js: g.js });
    }
    record.w1 = slicedWasserstein(real, fake, { rng: root.fork('directions'), projections: 100 });
  }
  const mmdPoints = session.data.shape.length > 1 ? MMD_IMAGE_POINTS : MMD_POINTS;
  record.mmd = mmd2(subset(real, mmdPoints), subset(fake, mmdPoints));

  const output = session.objective.loss.output;
  const dReal = dOutputs(session, realData, dim, realLabels, sources);
  const dFake = dOutputs(session, fakeData, dim, dLabelled ? fakeLabels : undefined, sources);
  if (output === 'logit') {
    record.dAccuracy = discriminatorAccuracy(dReal, dFake, 0).overall;
    record.dReal = mean(Array.from(dReal, sigmoid));
    record.dFake = mean(Array.from(dFake, sigmoid));
  } else {
    record.dReal = mean(dReal);
    record.dFake = mean(dFake);
    // For BEGAN's energies lower means "more real"; the gap keeps the sign of the raw outputs.
    record.criticGap = criticGap(dReal, dFake);
  }
  if (health) Object.assign(record, healthFields(session, { real, fake, dReal, rng: root.fork('health'), weight }));
  // InfoGAN's codes are not the data's classes: they are scored after matching (auxiliaryFields).
  const askedClasses = session.auxiliary?.kind === 'infogan' ? undefined : fakeLabels;
  if (session.data.features) Object.assign(record, featureFields(session.data.features, fakeData, n, root.fork('features'), askedClasses, session.classes ?? undefined));
  else if (askedClasses && session.data.modes) record.classAccuracy = modeAccuracy(fake, session.data.modes, askedClasses);
  if (sources) Object.assign(record, translationFields(session, fakeData, realData, n));
  if (session.auxiliary) Object.assign(record, auxiliaryFields(session, { real: realBatch, fake: fakeData, fakeLabels, fakeNoise }));

  const images = session.data.shape.length > 1;
  const keep = images ? 0 : Math.min(snapshotPoints, n);
  const snapshot: SampleSnapshot = {
    step: session.step,
    dim,
    real: toRows(subset(real, keep)),
    fake: toRows(subset(fake, keep)),
    surface: surface(session, realData, fakeData, dim, surfaceResolution),
  };
  if (images) snapshot.images = imageSnapshot(session, realData, fakeData, n, root.fork('pictures'), weight, sources);
  record.ms = performance.now() - t0;
  return { record, snapshot };
}
