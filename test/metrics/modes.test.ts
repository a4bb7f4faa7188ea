import { describe, expect, it } from 'vitest';
import { grid25, mixture1d, ring8, type Mode } from '../../src/data/index.ts';
import { DataError } from '../../src/errors.ts';
import { modeMetrics, toPoints, type Points } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const ringModes = ring8().modes as readonly Mode[];

/** `n` draws of N(center, std² I). */
function around(center: readonly number[], std: number, n: number, rng: Rng): Points {
  const dim = center.length;
  const data = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) data[i * dim + t] = center[t] + std * rng.normal();
  return { data, dim };
}

function concat(...sets: Points[]): Points {
  const data = new Float64Array(sets.reduce((s, p) => s + p.data.length, 0));
  let at = 0;
  for (const p of sets) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { data, dim: sets[0].dim };
}

// Under the true distribution the high-quality histogram is multinomial, so 2·nHQ·KL(q̂‖p) is
// approximately χ² with M − 1 degrees of freedom (the G-test statistic). For M = 8 the 1e-4 and
// 1 − 1e-4 quantiles of χ²₇ are 0.30 and 29.9.
const CHI2_7 = { lo: 0.3, hi: 29.9 };

describe('modeMetrics on the true distribution', () => {
  it('scores samples of ring8 itself 8/8 with a reverse KL at the sampling-noise level (2,500 samples, as PacGAN)', () => {
    const n = 2500;
    const m = modeMetrics({ data: ring8().sampleArray(n, new Rng(11)).x, dim: 2 }, ringModes);
    expect(m.modes).toBe(8);
    expect(m.modesTotal).toBe(8);
    expect(m.perMode).toHaveLength(8);
    const good = m.perMode.reduce((a, b) => a + b, 0);
    expect(good).toBe(Math.round(m.highQuality * n));
    expect(m.reverseKL).toBeGreaterThan(CHI2_7.lo / (2 * good));
    expect(m.reverseKL).toBeLessThan(CHI2_7.hi / (2 * good));
    expect(m.reverseKL).toBeLessThan(0.01);
  });

  it('has a high-quality fraction of P(χ²₂ < 9) = 1 − e^(−4.5) in 2-D, within 5 binomial sds', () => {
    const n = 20_000;
    const m = modeMetrics({ data: ring8().sampleArray(n, new Rng(12)).x, dim: 2 }, ringModes);
    const p = 1 - Math.exp(-4.5); // 0.98889: the 3σ disc, not the 1-D 99.73 %
    expect(Math.abs(m.highQuality - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('has a high-quality fraction of P(|Z| < 3) = 0.99730 in 1-D, and counts both modes of a mixture', () => {
    const data = mixture1d({ weights: [1, 3], means: [-2, 2], stds: [0.3, 0.3] });
    const n = 20_000;
    const m = modeMetrics({ data: data.sampleArray(n, new Rng(13)).x, dim: 1 }, data.modes as readonly Mode[]);
    const p = 0.9973002039367398;
    expect(Math.abs(m.highQuality - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    expect(m.modes).toBe(2);
    // Unequal weights: KL against p = (1/4, 3/4), with 1 degree of freedom (χ²₁ 1 − 1e-4 quantile 15.1).
    expect(m.reverseKL).toBeLessThan(15.1 / (2 * m.highQuality * n));
    expect(m.perMode[1] / (m.perMode[0] + m.perMode[1])).toBeCloseTo(0.75, 1);
  });

  it('scores samples of grid25 itself 25/25', () => {
    const ds = grid25();
    const m = modeMetrics({ data: ds.sampleArray(2500, new Rng(14)).x, dim: 2 }, ds.modes as readonly Mode[]);
    expect(m.modes).toBe(25);
    expect(m.modesTotal).toBe(25);
    const good = m.highQuality * 2500;
    // χ²₂₄ quantiles at 1e-4 and 1 − 1e-4: 6.2 and 58.6.
    expect(m.reverseKL).toBeGreaterThan(6.2 / (2 * good));
    expect(m.reverseKL).toBeLessThan(58.6 / (2 * good));
  });
});

describe('modeMetrics under mode collapse', () => {
  it('scores samples all from one mode 1/8 with reverse KL = log 8', () => {
    const m = modeMetrics(around(ringModes[3].center, 0.02, 2500, new Rng(21)), ringModes);
    expect(m.modes).toBe(1);
    expect(m.perMode.map((c, j) => (j === 3 ? c > 0 : c === 0))).toEqual(Array(8).fill(true));
    expect(m.reverseKL).toBeCloseTo(Math.log(8), 12);
  });

  it('gives log 4 for two modes in equal shares', () => {
    const rng = new Rng(22);
    const m = modeMetrics(concat(around(ringModes[0].center, 0.002, 500, rng), around(ringModes[4].center, 0.002, 500, rng)), ringModes);
    expect(m.modes).toBe(2);
    expect(m.highQuality).toBe(1);
    expect(m.perMode).toEqual([500, 0, 0, 0, 500, 0, 0, 0]);
    expect(m.reverseKL).toBeCloseTo(Math.log(4), 12);
  });

  it('counts only high-quality samples in the histogram: off-mode samples lower HQ, not the KL', () => {
    const rng = new Rng(23);
    const onMode = around(ringModes[0].center, 0.002, 300, rng);
    const offMode = around([0, 0], 0.01, 100, rng); // the ring's centre: 2 away from every mode
    const m = modeMetrics(concat(onMode, offMode), ringModes);
    expect(m.highQuality).toBeCloseTo(0.75, 12);
    expect(m.perMode[0]).toBe(300);
    expect(m.reverseKL).toBeCloseTo(Math.log(8), 12);
  });

  it('returns 0 modes, 0 HQ and NaN reverse KL when no sample is high quality', () => {
    const m = modeMetrics(toPoints([[0, 0], [0.1, 0]]), ringModes);
    expect(m).toEqual({ modes: 0, modesTotal: 8, highQuality: 0, reverseKL: NaN, perMode: [0, 0, 0, 0, 0, 0, 0, 0] });
  });
});

describe('modeMetrics rules', () => {
  const sigma = ringModes[0].std;
  const at = (r: number) => toPoints([[2 + r * sigma, 0]]); // r standard deviations from mode 0, along x

  it.each([
    [2.9, 3, 1],
    [3.1, 3, 0],
    [3.1, 4, 1],
    [0.9, 1, 1],
    [1.1, 1, 0],
  ])('a sample %f σ from its centre is high quality with k = %f: %i', (r, k, hq) => {
    expect(modeMetrics(at(r), ringModes, { k }).highQuality).toBe(hq);
  });

  it('needs the distance strictly below kσ', () => {
    const unit = [{ center: [0], std: 1, weight: 1 }];
    expect(modeMetrics(toPoints([[3], [-3], [2.999]]), unit).perMode).toEqual([1]);
  });

  it('assigns each sample to the nearest centre', () => {
    // A huge k makes every sample high quality, so perMode shows the assignment alone:
    // (1.5, 1.3) is 0.14 from mode 1 at (√2, √2); (0.1, −1.9) is 0.14 from mode 6 at (0, −2).
    const m = modeMetrics(toPoints([[1.5, 1.3], [0.1, -1.9]]), ringModes, { k: 1000 });
    expect(m.perMode).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
  });

  it('captures a mode only at minCount high-quality samples', () => {
    const rng = new Rng(31);
    const sets = ringModes.map((mode, j) => around(mode.center, 0.002, j === 5 ? 4 : 50, rng));
    const samples = concat(...sets);
    expect(modeMetrics(samples, ringModes).modes).toBe(8);
    expect(modeMetrics(samples, ringModes, { minCount: 4 }).modes).toBe(8);
    expect(modeMetrics(samples, ringModes, { minCount: 5 }).modes).toBe(7);
    expect(modeMetrics(samples, ringModes, { minCount: 51 }).modes).toBe(0);
  });

  it('refuses mismatched dims, non-finite samples and bad options with a DataError', () => {
    expect(() => modeMetrics(toPoints([[0, 0, 0]]), ringModes)).toThrow(/mode 0 has a 2-D centre but the samples are 3-D/);
    expect(() => modeMetrics({ data: Float32Array.of(0, NaN), dim: 2 }, ringModes)).toThrow(DataError);
    expect(() => modeMetrics(toPoints([[0, 0]]), [])).toThrow(/at least one mode/);
    expect(() => modeMetrics(toPoints([[0, 0]]), ringModes, { k: 0 })).toThrow(/k must be/);
    expect(() => modeMetrics(toPoints([[0, 0]]), ringModes, { minCount: 0.5 })).toThrow(/minCount must be/);
  });
});
