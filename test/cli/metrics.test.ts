import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/node/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { cli } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'saddlepoint-metrics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const digits = join(tmp, 'digits');
const copy = join(tmp, 'digits-copy');
const noise = join(tmp, 'noise');
const N = 300;

beforeAll(async () => {
  mkdirSync(digits);
  mkdirSync(copy);
  mkdirSync(noise);
  const { pixels } = loadMnist('test');
  const rng = new Rng(5);
  for (let i = 0; i < N; i++) {
    // The first N test digits as lossless PNGs, and as many images of uniform noise.
    const digit = sharp(Buffer.from(pixels.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } }).png();
    await digit.clone().toFile(join(digits, `${String(i).padStart(4, '0')}.png`));
    await digit.toFile(join(copy, `${String(i).padStart(4, '0')}.png`));
    await sharp(Buffer.from(Array.from({ length: 784 }, () => rng.int(256))), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(noise, `${i}.png`));
  }
}, 60_000);

describe('saddlepoint metrics', () => {
  it('gives FID 0 for two folders of the same digits, a large FID for noise against MNIST, and states n and the network', async () => {
    const same = await cli(['metrics', '--real', copy, '--fake', digits, '--json']);
    expect(same.status, same.stderr).toBe(0);
    const a = JSON.parse(same.stdout.trim().split('\n').at(-1)!);
    expect(a.network).toMatch(/^mnist-cnn-v1@[0-9a-f]{12}$/);
    expect([a.real.n, a.fake.n]).toEqual([N, N]);
    expect(a.fid).toBeLessThan(1e-3);
    // Every generated image sits on a real one: precision, recall and coverage are 1.
    expect([a.precision, a.recall, a.coverage]).toEqual([1, 1, 1]);
    expect(a.classifierScore.fake).toBeCloseTo(a.classifierScore.real, 6);
    expect(same.stderr).toContain(`FID`);
    expect(same.stderr).toContain(`(${N} real vs ${N} generated`);

    const far = await cli(['metrics', '--real', 'mnist', '--fake', noise, '--n', String(N), '--json']);
    expect(far.status, far.stderr).toBe(0);
    const b = JSON.parse(far.stdout.trim().split('\n').at(-1)!);
    expect(b.fid).toBeGreaterThan(100 * Math.max(a.fid, 1e-3));
    expect(b.precision).toBeLessThan(0.05);
    expect(b.kid.value).toBeGreaterThan(10 * b.kid.standardError);
  }, 120_000);

  it('refuses a source that is neither a folder nor a dataset, naming it, with exit 2', async () => {
    const bad = await cli(['metrics', '--real', 'mnist', '--fake', join(tmp, 'nope'), '--backend', 'cpu']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`invalid source "${join(tmp, 'nope')}": not a folder, and not a dataset (mnist, mnist-test`);
    const channels = await cli(['metrics', '--real', 'mnist', '--fake', digits, '--channels', '2']);
    expect(channels.status).toBe(2);
    expect(channels.stderr).toContain('--channels: got "2"; allowed: 1, 3');
  });
});
