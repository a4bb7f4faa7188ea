import { describe, expect, it } from 'vitest';
import { inceptionScore } from '../../src/metrics/index.ts';

function oneHot(classes: number[], c: number): { rows: number; cols: number; data: Float64Array } {
  const data = new Float64Array(classes.length * c);
  classes.forEach((k, i) => (data[i * c + k] = 1));
  return { rows: classes.length, cols: c, data };
}

describe('inceptionScore', () => {
  it('is 10 for confident samples spread evenly over 10 classes, in every split', () => {
    const probs = oneHot(Array.from({ length: 1000 }, (_, i) => i % 10), 10);
    const score = inceptionScore(probs, 10);
    expect(score.value).toBeCloseTo(10, 12);
    expect(score.std).toBeCloseTo(0, 12);
    expect(score).toMatchObject({ splits: 10, n: 1000 });
  });

  it('is 1 when every sample gets the same class, and 1 for uniform (unconfident) softmax rows', () => {
    expect(inceptionScore(oneHot(new Array(100).fill(3), 10), 5).value).toBeCloseTo(1, 12);
    const flat = { rows: 50, cols: 4, data: new Float64Array(200).fill(0.25) };
    expect(inceptionScore(flat, 1).value).toBeCloseTo(1, 12);
  });

  it('matches a hand computation for two soft rows', () => {
    // Rows (0.9, 0.1) and (0.1, 0.9): p(y) = (0.5, 0.5); each KL = 0.9 ln 1.8 + 0.1 ln 0.2.
    const probs = { rows: 2, cols: 2, data: Float64Array.of(0.9, 0.1, 0.1, 0.9) };
    expect(inceptionScore(probs, 1).value).toBeCloseTo(Math.exp(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2)), 12);
  });

  it('refuses rows that are not probabilities and too many splits', () => {
    expect(() => inceptionScore({ rows: 1, cols: 2, data: Float64Array.of(0.5, 0.6) }, 1)).toThrow(
      'inceptionScore: probs row 0 sums to 1.1; pass softmax outputs (rows summing to 1)',
    );
    expect(() => inceptionScore(oneHot([0, 1], 2), 3)).toThrow('inceptionScore: splits 3 exceeds the 2 rows');
  });
});
