import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { criticGap, discriminatorAccuracy } from '../../src/metrics/index.ts';

describe('discriminatorAccuracy', () => {
  it('classifies real when strictly above the threshold (probabilities, 0.5)', () => {
    // Real right: 0.9, 0.6 (0.5 is not > 0.5); fake right: 0.1, 0.5.
    expect(discriminatorAccuracy([0.9, 0.6, 0.4, 0.5], [0.1, 0.5, 0.7], 0.5)).toEqual({ overall: 4 / 7, real: 2 / 4, fake: 2 / 3 });
  });

  it('works on logits with threshold 0', () => {
    expect(discriminatorAccuracy([2.1, -0.3], [-1.5, 0.4], 0)).toEqual({ overall: 0.5, real: 0.5, fake: 0.5 });
    expect(discriminatorAccuracy(Float32Array.of(3, 1, 0.01), Float32Array.of(-2, -0.01, 0), 0)).toEqual({ overall: 1, real: 1, fake: 1 });
    expect(discriminatorAccuracy([-1], [1], 0)).toEqual({ overall: 0, real: 0, fake: 0 });
  });

  it('refuses empty batches and non-finite values', () => {
    expect(() => discriminatorAccuracy([], [0], 0)).toThrow(DataError);
    expect(() => discriminatorAccuracy([NaN], [0], 0)).toThrow(/finite/);
    expect(() => discriminatorAccuracy([1], [0], NaN)).toThrow(/threshold/);
  });
});

describe('criticGap', () => {
  it('is mean(dReal) − mean(dFake)', () => {
    expect(criticGap([3, 5], [1, 1])).toBe(3);
    expect(criticGap([0.5], [1, 2, 3])).toBe(-1.5);
    expect(() => criticGap([1], [])).toThrow(DataError);
  });
});
