/**
 * `saddlepoint sample` on runs trained by the CLI: a conditional ring8 run gives points of the
 * class asked for (and every class in turn), the samples are reproducible by seed, and bad
 * requests are refused with exit 2 before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const small = ['--no-report', '--backend', 'cpu', '--set', 'batchSize=64', '--set', 'model.g.hidden=[32,32]', '--set', 'model.d.hidden=[32,32]', '--set', 'eval.every=0', '--set', 'checkpointEvery=400'];
let tmp: string;
let conditional: string;
let plain: string;
let infogan: string;

async function train(condition: string, extra: string[] = []): Promise<string> {
  const r = await cli(['train', '--preset', 'ring8', '--steps', '400', '--out', join(tmp, condition + extra.length), '--json', '--set', `model.condition=${condition}`, ...small, ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runDir: string }).runDir;
}

const readCsv = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sp-sample-'));
  conditional = await train('concat');
  plain = await train('none');
  infogan = await train('none', ['--set', 'model.codes={"categorical":8,"continuous":1}']);
}, 180_000);

describe('saddlepoint sample', { timeout: 60_000 }, () => {
  it('asks a conditional run for one class: every point carries it, and most land nearest that mode', async () => {
    const out = join(tmp, 'three.csv');
    const r = await cli(['sample', conditional, '--out', out, '--label', '3', '--n', '400', '--backend', 'cpu', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('400 samples from');
    const [header, ...rows] = readCsv(out);
    expect(header).toBe('x1,x2,label');
    expect(rows).toHaveLength(400);
    const points = rows.map((l) => l.split(',').map(Number));
    expect(points.every((p) => p[2] === 3)).toBe(true);
    // Mode k of ring8 sits at angle 2πk/8 on radius 2.
    const nearest = (p: number[]) => Math.round(((Math.atan2(p[1], p[0]) / (2 * Math.PI)) * 8 + 8) % 8) % 8;
    const share = points.filter((p) => nearest(p) === 3).length / 400;
    // Measured 0.71 after 400 steps of these small nets (chance 0.125).
    expect(share).toBeGreaterThan(0.5);
  });

  it('asks for every class in turn by default, and the same seed gives the same samples', async () => {
    const a = join(tmp, 'a.csv');
    const b = join(tmp, 'b.csv');
    expect((await cli(['sample', conditional, '--out', a, '--n', '16', '--seed', '5', '--backend', 'cpu'])).status).toBe(0);
    expect((await cli(['sample', conditional, '--out', b, '--n', '16', '--seed', '5', '--backend', 'cpu'])).status).toBe(0);
    expect(readCsv(a)).toEqual(readCsv(b));
    expect(readCsv(a).slice(1).map((l) => Number(l.split(',')[2]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("walks an InfoGAN run's continuous code along each row, one category per row, and fixes codes by name", async () => {
    const out = join(tmp, 'walk.csv');
    const r = await cli(['sample', infogan, '--out', out, '--code', 'c1', '--backend', 'cpu', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('8 rows (the categorical code, 0 at the top) × 10 columns (c1 from -2 to 2)');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).grid).toMatchObject({ rows: 8, cols: 10 });
    const rows = readCsv(out).slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(80);
    expect(rows.map((p) => p[2])).toEqual(Array.from({ length: 80 }, (_, i) => Math.floor(i / 10)));
    // Along a row only c1 changes, and it reaches G: each row's first and last points differ.
    for (let row = 0; row < 8; row++) expect(Math.hypot(rows[row * 10][0] - rows[row * 10 + 9][0], rows[row * 10][1] - rows[row * 10 + 9][1])).toBeGreaterThan(1e-6);
    const fixed = join(tmp, 'fixed.csv');
    expect((await cli(['sample', infogan, '--out', fixed, '--code', 'cat=5,c1=0.5', '--n', '30', '--backend', 'cpu'])).status).toBe(0);
    expect(readCsv(fixed).slice(1).every((l) => l.endsWith(',5'))).toBe(true);
  });

  it("translates a Pix2Pix run's held-out sources (sources, translations, targets) or one --input image, and refuses a label", async () => {
    const r = await cli(['train', '--preset', 'mnist-pix2pix', '--steps', '2', '--out', join(tmp, 'p2p'), '--json', '--no-report', '--backend', 'cpu', '--set', 'batchSize=8', '--set', 'model.g.filters=4', '--set', 'model.d.filters=4', '--set', 'eval.every=0', '--set', 'data.split=test']);
    expect(r.status, r.stderr).toBe(0);
    const run = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runDir: string }).runDir;
    const grid = join(tmp, 'p2p.png');
    const a = await cli(['sample', run, '--out', grid, '--n', '4', '--backend', 'cpu', '--json']);
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout.trim().split('\n').at(-1)!).grid).toMatchObject({ rows: 3, cols: 4, rowsShow: 'sources, translations, targets' });
    const one = join(tmp, 'one.png');
    const b = await cli(['sample', run, '--out', one, '--input', grid, '--backend', 'cpu', '--json']);
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout.trim().split('\n').at(-1)!).grid).toMatchObject({ rows: 2, cols: 1 });
    const c = await cli(['sample', run, '--out', join(tmp, 'x.png'), '--label', '1', '--backend', 'cpu']);
    expect(c.status).toBe(2);
    expect(c.stderr).toContain('--label: this run translates images');
    const d = await cli(['sample', run, '--out', join(tmp, 'x.png'), '--input', join(tmp, 'missing.png'), '--backend', 'cpu']);
    expect(d.status).toBe(2);
    expect(d.stderr).toContain('missing.png is not a file');
    expect(existsSync(join(tmp, 'x.png'))).toBe(false);
  });

  it.each([
    ['an --input for a run that does not translate', () => ['--input', join(tmp, 'three.csv'), '--out', join(tmp, 'x.csv')], () => plain, '--input: this run generates from noise'],
    ['a code for a run without codes', () => ['--code', 'c1', '--out', join(tmp, 'x.csv')], () => plain, '--code: this run has no latent codes (model.codes is null)'],
    ['an unknown code', () => ['--code', 'c2', '--out', join(tmp, 'x.csv')], () => infogan, "--code: 'c2' is not a code of this run: give cat, c1"],
    ['a category out of range', () => ['--code', 'cat=8', '--out', join(tmp, 'x.csv')], () => infogan, "--code: 'cat=8': the categorical code is an integer in 0 … 7"],
    ['--n with a traversal', () => ['--code', 'c1', '--n', '5', '--out', join(tmp, 'x.csv')], () => infogan, "--n: a traversal's size is set by the code it varies ('c1')"],
    ['two varied codes', () => ['--code', 'cat,c1', '--out', join(tmp, 'x.csv')], () => infogan, "--code: only one code can vary across the grid; 'cat' already does"],
    ['a label for an unconditional run', () => ['--label', '2', '--out', join(tmp, 'x.csv')], () => plain, '--label: this run is not class-conditional'],
    ['a label beyond the classes', () => ['--label', '8', '--out', join(tmp, 'x.csv')], () => conditional, "--label: got 8; this run's classes are 0 … 7"],
    ['a .png for a point run', () => ['--out', join(tmp, 'x.png')], () => conditional, '--out: got'],
  ])('refuses %s with exit 2 and writes nothing', async (_what, args, dir, message) => {
    const r = await cli(['sample', dir(), ...args(), '--backend', 'cpu']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(join(tmp, 'x.csv')) || existsSync(join(tmp, 'x.png'))).toBe(false);
  });
});
