import { describe, expect, it } from 'vitest';
import { fieldArrows, niceExtent } from '../../src/theory/index.ts';

describe('niceExtent', () => {
  it.each([
    [1, 1.5],
    [1.3, 1.5],
    [0.9, 1],
    [2, 2.5],
    [4.2, 5],
    [7.5, 10],
    [0.012, 0.015],
    [123, 150],
  ])('%d → %d (a round number at or above 1.1 × the value)', (value, extent) => {
    expect(niceExtent(value)).toBe(extent);
  });
});

describe('fieldArrows', () => {
  const rotation = (p: { x: number; y: number }) => ({ x: -p.y, y: p.x });

  it('puts one arrow on each cell centre, centred there, along the field', () => {
    const arrows = fieldArrows(rotation, 1.5, 3);
    expect(arrows).toHaveLength(9);
    const centres = arrows.map((a) => [(a.x + a.x2) / 2, (a.y + a.y2) / 2]);
    for (const x of [-1, 0, 1]) for (const y of [-1, 0, 1]) expect(centres.some(([cx, cy]) => Math.abs(cx - x) < 1e-12 && Math.abs(cy - y) < 1e-12)).toBe(true);
    // The arrow at (1, 0) points along (0, 1).
    const right = arrows.find((a) => Math.abs((a.x + a.x2) / 2 - 1) < 1e-12 && Math.abs((a.y + a.y2) / 2) < 1e-12)!;
    expect(right.x2 - right.x).toBeCloseTo(0, 12);
    expect(right.y2 - right.y).toBeGreaterThan(0);
  });

  it('scales the longest arrow to 80 % of a cell and the others by their speed', () => {
    const arrows = fieldArrows(rotation, 1.5, 3);
    const lengths = arrows.map((a) => Math.hypot(a.x2 - a.x, a.y2 - a.y));
    // Cells are 1 wide; the corners (speed √2) are the longest.
    expect(Math.max(...lengths)).toBeCloseTo(0.8, 12);
    const edge = arrows.find((a) => Math.abs((a.x + a.x2) / 2 - 1) < 1e-12 && Math.abs((a.y + a.y2) / 2) < 1e-12)!;
    expect(Math.hypot(edge.x2 - edge.x, edge.y2 - edge.y)).toBeCloseTo(0.8 / Math.SQRT2, 12);
    // The centre does not move: a zero-length arrow.
    expect(Math.min(...lengths)).toBe(0);
  });

  it('leaves out points where the field is not finite', () => {
    const arrows = fieldArrows((p) => (p.x > 0 ? { x: Infinity, y: 0 } : rotation(p)), 1.5, 3);
    expect(arrows).toHaveLength(6);
  });
});
