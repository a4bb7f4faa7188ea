import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFolderSchema } from '../../src/data/index.ts';
import { DataError } from '../../src/errors.ts';
import { loadImageFolder } from '../../src/node/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { cli } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'saddlepoint-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A solid-colour image file of `width × height` with `channels` (3 RGB, 4 RGBA, 1 grey). */
async function solid(path: string, width: number, height: number, colour: number[], format: 'png' | 'jpeg' = 'png'): Promise<void> {
  const channels = colour.length as 1 | 3 | 4;
  const raw = Buffer.alloc(width * height * channels);
  for (let p = 0; p < width * height; p++) raw.set(colour, p * channels);
  const image = sharp(raw, { raw: { width, height, channels } });
  await (format === 'png' ? image.png() : image.jpeg({ quality: 100 })).toFile(path);
}

const classes = join(tmp, 'classes');
beforeAll(async () => {
  mkdirSync(join(classes, 'cats'), { recursive: true });
  mkdirSync(join(classes, 'dogs'), { recursive: true });
  await solid(join(classes, 'cats', 'red.png'), 8, 8, [255, 0, 0]);
  await solid(join(classes, 'cats', 'green.JPG'), 12, 6, [0, 255, 0], 'jpeg');
  await solid(join(classes, 'dogs', 'tiny.png'), 1, 1, [0, 0, 255]);
  await solid(join(classes, 'dogs', 'grey.png'), 5, 9, [128]);
  await solid(join(classes, 'dogs', 'alpha.png'), 6, 6, [255, 255, 255, 0]);
  await solid(join(classes, 'stray.png'), 4, 4, [9, 9, 9]);
  const good = await sharp(Buffer.alloc(16 * 16 * 3, 200), { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer();
  writeFileSync(join(classes, 'dogs', 'corrupt.png'), good.subarray(0, Math.floor(good.length / 2)));
  writeFileSync(join(classes, 'dogs', 'text.png'), 'this is not an image\n');
  writeFileSync(join(classes, 'dogs', 'notes.txt'), 'ignored');
});

describe('loadImageFolder', () => {
  it('labels by sorted subfolder, resizes/crops to size, and skips bad files with a reason', async () => {
    const folder = await loadImageFolder(imageFolderSchema.parse({ kind: 'image-folder', path: classes, size: 4 }));
    expect(folder.classNames).toEqual(['cats', 'dogs']);
    expect(folder.arrays).toMatchObject({ count: 5, height: 4, width: 4, channels: 3, classes: 2 });
    expect(folder.skipped.map((s) => s.file)).toEqual([join('dogs', 'corrupt.png'), join('dogs', 'text.png'), 'stray.png']);
    for (const s of folder.skipped) expect(s.reason.length).toBeGreaterThan(5);
    expect(folder.skipped[2].reason).toContain('not in a class subfolder');
    expect(folder.upscaled).toEqual([join('dogs', 'tiny.png')]);
    // Files in sorted path order: cats/green.JPG, cats/red.png, dogs/alpha.png, dogs/grey.png, dogs/tiny.png.
    expect(Array.from(folder.arrays.labels)).toEqual([0, 0, 1, 1, 1]);
    const pixel = (i: number) => Array.from(folder.arrays.pixels.subarray(i * 48, i * 48 + 3));
    const near = (got: number[], want: number[]) => got.forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThanOrEqual(3));
    near(pixel(0), [0, 255, 0]);
    expect(pixel(1)).toEqual([255, 0, 0]);
    // Transparent white flattens onto black; grey expands to three equal channels; 1×1 blue fills the 4×4.
    expect(pixel(2)).toEqual([0, 0, 0]);
    expect(pixel(3)).toEqual([128, 128, 128]);
    expect(Array.from(folder.arrays.pixels.subarray(4 * 48, 5 * 48))).toEqual(new Array(16).fill([0, 0, 255]).flat());
  });

  it('draws [size, size, channels] in [−1, 1] with the class labels', async () => {
    const folder = await loadImageFolder({ kind: 'image-folder', path: classes, size: 4, channels: 1 });
    const { dataset } = folder;
    expect(dataset.shape).toEqual([4, 4, 1]);
    expect(dataset.classes).toBe(2);
    const { x, labels } = dataset.sampleArray(50, new Rng(1));
    expect(x.length).toBe(50 * 16);
    for (let i = 0; i < 50; i++) {
      expect(x[i * 16]).toBeGreaterThanOrEqual(-1);
      expect(x[i * 16]).toBeLessThanOrEqual(1);
    }
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    // Grey 128 stays 128 in one channel: 128/127.5 − 1.
    expect(folder.arrays.pixels[3 * 16]).toBe(128);
  });

  it('treats a folder without subfolders as one class', async () => {
    const flat = join(tmp, 'flat');
    mkdirSync(flat);
    await solid(join(flat, 'a.png'), 3, 3, [10, 20, 30]);
    await solid(join(flat, 'b.jpeg'), 3, 3, [200, 200, 200], 'jpeg');
    const folder = await loadImageFolder({ kind: 'image-folder', path: flat, size: 3, channels: 3 });
    expect(folder.classNames).toEqual(['.']);
    expect(Array.from(folder.arrays.labels)).toEqual([0, 0]);
    expect(folder.skipped).toEqual([]);
  });

  it('stops with a DataError naming the folder when nothing is usable', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(join(empty, 'sub'), { recursive: true });
    writeFileSync(join(empty, 'sub', 'readme.md'), '#');
    await expect(loadImageFolder({ kind: 'image-folder', path: empty, size: 8, channels: 3 })).rejects.toThrow(
      new DataError('no images found in its 1 class subfolder(s); expected files ending in .png, .jpg, .jpeg', empty),
    );
    const broken = join(tmp, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'x.png'), 'nope');
    writeFileSync(join(broken, 'y.jpg'), '');
    await expect(loadImageFolder({ kind: 'image-folder', path: broken, size: 8, channels: 3 })).rejects.toThrow(
      `${broken}: none of the 2 image file(s) could be read: x.png (`,
    );
    const missing = join(tmp, 'missing');
    await expect(loadImageFolder({ kind: 'image-folder', path: missing, size: 8, channels: 3 })).rejects.toThrow(
      `${missing}: cannot read the image folder (ENOENT)`,
    );
  });

  it('has a config schema with defaults that refuses bad sizes and channel counts', () => {
    expect(imageFolderSchema.parse({ kind: 'image-folder', path: 'd' })).toEqual({ kind: 'image-folder', path: 'd', size: 64, channels: 3 });
    expect(imageFolderSchema.safeParse({ kind: 'image-folder', path: 'd', channels: 4 }).success).toBe(false);
    expect(imageFolderSchema.safeParse({ kind: 'image-folder', path: 'd', size: 2 }).success).toBe(false);
    expect(imageFolderSchema.safeParse({ kind: 'image-folder', path: '' }).success).toBe(false);
  });
});

