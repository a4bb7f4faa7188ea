import { describe, expect, it } from 'vitest';
import { gaussianDensity, gaussianMixtureDensity, simpson, uniformDensity, uniformGrid, withBreakpoints } from '../../src/theory/index.ts';

const close = (actual: number, expected: number, tol: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);

describe('densities: values against the formulas', () => {
  it.each([
    ['N(0,1) at 0', gaussianDensity(0, 1), 0, 1 / Math.sqrt(2 * Math.PI)],
    ['N(0,1) at 1', gaussianDensity(0, 1), 1, Math.exp(-0.5) / Math.sqrt(2 * Math.PI)],
    ['N(2,0.5²) at 3', gaussianDensity(2, 0.5), 3, Math.exp(-2) / (0.5 * Math.sqrt(2 * Math.PI))],
    ['U[0,2] inside', uniformDensity(0, 2), 1.5, 0.5],
    ['U[0,2] at an end', uniformDensity(0, 2), 2, 0.5],
    ['U[0,2] outside', uniformDensity(0, 2), 2.0001, 0],
    [
      'mixture ¼N(−1,1) + ¾N(2,0.5²) at 0 (weights 1 and 3, normalised)',
      gaussianMixtureDensity([
        { weight: 1, mean: -1, std: 1 },
        { weight: 3, mean: 2, std: 0.5 },
      ]),
      0,
      0.25 * gaussianDensity(-1, 1)(0) + 0.75 * gaussianDensity(2, 0.5)(0),
    ],
  ])('%s', (_name, density, x, expected) => {
    close(density(x), expected, 1e-15);
  });

  it.each([
    ['N(0,1)', gaussianDensity(0, 1)],
    ['N(3,0.2²)', gaussianDensity(3, 0.2)],
    ['U[-1,0.37]', uniformDensity(-1, 0.37)],
    [
      'two-mode mixture',
      gaussianMixtureDensity([
        { weight: 2, mean: -3, std: 0.4 },
        { weight: 1, mean: 4, std: 1.5 },
      ]),
    ],
  ])('%s integrates to 1 (Simpson on [-15, 15])', (_name, density) => {
    close(simpson(density, uniformGrid(-15, 15, 6000), density.breakpoints), 1, 1e-10);
  });

  it.each([
    ['std 0', () => gaussianDensity(0, 0), /std must be/],
    ['empty interval', () => uniformDensity(1, 1), /low < high/],
    ['no components', () => gaussianMixtureDensity([]), /at least one component/],
    ['a zero weight', () => gaussianMixtureDensity([{ weight: 0, mean: 0, std: 1 }]), /components\[0\]\.weight/],
  ])('rejects %s with a message naming the problem', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('simpson quadrature', () => {
  it.each([
    ['x³ − 2x on [0, 2] (exact for cubics, 2 intervals)', (x: number) => x ** 3 - 2 * x, uniformGrid(0, 2, 2), 0],
    ['x⁴ on [0, 1] with h = 1/1000 (error h⁴/180)', (x: number) => x ** 4, uniformGrid(0, 1, 1000), 0.2],
    ['cos on [0, π/2] with h = π/4000 (error below 1e-13)', Math.cos, uniformGrid(0, Math.PI / 2, 2000), 1],
  ])('%s', (_name, f, grid, expected) => {
    close(simpson(f, grid), expected, 1e-12);
  });

  it.each([
    ['a step at 0.3 off the grid nodes', 0.3, 1 - 0.3],
    ['a step at 0.5, on a node', 0.5, 0.5],
    ['a step at 0.123456789', 0.123456789, 1 - 0.123456789],
  ])('integrates a step exactly when told its breakpoint: %s', (_name, at, expected) => {
    const step = withBreakpoints((x) => (x >= at ? 1 : 0), [at]);
    close(simpson(step, uniformGrid(0, 1, 10), step.breakpoints), expected, 1e-14);
  });

  it('misses the same step by O(h) without the breakpoint, so the split is what makes it exact', () => {
    const step = (x: number) => (x >= 0.3 ? 1 : 0);
    expect(Math.abs(simpson(step, uniformGrid(0, 1, 10)) - 0.7)).toBeGreaterThan(1e-3);
  });

  it.each([
    ['min ≥ max', () => uniformGrid(1, 1, 10), /min < max/],
    ['one interval', () => uniformGrid(0, 1, 1), /intervals/],
  ])('rejects a grid with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
