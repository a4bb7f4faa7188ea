import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { defineDataset, extendDatasets, imageDataset, toyDatasets, type FeatureSpace } from '../../src/data/index.ts';
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';
import { fsRunStore, writeReport } from '../../src/node/index.ts';
import { runPlan, runSession, sessionFromConfig } from '../../src/run/index.ts';
import { fromBase64, Rng } from '../../src/tensor/index.ts';
import { disposeSession, evaluate, ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

/** 16×16 grey images: a bright square at one of four corners (class = corner), on black. */
function cornerImages(count: number, seed: number) {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(count * 256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const corner = rng.int(4);
    labels[i] = corner;
    const top = corner < 2 ? 1 : 9;
    const left = corner % 2 === 0 ? 1 : 9;
    for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) pixels[i * 256 + y * 16 + x] = 200 + rng.int(56);
  }
  return { count, height: 16, width: 16, channels: 1, pixels, labels, classes: 4 };
}

/** A feature space whose features are the mean brightness of each 8×8 quadrant, and whose "classifier" is the brightest one. */
function quadrantSpace(reference: Float32Array, rows: number, labels?: Int32Array): FeatureSpace & { embedded: number } {
  const space = {
    id: 'quadrants',
    reference: `corner images (${rows})`,
    embedded: 0,
    embed(x: Float32Array, n: number) {
      space.embedded += n;
      const features = new Float32Array(n * 4);
      const probs = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < 256; p++) features[i * 4 + (Math.floor(p / 128) * 2 + (Math.floor((p % 16) / 8)))] += x[i * 256 + p] / 64;
        const f = features.subarray(i * 4, i * 4 + 4);
        const z = f.reduce((s, v) => s + Math.exp(4 * v), 0);
        for (let k = 0; k < 4; k++) probs[i * 4 + k] = Math.exp(4 * f[k]) / z;
      }
      return { features, width: 4, probs, classes: 4 };
    },
    referenceFeatures: () => ({ data: space.embed(reference, rows).features, rows, cols: 4, ...(labels ? { labels } : {}) }),
  };
  return space;
}

const train = imageDataset(cornerImages(512, 1), 'corners');
const held = imageDataset(cornerImages(600, 2), 'corners-test');
const heldBatch = held.sampleArray(600, new Rng(3));
const space = quadrantSpace(heldBatch.x, 600, heldBatch.labels);
const corners = defineDataset({
  kind: 'corners',
  summary: 'test images',
  domain: 'images',
  schema: z.strictObject({ kind: z.literal('corners') }),
  build: () => ({ ...train, features: space }),
});
const datasets = extendDatasets(toyDatasets, [corners]);

function imageConfig(arch: 'dcgan' | 'mlp', extra: Record<string, unknown> = {}) {
  return resolveConfig({
    datasets,
    flags: {
      data: { kind: 'corners' },
      seed: 4,
      steps: 4,
      batchSize: 16,
      model: { noiseDim: 8, g: { arch, filters: 4, hidden: [32], norm: 'batch' }, d: { arch, filters: 4, hidden: [32] } },
      eval: { every: 2, samples: 64 },
      ...extra,
    },
  });
}