describe('train --data FOLDER', () => {
  it('trains a DCGAN on the folder, reports the files it skipped and goes on; a folder with nothing usable exits 2 naming it', async () => {
    const out = join(tmp, 'runs');
    const ok = await cli(['train', '--preset', 'images-dcgan', '--data', classes, '--set', 'data.size=16', '--set', 'model.g.filters=4', '--set', 'model.d.filters=4', '--set', 'batchSize=4', '--set', 'eval.samples=16', '--set', 'eval.every=2', '--steps', '2', '--out', out, '--backend', 'cpu', '--json', '--no-report']);
    expect(ok.status, ok.stderr).toBe(0);
    // The corrupt PNG, the text file named .png and the stray file outside the class folders.
    for (const file of ['corrupt.png', 'text.png', 'stray.png']) expect(ok.stderr).toMatch(new RegExp(`skipped (dogs/)?${file.replace('.', '\\.')}`));
    const summary = JSON.parse(ok.stdout.trim().split('\n').at(-1)!);
    expect(readdirSync(join(summary.runDir, 'samples'))).toContain('2.png');
    // The run records the folder's fingerprint: a folder that changed is refused on resume, naming it.
    const stored = JSON.parse(readFileSync(join(summary.runDir, 'config.json'), 'utf8'))._run.data;
    expect(stored).toEqual({ path: classes, sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    await solid(join(classes, 'cats', 'blue.png'), 8, 8, [0, 0, 255]);
    const resumed = await cli(['train', '--resume', summary.runDir, '--steps', '3', '--backend', 'cpu']);
    expect(resumed.status).toBe(2);
    expect(resumed.stderr).toContain(`image folder ${classes} holds other files than when the run started`);
    rmSync(join(classes, 'cats', 'blue.png'));
    const none = join(tmp, 'broken-only');
    mkdirSync(none);
    writeFileSync(join(none, 'x.png'), 'nope');
    const bad = await cli(['train', '--preset', 'images-dcgan', '--data', none, '--steps', '2', '--out', out, '--backend', 'cpu']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${none}: none of the 1 image file(s) could be read`);
  }, 120_000);
});
