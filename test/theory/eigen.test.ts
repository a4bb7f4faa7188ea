import { describe, expect, it } from 'vitest';
import { applyMatrix, eigenvalues, eigenvalues2x2, formatEigenvalues, spectralRadius, type Complex, type Matrix } from '../../src/theory/index.ts';
import { c, expectSameEigenvalues } from './expect-eigenvalues.ts';

/** The companion matrix of the monic polynomial with these roots (real coefficients). */
function companion(roots: readonly Complex[]): Matrix {
  // Multiply out Π(λ − rᵢ) in complex arithmetic; the imaginary parts cancel for conjugate pairs.
  let coeffs: Complex[] = [c(1)];
  for (const r of roots) {
    const next: Complex[] = [...coeffs.map((x) => ({ ...x })), c(0)];
    for (let i = 0; i < coeffs.length; i++) {
      next[i + 1] = { re: next[i + 1].re - (r.re * coeffs[i].re - r.im * coeffs[i].im), im: next[i + 1].im - (r.re * coeffs[i].im + r.im * coeffs[i].re) };
    }
    coeffs = next;
  }
  const n = roots.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === 0 ? -coeffs[j + 1].re : i === j + 1 ? 1 : 0)),
  );
}

/** Q·B·Qᵀ with Q a product of plane rotations, so the eigenvalues of B are kept and Qᵀ = Q⁻¹ exactly in theory. */
function rotateSimilar(b: Matrix, angles: readonly [number, number, number][]): number[][] {
  let m = b.map((row) => [...row]);
  for (const [p, q, angle] of angles) {
    const [cs, sn] = [Math.cos(angle), Math.sin(angle)];
    const g = m.map((_, i) => m.map((__, j) => (i === j ? (i === p || i === q ? cs : 1) : i === p && j === q ? -sn : i === q && j === p ? sn : 0)));
    const gt = g.map((row, i) => row.map((_, j) => g[j][i]));
    m = multiply(multiply(g, m), gt);
  }
  return m;
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

describe('eigenvalues2x2 (closed form)', () => {
  it.each([
    ['a rotation-scaling [[1,−η],[η,1]], η = 0.3', [[1, -0.3], [0.3, 1]], [c(1, 0.3), c(1, -0.3)]],
    ['diagonal', [[2, 0], [0, 3]], [c(3), c(2)]],
    ['swap', [[0, 1], [1, 0]], [c(1), c(-1)]],
    ['a Jordan block', [[1, 1], [0, 1]], [c(1), c(1)]],
    ['the zero matrix', [[0, 0], [0, 0]], [c(0), c(0)]],
  ] as [string, number[][], Complex[]][])('%s', (_name, m, expected) => {
    expectSameEigenvalues(eigenvalues2x2(m), expected, 1e-14);
  });

  it('keeps the small root of widely spread real roots to full relative precision', () => {
    // [[1e8, 1], [1, 0]]: λ ≈ 1e8 and λ = −1/λ₁ ≈ −1e-8; tr/2 − √disc would cancel to 0.
    const [big, small] = eigenvalues2x2([[1e8, 1], [1, 0]]);
    expect(Math.abs(big.re * small.re + 1)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(small.re / -1e-8 - 1)).toBeLessThanOrEqual(1e-15);
  });

  it('rejects a non-2×2 matrix', () => {
    expect(() => eigenvalues2x2([[1]])).toThrow(/2×2/);
  });
});

describe('eigenvalues (Hessenberg + shifted complex QR)', () => {
  it.each([
    ['four real roots', [c(1), c(2), c(-3), c(0.5)]],
    ['two conjugate pairs', [c(1, 2), c(1, -2), c(-0.5, 0.3), c(-0.5, -0.3)]],
    ['mixed, 5×5', [c(4), c(0.1, 1.5), c(0.1, -1.5), c(-2), c(0.7)]],
    ['mixed, 6×6', [c(-1, 1), c(-1, -1), c(3), c(0.25, 0.5), c(0.25, -0.5), c(-0.01)]],
    ['a cubic with roots on the unit circle', [c(1), c(-0.5, Math.sqrt(3) / 2), c(-0.5, -Math.sqrt(3) / 2)]],
  ])('companion matrix with %s', (_name, roots) => {
    expectSameEigenvalues(eigenvalues(companion(roots)), roots, 1e-9);
  });

  it.each([
    ['3×3 cyclic permutation (needs the exceptional shift)', [[0, 0, 1], [1, 0, 0], [0, 1, 0]], [c(1), c(-0.5, Math.sqrt(3) / 2), c(-0.5, -Math.sqrt(3) / 2)]],
    ['4×4 cyclic permutation', [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], [c(1), c(0, 1), c(-1), c(0, -1)]],
    ['4×4 identity (repeated eigenvalue)', [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [c(1), c(1), c(1), c(1)]],
    ['upper triangular', [[2, 5, -1], [0, -3, 4], [0, 0, 0.5]], [c(2), c(-3), c(0.5)]],
    ['1×1', [[7]], [c(7)]],
  ] as [string, number[][], Complex[]][])('%s', (_name, m, expected) => {
    expectSameEigenvalues(eigenvalues(m), expected, 1e-12);
  });

  it.each([
    [
      'a 4×4 block-triangular matrix with a 2×2 rotation block, rotated into a dense one',
      [[0.9, -0.4, 1, 2], [0.4, 0.9, -3, 0.5], [0, 0, -1.2, 7], [0, 0, 0, 0.3]],
      [c(0.9, 0.4), c(0.9, -0.4), c(-1.2), c(0.3)],
    ],
    [
      'a 5×5 one',
      [[2, 1, 0, 0, 1], [-1, 2, 1, 0, 0], [0, 0, -1, 3, 0], [0, 0, -3, -1, 2], [0, 0, 0, 0, 0.01]],
      [c(2, 1), c(2, -1), c(-1, 3), c(-1, -3), c(0.01)],
    ],
  ] as [string, number[][], Complex[]][])('%s', (_name, b, expected) => {
    const m = rotateSimilar(b, [
      [0, 1, 0.7],
      [1, 2, -1.1],
      [0, 3, 0.4],
      [2, 3, 2.3],
    ]);
    expect(m[3][0]).not.toBe(0);
    expectSameEigenvalues(eigenvalues(m), expected, 1e-12);
  });

  it('the eigenvalues of a dense matrix sum to its trace and multiply to its determinant', () => {
    const m = [
      [0.3, -1.2, 2.0, 0.7],
      [1.1, 0.4, -0.6, 1.5],
      [-0.8, 2.2, 0.1, -0.3],
      [0.5, 0.9, 1.7, -1.4],
    ];
    const values = eigenvalues(m);
    const sum = values.reduce((s, v) => ({ re: s.re + v.re, im: s.im + v.im }), c(0));
    const product = values.reduce((p, v) => ({ re: p.re * v.re - p.im * v.im, im: p.re * v.im + p.im * v.re }), c(1));
    const trace = m.reduce((s, row, i) => s + row[i], 0);
    // Determinant by cofactor expansion along the first row.
    const minor = (a: number[][], col: number) => a.slice(1).map((row) => row.filter((_, j) => j !== col));
    const det = (a: number[][]): number => (a.length === 1 ? a[0][0] : a[0].reduce((s, v, j) => s + (j % 2 === 0 ? 1 : -1) * v * det(minor(a, j)), 0));
    expect(Math.abs(sum.re - trace)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(sum.im)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(product.re - det(m))).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(product.im)).toBeLessThanOrEqual(1e-12);
  });

  it('sorts by decreasing modulus', () => {
    const moduli = eigenvalues(companion([c(0.5), c(-3), c(1, 1), c(1, -1)])).map((v) => Math.hypot(v.re, v.im));
    expect(moduli).toEqual([...moduli].sort((a, b) => b - a));
  });

  it.each([
    ['empty', [], /empty/],
    ['ragged', [[1, 2], [3]], /square/],
    ['non-finite', [[1, NaN], [0, 1]], /not finite/],
  ] as [string, number[][], RegExp][])('rejects a %s matrix', (_name, m, message) => {
    expect(() => eigenvalues(m)).toThrow(message);
  });
});

describe('spectralRadius and applyMatrix', () => {
  it.each([
    ['[[1,−0.1],[0.1,1]]', [[1, -0.1], [0.1, 1]], Math.sqrt(1.01)],
    ['diag(−4, 0.25)', [[-4, 0], [0, 0.25]], 4],
    ['4×4 cyclic permutation', [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], 1],
  ] as [string, number[][], number][])('ρ(%s)', (_name, m, expected) => {
    expect(spectralRadius(m)).toBeCloseTo(expected, 12);
  });

  it('applyMatrix multiplies', () => {
    expect(applyMatrix([[0, -1], [1, 0], [2, 3]], [1, 2])).toEqual([-2, 1, 8]);
  });
});

describe('formatEigenvalues', () => {
  it.each([
    [[c(1, 0.2), c(1, -0.2), c(0.5)], '1.000 ± 0.200i, 0.500'],
    [[c(0, 0.5), c(0, -0.5)], '0.000 ± 0.500i'],
    [[c(-0.25), c(-1)], '-0.250, -1.000'],
    // Not a conjugate pair: each is written on its own, the sign of its imaginary part spelt out.
    [[c(0.5, 0.5), c(0.5, -0.25)], '0.500 + 0.500i, 0.500 − 0.250i'],
  ])('%j → %s', (values, text) => {
    expect(formatEigenvalues(values)).toBe(text);
  });
});