describe('training and measuring image data', () => {
  beforeAll(() => selectTestBackend('cpu'));

  it.each(['dcgan', 'mlp'] as const)('a %s session trains on images and its evaluation measures them in the data’s feature space', (arch) => {
    const session = sessionFromConfig(imageConfig(arch), datasets);
    try {
      for (let i = 0; i < 3; i++) ganStep(session);
      const { record, snapshot } = evaluate(session, { samples: 64, seed: 4 });
      // FID against the 600 reference rows; KID and the manifold metrics against 64 of them.
      expect(record.referenceSamples).toBe(600);
      expect(record.fid).toBeGreaterThan(0);
      for (const field of ['kid', 'kidSe', 'featurePrecision', 'featureRecall', 'featureDensity', 'featureCoverage', 'classifierScore'] as const) expect(Number.isFinite(record[field]), field).toBe(true);
      expect(record.featurePrecision).toBeGreaterThanOrEqual(0);
      expect(record.featurePrecision).toBeLessThanOrEqual(1);
      // The classifier score of 4 classes lies in [1, 4].
      expect(record.classifierScore).toBeGreaterThanOrEqual(1);
      expect(record.classifierScore).toBeLessThanOrEqual(4);
      // Images are kept as a grid's bytes, not as 256-D point rows.
      expect(snapshot.real).toEqual([]);
      expect(snapshot.images?.shape).toEqual([16, 16, 1]);
      expect(snapshot.images?.count).toBe(64);
      expect(fromBase64(snapshot.images!.fake)).toHaveLength(64 * 256);
      // 6 paths of 8 interpolated images; 8 samples then their nearest training images.
      expect(fromBase64(snapshot.images!.interpolations!.images)).toHaveLength(48 * 256);
      const pairs = fromBase64(snapshot.images!.neighbours!.images);
      expect(pairs).toHaveLength(16 * 256);
      // The first row is the first 8 generated images themselves.
      expect(pairs.subarray(0, 8 * 256)).toEqual(fromBase64(snapshot.images!.fake).subarray(0, 8 * 256));
    } finally {
      disposeSession(session);
    }
  });

  it('FID of the real data is far below FID of an untrained G, and the reference features are computed once', () => {
    const before = space.embedded;
    const session = sessionFromConfig(imageConfig('dcgan'), datasets);
    try {
      const fake = evaluate(session, { samples: 256, seed: 4 }).record.fid!;
      // The same evaluation with real images in place of G's: swap G for the training data.
      const realOnly = { ...session, G: { ...session.G, apply: () => train.sample(256, new Rng(9)).x } };
      const copied = evaluate(realOnly as typeof session, { samples: 256, seed: 4 });
      const real = copied.record.fid!;
      expect(real).toBeLessThan(0.05 * fake);
      // A G that emits training images is caught by the memorization check: each sample's nearest
      // training image (among 10,000 draws of the 512) is the sample itself.
      const pairs = fromBase64(copied.snapshot.images!.neighbours!.images);
      expect(pairs.subarray(8 * 256)).toEqual(pairs.subarray(0, 8 * 256));
      // 600 reference rows once, then 256 generated per evaluation.
      expect(space.embedded - before).toBeLessThanOrEqual(600 + 2 * 256);
    } finally {
      disposeSession(session);
    }
  });

  it('refuses the dcgan architecture on flat data with a ConfigError naming the field', () => {
    const config = resolveConfig({ flags: { data: { kind: 'ring8' }, model: { d: { arch: 'dcgan' } } } });
    expect(() => sessionFromConfig(config)).toThrow(ConfigError);
    expect(() => sessionFromConfig(config)).toThrow(/model\.d\.arch 'dcgan' needs image data/);
  });
});

