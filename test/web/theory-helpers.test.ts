/**
 * The theory pages' pure helpers (web/src/theory/scales.ts and choices.ts), in Node: slider
 * scales, ticks, the data ↔ pixel map, and the tables that turn the page's choices into the
 * library's inputs.
 */
import { describe, expect, it } from 'vitest';
import { BILINEAR_METHODS, diracGanTrajectory, distanceToEquilibrium, divergenceCurves, type DiracGanVariant } from '../../src/theory/index.ts';
import {
  DIRAC_METHOD_LABELS,
  DIRAC_METHODS,
  DIRAC_VARIANT_KINDS,
  DIRAC_VARIANTS,
  SHIFT_FAMILIES,
  SHIFT_FAMILY_NAMES,
  XY_METHOD_LABELS,
  behaviourOf,
  diracVariant,
  drawablePrefix,
  log10OrNull,
  formatValue,
  growthOf,
  initialVariantValues,
  viewExtent,
} from '../../web/src/theory/choices.ts';
import { linearSlider, logSlider, niceTicks, plotMap, roundForWindow } from '../../web/src/theory/scales.ts';

describe('linearSlider', () => {
  const s = linearSlider(0, 4, 0.05);

  it('spans min to max in whole steps, values free of binary residue', () => {
    expect(s.positions).toBe(80);
    expect(s.toValue(0)).toBe(0);
    expect(s.toValue(80)).toBe(4);
    expect(s.toValue(31)).toBe(1.55);
    expect(s.toValue(6)).toBe(0.3);
  });

  it('round-trips every position and clamps outside the range', () => {
    for (let k = 0; k <= s.positions; k++) expect(s.toPosition(s.toValue(k))).toBe(k);
    expect(s.toPosition(-1)).toBe(0);
    expect(s.toPosition(9)).toBe(80);
    expect(s.toValue(200)).toBe(4);
  });

  it('refuses an empty range', () => {
    expect(() => linearSlider(1, 1, 0.1)).toThrow('linearSlider: need min < max and step > 0, got [1, 1] by 0.1');
  });
});

describe('logSlider', () => {
  const s = logSlider(0.01, 1, 200);

  it('is even in log, with round ends and middle', () => {
    expect(s.toValue(0)).toBe(0.01);
    expect(s.toValue(100)).toBe(0.1);
    expect(s.toValue(200)).toBe(1);
    expect(s.toValue(50)).toBe(0.0316);
  });

  it('increases with the position and finds each value again', () => {
    const values = Array.from({ length: 201 }, (_, k) => s.toValue(k));
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThan(values[k - 1]);
    for (let k = 0; k <= 200; k++) expect(s.toPosition(values[k])).toBe(k);
    expect(s.toPosition(0.2)).toBe(s.toPosition(s.toValue(s.toPosition(0.2))));
    expect(s.toPosition(0)).toBe(0);
    expect(s.toPosition(50)).toBe(200);
  });
});

describe('niceTicks', () => {
  it.each([
    [-1.5, 1.5, 5, [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]],
    [0, 12, 5, [0, 2, 4, 6, 8, 10, 12]],
    [-4, 6, 8, [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6]],
    [-4, 6, 4, [-4, -2, 0, 2, 4, 6]],
    [0, 0.8, 3, [0, 0.2, 0.4, 0.6, 0.8]],
    [-0.015, 0.015, 5, [-0.015, -0.01, -0.005, 0, 0.005, 0.01, 0.015]],
  ])('[%d, %d] by about %d → %j', (lo, hi, count, ticks) => {
    expect(niceTicks(lo, hi, count)).toEqual(ticks);
  });

  it('gives nothing for an empty or infinite range', () => {
    expect(niceTicks(1, 1)).toEqual([]);
    expect(niceTicks(0, Infinity)).toEqual([]);
  });
});

describe('plotMap', () => {
  const map = plotMap([-2, 2], [0, 1], { left: 50, top: 10, width: 200, height: 100 });

  it('puts x rightwards and y upwards', () => {
    expect([map.px(-2), map.px(0), map.px(2)]).toEqual([50, 150, 250]);
    expect([map.py(0), map.py(1)]).toEqual([110, 10]);
  });

  it('inverts itself', () => {
    expect(map.data(map.px(0.7), map.py(0.25))).toEqual({ x: expect.closeTo(0.7, 12), y: expect.closeTo(0.25, 12) });
  });
});

describe('roundForWindow', () => {
  it.each([
    [0.42137, 1.5, 0.42],
    [-1.29981, 1.5, -1.3],
    [3.14159, 15, 3.1],
    [0.012345, 0.1, 0.012],
    [-0.0001, 1.5, 0],
  ])('%d in a window of ±%d → %d', (value, extent, rounded) => {
    expect(roundForWindow(value, extent)).toBe(rounded);
  });
});

describe('behaviourOf', () => {
  it.each([
    [Math.sqrt(1.04), 'spirals out'],
    [1, 'cycles'],
    [1 + 1e-9, 'cycles'],
    [0.9, 'converges'],
  ])('ρ = %d %s', (rho, behaviour) => {
    expect(behaviourOf(rho)).toBe(behaviour);
  });

  it('counts only rounding as 1', () => {
    expect(behaviourOf(1.0004)).toBe('spirals out');
    expect(behaviourOf(1 - 2e-6)).toBe('converges');
  });
});

