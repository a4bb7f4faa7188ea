import { describe, expect, it } from 'vitest';
import { kernelInceptionDistance, type FeatureMatrix } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

function gaussian(rows: number, cols: number, rng: Rng, shift = 0): FeatureMatrix {
  return { rows, cols, data: rng.normalArray(rows * cols, shift) };
}

describe('kernelInceptionDistance', () => {
  it('is the hand-computed unbiased MMD² when a subset is the whole set', () => {
    // d = 1, k(x, y) = (xy + 1)³; X = {0, 1}, Y = {1, 2}:
    // XX: 2·k(0,1)/2 = 1; YY: 2·k(1,2)/2 = 27; XY: 2·(1 + 1 + 8 + 27)/4 = 18.5 → 1 + 27 − 18.5 = 9.5.
    const x = { rows: 2, cols: 1, data: Float32Array.of(0, 1) };
    const y = { rows: 2, cols: 1, data: Float32Array.of(1, 2) };
    const result = kernelInceptionDistance(x, y, { subsets: 3, subsetSize: 2, rng: new Rng(0) });
    expect(result.value).toBeCloseTo(9.5, 12);
    expect(result.standardError).toBe(0);
    expect(result).toMatchObject({ subsets: 3, subsetSize: 2, nReal: 2, nFake: 2 });
  });

  it('scales xᵀy by the width d: X = {(0,0), (1,1)}, Y = {(1,1), (2,2)} gives the 1-d value with xᵀy/2', () => {
    // xᵀy/d over the pairs used: (0,0)·anything → 0, (1,1)·(1,1)/2 = 1, (1,1)·(2,2)/2 = 2: the 1-d products.
    const x = { rows: 2, cols: 2, data: Float64Array.of(0, 0, 1, 1) };
    const y = { rows: 2, cols: 2, data: Float64Array.of(1, 1, 2, 2) };
    expect(kernelInceptionDistance(x, y, { subsets: 1, subsetSize: 2, rng: new Rng(0) }).value).toBeCloseTo(9.5, 12);
  });

  it('of two samples of one distribution is within 4 standard errors of 0', () => {
    const rng = new Rng(21);
    const a = gaussian(2000, 8, rng);
    const b = gaussian(2000, 8, rng);
    const result = kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 200, rng });
    expect(result.standardError).toBeGreaterThan(0);
    expect(result.value).toBeGreaterThan(-4 * result.standardError);
    expect(result.value).toBeLessThan(4 * result.standardError);
  });

  it('of a mean shift is positive, many standard errors above 0, and grows with the shift', () => {
    const rng = new Rng(22);
    const a = gaussian(2000, 8, rng);
    const small = kernelInceptionDistance(a, gaussian(2000, 8, rng, 0.5), { subsets: 20, subsetSize: 200, rng });
    const large = kernelInceptionDistance(a, gaussian(2000, 8, rng, 1), { subsets: 20, subsetSize: 200, rng });
    expect(small.value).toBeGreaterThan(10 * small.standardError);
    expect(large.value).toBeGreaterThan(2 * small.value);
  });

  it('is reproducible from the rng and refuses a subset larger than a set', () => {
    const a = gaussian(50, 3, new Rng(1));
    const b = gaussian(40, 3, new Rng(2));
    const run = () => kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 20, rng: new Rng(7) }).value;
    expect(run()).toBe(run());
    expect(() => kernelInceptionDistance(a, b, { subsetSize: 41, rng: new Rng(0) })).toThrow(
      'kernelInceptionDistance: subsetSize 41 exceeds the rows available (real 50, fake 40); pass subsetSize ≤ 40',
    );
    expect(() => kernelInceptionDistance(a, b, { subsetSize: 1, rng: new Rng(0) })).toThrow('subsetSize must be ≥ 2');
  });
});
