import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { modeMetrics, pointCount, toPoints, toRows } from '../../src/metrics/index.ts';

describe('Points helpers', () => {
  it('convert rows to flat points and back', () => {
    const p = toPoints([[0, 1], [2, 3], [4, 5]]);
    expect(p.dim).toBe(2);
    expect(Array.from(p.data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pointCount(p)).toBe(3);
    expect(toRows(p)).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(toRows({ data: Float32Array.of(0.5, 1.5), dim: 1 })).toEqual([[0.5], [1.5]]);
  });

  it('refuse ragged or empty rows', () => {
    expect(() => toPoints([[0, 1], [2]])).toThrow(/row 1 has 1 coordinates, row 0 has 2/);
    expect(() => toPoints([])).toThrow(DataError);
    expect(() => toPoints([[]])).toThrow(DataError);
  });

  it('are checked by every metric: a length that is not a multiple of dim is refused', () => {
    const modes = [{ center: [0, 0], std: 1, weight: 1 }];
    expect(() => modeMetrics({ data: Float32Array.of(0, 0, 1), dim: 2 }, modes)).toThrow(/3 values, not a multiple of dim 2/);
    expect(() => modeMetrics({ data: Float32Array.of(0, 0), dim: 0 }, modes)).toThrow(/dim must be an integer/);
  });
});
