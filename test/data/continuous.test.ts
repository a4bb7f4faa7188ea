import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { spiral, twoMoons } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const N = 20_000;

describe('spiral', () => {
  it('has no modes and shape [2]', () => {
    const ds = spiral();
    expect(ds.name).toBe('spiral');
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toBeUndefined();
    expect('modes' in ds).toBe(false);
  });

  it('without noise puts every point on r = scale·s, θ = 2π·turns·s', () => {
    const turns = 2;
    const scale = 3;
    const xs = spiral({ turns, scale, noise: 0 }).sampleArray(2000, new Rng(1)).x;
    for (let i = 0; i < 2000; i++) {
      const x = xs[2 * i];
      const y = xs[2 * i + 1];
      const r = Math.hypot(x, y);
      expect(r).toBeLessThanOrEqual(scale + 1e-5);
      const angle = 2 * Math.PI * turns * (r / scale);
      expect(x).toBeCloseTo(r * Math.cos(angle), 4);
      expect(y).toBeCloseTo(r * Math.sin(angle), 4);
    }
  });

  it('draws s² = (r/scale)² uniformly on [0, 1)', () => {
    const xs = spiral({ scale: 2, noise: 0 }).sampleArray(N, new Rng(2)).x;
    let sum = 0;
    let below = 0;
    for (let i = 0; i < N; i++) {
      const u = (xs[2 * i] ** 2 + xs[2 * i + 1] ** 2) / 4;
      sum += u;
      if (u < 0.25) below++;
    }
    // U[0, 1): mean 1/2 with variance 1/12; P(u < 1/4) = 1/4.
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(below / N - 0.25)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / N));
  });

  it('adds Gaussian noise of std `noise` to the same curve points', () => {
    const clean = spiral({ noise: 0 }).sampleArray(N, new Rng(3)).x;
    const noisy = spiral({ noise: 0.05 }).sampleArray(N, new Rng(3)).x;
    let s = 0;
    let sq = 0;
    for (let i = 0; i < 2 * N; i++) {
      const e = (noisy[i] - clean[i]) / 0.05;
      s += e;
      sq += e * e;
    }
    const mean = s / (2 * N);
    const std = Math.sqrt(sq / (2 * N) - mean ** 2);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(2 * N));
    expect(std).toBeGreaterThan(0.97);
    expect(std).toBeLessThan(1.03);
  });

  it('is deterministic in the rng state, and sample is [n, 2]', () => {
    const ds = spiral();
    const a = ds.sampleArray(100, new Rng(5)).x;
    expect(ds.sampleArray(100, new Rng(5)).x).toEqual(a);
    expect(ds.sampleArray(100, new Rng(6)).x).not.toEqual(a);
    const t = ds.sample(100, new Rng(5)).x;
    expect(t.shape).toEqual([100, 2]);
    expect(t.dataSync()).toEqual(a);
    t.dispose();
  });

  it.each([
    [{ turns: 0 }, 'spiral: turns must be a finite number > 0, got 0'],
    [{ noise: -0.1 }, 'spiral: noise must be a finite number ≥ 0, got -0.1'],
    [{ scale: Number.POSITIVE_INFINITY }, 'spiral: scale must be a finite number > 0, got Infinity'],
  ])('rejects %j', (params, message) => {
    expect(() => spiral(params)).toThrow(DataError);
    expect(() => spiral(params)).toThrow(message);
  });
});

describe('twoMoons', () => {
  it('has no modes and shape [2]', () => {
    const ds = twoMoons();
    expect(ds.name).toBe('two-moons');
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toBeUndefined();
  });

  it('without noise puts every point on one of the two unit half-circles, half on each', () => {
    const xs = twoMoons({ noise: 0 }).sampleArray(N, new Rng(7)).x;
    let upper = 0;
    for (let i = 0; i < N; i++) {
      const x = xs[2 * i];
      const y = xs[2 * i + 1];
      const onUpper = Math.abs(Math.hypot(x + 0.5, y + 0.25) - 1) < 1e-5 && y + 0.25 >= -1e-6;
      const onLower = Math.abs(Math.hypot(x - 0.5, y - 0.25) - 1) < 1e-5 && y - 0.25 <= 1e-6;
      expect(onUpper || onLower).toBe(true);
      if (onUpper) upper++;
    }
    expect(Math.abs(upper / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it('is centred on the origin', () => {
    const xs = twoMoons().sampleArray(N, new Rng(8)).x;
    for (const d of [0, 1]) {
      let s = 0;
      let sq = 0;
      for (let i = 0; i < N; i++) {
        s += xs[2 * i + d];
        sq += xs[2 * i + d] ** 2;
      }
      const mean = s / N;
      const std = Math.sqrt(sq / N - mean ** 2);
      expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(N));
    }
  });

  it('is deterministic in the rng state, and sample is [n, 2]', () => {
    const ds = twoMoons();
    const a = ds.sampleArray(100, new Rng(5)).x;
    expect(ds.sampleArray(100, new Rng(5)).x).toEqual(a);
    expect(ds.sampleArray(100, new Rng(6)).x).not.toEqual(a);
    const t = ds.sample(100, new Rng(5)).x;
    expect(t.shape).toEqual([100, 2]);
    t.dispose();
  });

  it('rejects a negative noise', () => {
    expect(() => twoMoons({ noise: -1 })).toThrow(DataError);
    expect(() => twoMoons({ noise: -1 })).toThrow('two-moons: noise must be a finite number ≥ 0, got -1');
  });
});