describe('the choice tables', () => {
  it('name every library method, variant and family', () => {
    expect(Object.keys(XY_METHOD_LABELS).sort()).toEqual([...BILINEAR_METHODS].sort());
    expect(DIRAC_VARIANT_KINDS).toEqual(['minimax', 'non-saturating', 'wasserstein', 'wgan-gp', 'r1', 'instance-noise']);
    expect(DIRAC_METHODS).toEqual(Object.keys(DIRAC_METHOD_LABELS));
    expect(DIRAC_METHODS).toEqual(['simultaneous', 'alternating', 'continuous']);
    expect(SHIFT_FAMILY_NAMES).toEqual(['gaussian', 'dirac', 'uniform']);
  });

  it.each([
    ['minimax', 3, { kind: 'minimax' }],
    ['non-saturating', 3, { kind: 'non-saturating' }],
    ['wasserstein', 0.5, { kind: 'wasserstein', clip: 0.5 }],
    ['wgan-gp', 2, { kind: 'wgan-gp', weight: 2 }],
    ['r1', 0.3, { kind: 'r1', weight: 0.3 }],
    ['instance-noise', 0.7, { kind: 'instance-noise', sigma: 0.7 }],
  ] as const)('builds the library variant %s from its value %d', (kind, value, variant) => {
    expect(diracVariant(kind, value)).toEqual(variant);
  });

  it('starts each parameter inside its slider, and the initial R1 variant converges where the plain one does not', () => {
    const values = initialVariantValues();
    for (const kind of DIRAC_VARIANT_KINDS) {
      const p = DIRAC_VARIANTS[kind].parameter;
      if (p) expect(values[kind]).toBeGreaterThanOrEqual(p.min), expect(values[kind]).toBeLessThanOrEqual(p.max);
      else expect(values[kind]).toBe(0);
    }
    const shrink = (v: DiracGanVariant) => {
      const path = diracGanTrajectory(v, { start: { theta: 1, psi: 1 }, steps: 1000, stepSize: 0.1 });
      return distanceToEquilibrium(path[path.length - 1]) / distanceToEquilibrium(path[0]);
    };
    expect(shrink(diracVariant('r1', values.r1))).toBeLessThan(1e-3);
    expect(shrink(diracVariant('minimax', values.minimax))).toBeGreaterThan(1);
  });

  it('pairs each family as divergences.ts defines it', () => {
    const [gp, gq] = SHIFT_FAMILIES.gaussian.pair(2);
    if (gp.kind !== 'density' || gq.kind !== 'density') throw new Error('Gaussians are densities');
    expect(gp.density(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    expect(gq.density(2)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    const [up, uq] = SHIFT_FAMILIES.uniform.pair(1.5);
    if (up.kind !== 'density' || uq.kind !== 'density') throw new Error('uniforms are densities');
    expect([up.density(0.5), up.density(1.2), uq.density(1.2), uq.density(2.5), uq.density(2.6)]).toEqual([1, 0, 0, 1, 0]);
    expect(uq.density.breakpoints).toEqual([1.5, 2.5]);
    expect(SHIFT_FAMILIES.dirac.pair(3)).toEqual([
      { kind: 'atom', at: 0 },
      { kind: 'atom', at: 3 },
    ]);
  });

  it('windows hold both distributions, and every family saturates at its largest shift', () => {
    expect(SHIFT_FAMILIES.gaussian.window(3)).toEqual([-4, 7]);
    expect(SHIFT_FAMILIES.uniform.window(2)).toEqual([-0.5, 3.5]);
    expect(SHIFT_FAMILIES.dirac.window(1)).toEqual([-1, 2]);
    for (const f of SHIFT_FAMILY_NAMES) {
      const far = divergenceCurves(f, [SHIFT_FAMILIES[f].maxShift])[0];
      expect(far.js).toBeCloseTo(Math.LN2, 6);
      expect(far.w1).toBeCloseTo(SHIFT_FAMILIES[f].maxShift, 12);
    }
  });
});

describe('viewExtent and drawablePrefix', () => {
  it('fits a path near its start, and caps one that leaves at three times the start', () => {
    const start = { x: 1, y: 1 };
    expect(viewExtent([start, { x: 0.5, y: -0.2 }], start)).toBe(1.5);
    expect(viewExtent([start, { x: 1e9, y: 0 }], start)).toBe(4);
    expect(viewExtent([{ x: 0, y: 0 }], { x: 0, y: 0 })).toBe(1.5);
    expect(viewExtent([start, { x: NaN, y: Infinity }], start)).toBe(1.5);
  });

  it('draws up to the first point far outside the window, and no overflow', () => {
    const path = [{ x: 1, y: 0 }, { x: 10, y: 0 }, { x: 1e6, y: 0 }, { x: Infinity, y: 0 }, { x: NaN, y: NaN }];
    expect(drawablePrefix(path, 2)).toBe(3);
    expect(drawablePrefix(path.slice(0, 2), 2)).toBe(2);
    expect(drawablePrefix([{ x: 1, y: 0 }, { x: Infinity, y: 0 }], 2)).toBe(1);
  });
});

describe('formatValue and log10OrNull', () => {
  it.each([
    [Math.LN2, '0.6931'],
    [3.2e-9, '3.20e-9'],
    [123456, '1.23e+5'],
    [0, '0.0000'],
    [Infinity, '∞'],
    [NaN, '–'],
  ])('%d → %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it('takes log₁₀, and turns what has none into gaps', () => {
    expect(log10OrNull([1, 0, -2, Infinity, NaN, 1e-30, 1000])).toEqual([0, null, null, null, null, -30, 3]);
  });
});

describe('growthOf', () => {
  it('is the library measured rate, or NaN where it has none', () => {
    expect(growthOf([1, 0.5, 0.25, 0.125, 0.0625])).toBeCloseTo(0.5, 12);
    expect(growthOf([1, 2, 0])).toBeNaN();
    expect(growthOf([1, Infinity])).toBeNaN();
    expect(growthOf([1])).toBeNaN();
  });
});
