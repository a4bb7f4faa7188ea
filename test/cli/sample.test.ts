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

async function train(condition: string): Promise<string> {
  const r = await cli(['train', '--preset', 'ring8', '--steps', '400', '--out', join(tmp, condition), '--json', '--set', `model.condition=${condition}`, ...small]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runDir: string }).runDir;
}

const readCsv = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sp-sample-'));
  conditional = await train('concat');
  plain = await train('none');
}, 120_000);

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

  it.each([
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
