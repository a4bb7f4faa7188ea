import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/metrics/symmetric-eigen.ts';
import { Rng } from '../../src/tensor/rng.ts';

function randomSymmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/** max |A vᵢ − λᵢ vᵢ| and max |VVᵀ − I| over all entries. */
function residuals(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { eig: number; orth: number } {
  let eig = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[r * n + c] * vectors[i * n + c];
      eig = Math.max(eig, Math.abs(s - values[i] * vectors[i * n + r]));
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += vectors[i * n + c] * vectors[j * n + c];
      orth = Math.max(orth, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return { eig, orth };
}

describe('symmetricEigen', () => {
  it('gives the closed form of a 2×2: (a+d)/2 ± √(((a−d)/2)² + b²)', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(3, 1.5, 1.5, -1), 2, { vectors: true });
    const r = Math.sqrt(4 + 2.25);
    expect(values[0]).toBeCloseTo(1 - r, 14);
    expect(values[1]).toBeCloseTo(1 + r, 14);
    expect(residuals(Float64Array.of(3, 1.5, 1.5, -1), 2, values, vectors!).eig).toBeLessThan(1e-14);
  });

  it.each([1, 3, 10, 57])('decomposes a random symmetric n × n matrix, n = %i: A v = λ v, V orthonormal, Σλ = tr A', (n) => {
    const a = randomSymmetric(n, new Rng(n));
    const { values, vectors } = symmetricEigen(a, n, { vectors: true });
    const { eig, orth } = residuals(a, n, values, vectors!);
    expect(eig).toBeLessThan(1e-12 * n);
    expect(orth).toBeLessThan(1e-13 * n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    // Values-only mode gives the same spectrum.
    const only = symmetricEigen(a, n);
    expect(only.vectors).toBeUndefined();
    for (let i = 0; i < n; i++) expect(only.values[i]).toBeCloseTo(values[i], 12);
  });

  it('recovers a planted spectrum with repeated and zero eigenvalues (Q diag(λ) Qᵀ, Q from a Householder)', () => {
    const n = 6;
    const planted = [0, 0, 1, 1, 1, 5];
    const u = Float64Array.of(1, -2, 0.5, 3, 1, -1);
    const un = Math.hypot(...u);
    const Q = (i: number, j: number): number => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / (un * un);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += Q(i, k) * planted[k] * Q(j, k);
    const { values, vectors } = symmetricEigen(a, n, { vectors: true });
    planted.forEach((l, i) => expect(values[i]).toBeCloseTo(l, 13));
    expect(residuals(a, n, values, vectors!).orth).toBeLessThan(1e-13);
  });

  it('handles an already diagonal matrix and refuses bad input', () => {
    expect(Array.from(symmetricEigen(Float64Array.of(2, 0, 0, 0, -1, 0, 0, 0, 7), 3).values)).toEqual([-1, 2, 7]);
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow('symmetricEigen: need 2·2 = 4 entries, got 3');
    expect(() => symmetricEigen(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2)).toThrow('symmetricEigen: entry 0,1 is NaN');
  });
});