describe('conditional and InfoGAN image runs', () => {
  beforeAll(() => selectTestBackend('cpu'));

  it('ACGAN: per-class FID, precision and recall for each of the 4 classes, and the head scored on the held-out reals', () => {
    const session = sessionFromConfig(imageConfig('dcgan', { model: { noiseDim: 8, condition: 'acgan', g: { arch: 'dcgan', filters: 4, norm: 'batch' }, d: { arch: 'dcgan', filters: 4 } } }), datasets);
    try {
      for (let i = 0; i < 3; i++) ganStep(session);
      const { record, snapshot } = evaluate(session, { samples: 64, seed: 4 });
      for (const field of ['classFid', 'classPrecision', 'classRecall'] as const) {
        expect(record[field], field).toHaveLength(4);
        expect(record[field]!.every(Number.isFinite), field).toBe(true);
      }
      expect(record.classPrecision!.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(record.auxAccuracy).toBeGreaterThanOrEqual(0);
      expect(record.auxAccuracy).toBeLessThanOrEqual(1);
      expect(record.classAccuracy).toBeDefined();
      expect(snapshot.images?.classes).toBe(4);
      expect(snapshot.images?.traversals).toBeUndefined();
    } finally {
      disposeSession(session);
    }
  });

  it("InfoGAN: the code's matched accuracy on the held-out reals, the MI bounds, and one traversal per continuous code (rows: the 4 categories, 10 columns)", () => {
    const session = sessionFromConfig(imageConfig('dcgan', { model: { noiseDim: 8, codes: { categorical: 4, continuous: 2, hidden: 8 }, g: { arch: 'dcgan', filters: 4, norm: 'batch' }, d: { arch: 'dcgan', filters: 4 } } }), datasets);
    try {
      for (let i = 0; i < 3; i++) ganStep(session);
      const { record, snapshot } = evaluate(session, { samples: 64, seed: 4 });
      // Matching makes even a random code score at least chance: 1/4.
      expect(record.codeAccuracy).toBeGreaterThanOrEqual(0.25);
      expect(record.miCategorical).toBeLessThanOrEqual(Math.log(4));
      expect(Number.isFinite(record.miContinuous)).toBe(true);
      // The codes are not the data's classes: no class accuracy or per-class FID.
      expect(record.classAccuracy).toBeUndefined();
      expect(record.classFid).toBeUndefined();
      const traversals = snapshot.images!.traversals!;
      expect(traversals.map((t) => [t.code, t.rows, t.cols])).toEqual([
        ['c1', 4, 10],
        ['c2', 4, 10],
      ]);
      expect(fromBase64(traversals[0].images)).toHaveLength(40 * 256);
    } finally {
      disposeSession(session);
    }
  });
});

/** Trains `config` into a run directory at `dir` (config, records, snapshots) and returns it. */
async function trainToDisk(config: ReturnType<typeof imageConfig>, dir: string): Promise<string> {
  const session = sessionFromConfig(config, datasets);
  const store = fsRunStore(dir);
  await store.writeConfig(config, {});
  try {
    await runSession(session, runPlan(config), store);
  } finally {
    disposeSession(session);
    await store.close();
  }
  return dir;
}

describe('an image run on disk', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'saddlepoint-images-'));
    return selectTestBackend('cpu');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a sample grid per evaluation and the report shows the grids and the feature metrics', async () => {
    const config = imageConfig('dcgan', { steps: 6 });
    const dir = await trainToDisk(config, join(root, 'run'));
    // Evaluations at steps 2, 4 and 6: one 8×8 grid of 16-pixel images each (2 px gaps, ×2 scale).
    expect(readdirSync(join(dir, 'samples')).sort()).toEqual(['2.json', '2.png', '4.json', '4.png', '6.json', '6.png']);
    for (const step of [2, 4, 6]) {
      const meta = await sharp(readFileSync(join(dir, 'samples', `${step}.png`))).metadata();
      expect([meta.width, meta.height]).toEqual([2 * (8 * 16 + 9 * 2), 2 * (8 * 16 + 9 * 2)]);
    }
    const report = await writeReport(dir);
    const names = report.plots.map((p) => p.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['samples.png', 'real-samples.png', 'samples-over-time.png', 'image-quality.png', 'interpolations.png', 'nearest-real.png']));
    const html = readFileSync(report.html, 'utf8');
    expect(html).toContain('id="samples-over-time"');
    expect(html).toContain('id="image-quality"');
  });

  it.each([
    ['acgan', { condition: 'acgan' }, ['condition.png', 'per-class.png'], 'one per column, 0 at the left'],
    ['infogan', { codes: { categorical: 4, continuous: 1, hidden: 8 } }, ['condition.png', 'traversal-c1.png'], 'InfoGAN&#39;s latent traversal'],
  ] as const)('%s: the report shows what the condition does, and its own pictures', async (name, model, plots, caption) => {
    const config = imageConfig('dcgan', { steps: 4, model: { noiseDim: 8, ...model, g: { arch: 'dcgan', filters: 4, norm: 'batch' }, d: { arch: 'dcgan', filters: 4 } } });
    const dir = await trainToDisk(config, join(root, name));
    const report = await writeReport(dir);
    expect(report.plots.map((p) => p.split('/').pop())).toEqual(expect.arrayContaining([...plots]));
    const html = readFileSync(report.html, 'utf8');
    expect(html).toContain(caption);
    expect(html).toContain('What the condition does');
  });
});
