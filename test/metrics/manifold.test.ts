import { describe, expect, it } from 'vitest';
import { densityCoverage, kthNeighbourDistances, precisionRecall, type FeatureMatrix } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const line = (values: number[]): FeatureMatrix => ({ rows: values.length, cols: 1, data: Float64Array.from(values) });

function gaussian(rows: number, cols: number, rng: Rng, shift = 0): FeatureMatrix {
  return { rows, cols, data: rng.normalArray(rows * cols, shift) };
}

describe('kthNeighbourDistances', () => {
  it('excludes the point itself but counts duplicates', () => {
    expect(Array.from(kthNeighbourDistances(line([0, 1, 3]), 1))).toEqual([1, 1, 2]);
    expect(Array.from(kthNeighbourDistances(line([0, 1, 3]), 2))).toEqual([3, 2, 3]);
    expect(Array.from(kthNeighbourDistances(line([5, 5, 9]), 1))).toEqual([0, 0, 4]);
    expect(() => kthNeighbourDistances(line([0, 1]), 2)).toThrow('kthNeighbourDistances: k = 2 needs more than k rows, got 2');
  });

  it('measures Euclidean distance across columns', () => {
    const m = { rows: 3, cols: 2, data: Float32Array.of(0, 0, 3, 4, 6, 8) };
    expect(Array.from(kthNeighbourDistances(m, 1))).toEqual([5, 5, 5]);
  });
});

describe('precisionRecall and densityCoverage', () => {
  it('of a set with itself: precision = recall = coverage = 1', () => {
    const a = gaussian(300, 4, new Rng(1));
    expect(precisionRecall(a, a)).toEqual({ precision: 1, recall: 1, k: 3, nReal: 300, nFake: 300 });
    expect(densityCoverage(a, a).coverage).toBe(1);
  });

  it('of far-apart sets: all four are 0', () => {
    const rng = new Rng(2);
    const a = gaussian(200, 4, rng);
    const b = gaussian(150, 4, rng, 100);
    expect(precisionRecall(a, b)).toEqual({ precision: 0, recall: 0, k: 3, nReal: 200, nFake: 150 });
    expect(densityCoverage(a, b)).toEqual({ density: 0, coverage: 0, k: 5, nReal: 200, nFake: 150 });
  });

  it('of the integers 0…9 (real) and their subset 0…4 (fake) match the hand count', () => {
    // k = 3 radii, real: 3 at the ends (0, 9), 2 elsewhere; fake {0…4}: 3 at 0 and 4, 2 inside.
    // Recall: real 0…4 are fakes, 5, 6, 7 lie within 3 of fake 4; 8 and 9 do not → 8/10.
    // Precision: every fake is a real point → 1.
    const real = line([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const fake = line([0, 1, 2, 3, 4]);
    expect(precisionRecall(real, fake)).toEqual({ precision: 1, recall: 0.8, k: 3, nReal: 10, nFake: 5 });
    // Coverage (k = 3): real 0…6 have a fake within their radius (5 → 4 at 1 ≤ 2, 6 → 4 at 2 ≤ 2), 7 does not → 7/10.
    // Density: fake 0 lies in the balls of real 0, 1, 2 (3); fake 1 in 0…3 (4); fake 2 in 0…4 (5);
    // fake 3 in 0…5 (6); fake 4 in 2…6 (5) → 23 / (3 · 5).
    const dc = densityCoverage(real, fake, { k: 3 });
    expect(dc.coverage).toBe(0.7);
    expect(dc.density).toBeCloseTo(23 / 15, 14);
    expect(dc).toMatchObject({ k: 3, nReal: 10, nFake: 5 });
  });

  it('gives identical results with chunk sizes 7, 1000 and the default', () => {
    const rng = new Rng(3);
    const real = gaussian(523, 6, rng);
    const fake = gaussian(411, 6, rng, 0.3);
    const results = [7, 1000, undefined].map((chunkSize) => ({
      pr: precisionRecall(real, fake, { chunkSize }),
      dc: densityCoverage(real, fake, { chunkSize }),
      radii: Array.from(kthNeighbourDistances(real, 5, chunkSize ?? 256)),
    }));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // A shift lowers precision and recall below those of a same-distribution pair, but not to 0.
    const same = precisionRecall(real, gaussian(411, 6, rng));
    expect(results[0].pr.precision).toBeGreaterThan(0.1);
    expect(results[0].pr.precision).toBeLessThan(same.precision);
  });

  it('densities near 1 for a fresh sample of the same distribution (Naeem et al.: E[density] = 1)', () => {
    const rng = new Rng(4);
    const result = densityCoverage(gaussian(2000, 2, rng), gaussian(2000, 2, rng));
    expect(result.density).toBeGreaterThan(0.9);
    expect(result.density).toBeLessThan(1.1);
    // Coverage of a same-distribution sample is 1 − (1/2)^k in expectation (k = 5: 0.969).
    expect(result.coverage).toBeGreaterThan(0.95);
    expect(result.coverage).toBeLessThan(0.985);
  });

  it('refuses too few real rows for k and mismatched widths', () => {
    expect(() => precisionRecall(line([0, 1, 2]), line([0]))).toThrow('precisionRecall: k = 3 needs more than k real rows, got 3');
    expect(() => precisionRecall(line([0, 1, 2, 3]), line([0, 1, 2]))).toThrow(
      'precisionRecall: k = 3 needs more than k fake rows (recall uses the fakes\' own k-NN balls), got 3',
    );
    // Density and coverage use only the real balls, so a single fake is enough.
    expect(densityCoverage(line([0, 1, 2, 3, 4, 5]), line([2.5]))).toMatchObject({ coverage: 1, nFake: 1 });
    expect(() => densityCoverage(line([0, 1, 2, 3, 4, 5]), { rows: 1, cols: 2, data: Float64Array.of(0, 0) })).toThrow(
      'densityCoverage: feature widths differ: real has 1 columns, fake has 2',
    );
  });
});
