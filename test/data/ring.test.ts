import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { ring, ring8, type Dataset } from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** Index of the nearest mode centre of each 2-D sample, with the residual from that centre. */
function assign(ds: Dataset, xs: Float32Array): { mode: Int32Array; dx: Float64Array; dy: Float64Array } {
  const centers = (ds.modes ?? []).map((m) => m.center);
  const n = xs.length / 2;
  const mode = new Int32Array(n);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    centers.forEach(([cx, cy], k) => {
      const d = (xs[2 * i] - cx) ** 2 + (xs[2 * i + 1] - cy) ** 2;
      if (d < best) {
        best = d;
        mode[i] = k;
        dx[i] = xs[2 * i] - cx;
        dy[i] = xs[2 * i + 1] - cy;
      }
    });
  }
  return { mode, dx, dy };
}

function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const mean = s / values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / (values.length - 1)) };
}

describe('ring8', () => {
  const ds = ring8();
  const N = 20_000;
  const xs = ds.sampleArray(N, new Rng(1)).x;
  const { mode, dx, dy } = assign(ds, xs);

  it('has 8 equal-weight modes of std 0.02 at radius 2, first at angle 0', () => {
    expect(ds.name).toBe('ring8');
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toHaveLength(8);
    ds.modes?.forEach((m, k) => {
      expect(m.center[0]).toBeCloseTo(2 * Math.cos((k * Math.PI) / 4), 12);
      expect(m.center[1]).toBeCloseTo(2 * Math.sin((k * Math.PI) / 4), 12);
      expect(Math.hypot(m.center[0], m.center[1])).toBeCloseTo(2, 12);
      expect(m.std).toBe(0.02);
      expect(m.weight).toBe(0.125);
    });
    expect(ds.modes?.[0].center).toEqual([2, 0]);
    expect(ds.modes?.[2].center).toEqual([0, 2]);
    expect(ds.modes?.[4].center).toEqual([-2, 0]);
  });

  it('gives every mode 12.5% ± 1% of 20k samples', () => {
    const counts = new Array<number>(8).fill(0);
    for (const k of mode) counts[k]++;
    for (const c of counts) {
      expect(c / N).toBeGreaterThanOrEqual(0.115);
      expect(c / N).toBeLessThanOrEqual(0.135);
    }
  });

  it('spreads each coordinate around its centre with std 0.02 and mean 0', () => {
    const residual = meanStd([...dx, ...dy]);
    expect(residual.std).toBeGreaterThanOrEqual(0.018);
    expect(residual.std).toBeLessThanOrEqual(0.022);
    // Five standard errors of a mean of 2N draws of std 0.02.
    expect(Math.abs(residual.mean)).toBeLessThan((5 * 0.02) / Math.sqrt(2 * N));
  });

  it('has Rayleigh distances to the nearest centre (mean σ√(π/2), std σ√((4−π)/2))', () => {
    const dist = meanStd(dx.map((x, i) => Math.hypot(x, dy[i])));
    const sigma = 0.02;
    expect(dist.mean).toBeGreaterThan(0.97 * sigma * Math.sqrt(Math.PI / 2));
    expect(dist.mean).toBeLessThan(1.03 * sigma * Math.sqrt(Math.PI / 2));
    expect(dist.std).toBeGreaterThan(0.95 * sigma * Math.sqrt((4 - Math.PI) / 2));
    expect(dist.std).toBeLessThan(1.05 * sigma * Math.sqrt((4 - Math.PI) / 2));
  });

  it('draws the same numbers as ring() with its defaults', () => {
    expect(ring().sampleArray(100, new Rng(3)).x).toEqual(ds.sampleArray(100, new Rng(3)).x);
  });
});

describe('ring', () => {
  it('places custom modes at angles 2πk/modes on the given radius', () => {
    const ds = ring({ modes: 3, radius: 1, std: 0.1 });
    expect(ds.name).toBe('ring');
    expect(ds.modes).toHaveLength(3);
    ds.modes?.forEach((m, k) => {
      expect(m.center[0]).toBeCloseTo(Math.cos((2 * Math.PI * k) / 3), 12);
      expect(m.center[1]).toBeCloseTo(Math.sin((2 * Math.PI * k) / 3), 12);
      expect(m.std).toBe(0.1);
      expect(m.weight).toBeCloseTo(1 / 3, 15);
    });
  });

  it('is deterministic in the rng state', () => {
    const ds = ring8();
    const a = ds.sampleArray(256, new Rng(7)).x;
    expect(ds.sampleArray(256, new Rng(7)).x).toEqual(a);
    expect(ds.sampleArray(256, new Rng(8)).x).not.toEqual(a);
    const rng = new Rng(7);
    const first = ds.sampleArray(256, rng).x;
    expect(ds.sampleArray(256, rng).x).not.toEqual(first);
  });

  it('sample gives a [n, 2] tensor with the same draws as sampleArray, and nothing leaks', () => {
    const ds = ring8();
    const before = tf.memory().numTensors;
    const batch = ds.sample(64, new Rng(5));
    const t = batch.x;
    expect(t.shape).toEqual([64, 2]);
    expect(t.dtype).toBe('float32');
    const arrays = ds.sampleArray(64, new Rng(5));
    expect(t.dataSync()).toEqual(arrays.x);
    expect(Array.from(batch.labels!.dataSync())).toEqual(Array.from(arrays.labels!));
    t.dispose();
    batch.labels!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const empty = ds.sample(0, new Rng(5));
    expect(empty.x.shape).toEqual([0, 2]);
    empty.x.dispose();
    empty.labels?.dispose();
  });

  it("labels each sample with its mode: the nearest centre's index", () => {
    const ds = ring8();
    expect(ds.classes).toBe(8);
    const { x, labels } = ds.sampleArray(500, new Rng(2));
    const modes = ds.modes!;
    for (let i = 0; i < 500; i++) {
      const d = modes.map((m) => Math.hypot(x[2 * i] - m.center[0], x[2 * i + 1] - m.center[1]));
      expect(labels![i]).toBe(d.indexOf(Math.min(...d)));
    }
  });

  it.each([
    [{ modes: 0 }, 'ring: modes must be an integer ≥ 1, got 0'],
    [{ modes: 2.5 }, 'ring: modes must be an integer ≥ 1, got 2.5'],
    [{ radius: -1 }, 'ring: radius must be a finite number > 0, got -1'],
    [{ std: 0 }, 'ring: std must be a finite number > 0, got 0'],
    [{ std: Number.NaN }, 'ring: std must be a finite number > 0, got NaN'],
  ])('rejects %j', (params, message) => {
    expect(() => ring(params)).toThrow(DataError);
    expect(() => ring(params)).toThrow(message);
  });

  it('rejects a sample count that is not a non-negative integer', () => {
    expect(() => ring8().sampleArray(-1, new Rng(0)).x).toThrow('ring8: sample count must be an integer ≥ 0, got -1');
    expect(() => ring8().sample(1.5, new Rng(0)).x).toThrow(DataError);
  });
});
