/**
 * Eigendecomposition of dense real symmetric matrices in float64, for the matrix square roots of
 * the Fréchet distance. `src/theory/eigen.ts` serves small non-symmetric game Jacobians and gives
 * eigenvalues only; FID needs eigenvectors of 64…2048-wide covariances, so this file uses the
 * symmetric algorithm: Householder reduction to tridiagonal form, then implicit QR steps with the
 * Wilkinson shift (Golub & Van Loan, *Matrix Computations*, §8.3). Both are backward stable, and
 * the eigenvalues of a symmetric matrix are well conditioned, so a covariance's spectrum is exact
 * to about ε·‖A‖.
 */

/** Eigenvalues (ascending) and, if asked for, orthonormal eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** The n eigenvalues, ascending. */
  readonly values: Float64Array;
  /**
   * n × n, row-major, row i the unit eigenvector of `values[i]`, so A = Σᵢ λᵢ vᵢ vᵢᵀ. Present when
   * the call asked for vectors.
   */
  readonly vectors?: Float64Array;
}

const EPS = Number.EPSILON;
const MAX_STEPS_PER_VALUE = 40;

/**
 * Eigenvalues and optionally eigenvectors of the symmetric n × n matrix `a` (row-major; only its
 * lower triangle is read, so a matrix symmetric up to round-off is fine). O(n³): about 1.3 s for
 * n = 784 with vectors on one core. `a` is not modified.
 *
 * @example
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2, { vectors: true }); // values [1, 3]
 */
export function symmetricEigen(a: Float64Array, n: number, options: { vectors?: boolean } = {}): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`symmetricEigen: n must be an integer ≥ 1, got ${n}`);
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: need ${n}·${n} = ${n * n} entries, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`symmetricEigen: entry ${Math.floor(i / n)},${i % n} is ${a[i]}`);
  }
  const wantVectors = options.vectors === true;
  const work = new Float64Array(n * n);
  // Symmetrize from the lower triangle so the reduction sees an exactly symmetric matrix.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      work[i * n + j] = a[i * n + j];
      work[j * n + i] = a[i * n + j];
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const w = wantVectors ? new Float64Array(n * n) : undefined;
  tridiagonalize(work, n, d, e, w);
  tridiagonalQr(d, e, n, w);
  return sortAscending(d, n, w);
}

/**
 * Householder reduction A = Q T Qᵀ with T tridiagonal (diagonal `d`, sub-diagonal `e[0…n−2]`).
 * With `w`, fills it with Qᵀ (row-major), so that rows of later rotations of `w` are eigenvectors.
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, w: Float64Array | undefined): void {
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  const reflectors: Float64Array[] = [];
  for (let k = 0; k < n - 2; k++) {
    // Reflect column k below the diagonal, x = a[k+1…n−1][k], onto a multiple of e₁.
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[i * n + k] ** 2;
    const x0 = a[(k + 1) * n + k];
    if (norm2 === 0 || norm2 === x0 * x0) {
      // Already tridiagonal in this column (or only its first entry is nonzero): no reflection.
      reflectors.push(new Float64Array(0));
      continue;
    }
    const norm = Math.sqrt(norm2);
    // α has the sign opposite to x₀, so v = x − αe₁ never cancels.
    const alpha = x0 >= 0 ? -norm : norm;
    let vnorm2 = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i * n + k];
      if (i === k + 1) v[i] -= alpha;
      vnorm2 += v[i] * v[i];
    }
    const scale = 1 / Math.sqrt(vnorm2);
    for (let i = k + 1; i < n; i++) v[i] *= scale;
    // A₂₂ ← H A₂₂ H with H = I − 2vvᵀ, as A₂₂ − 2(v qᵀ + q vᵀ), p = A₂₂v, q = p − (vᵀp)v.
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) s += a[row + j] * v[j];
      p[i] = s;
      vp += v[i] * s;
    }
    for (let i = k + 1; i < n; i++) p[i] -= vp * v[i];
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = 2 * v[i];
      const pi = 2 * p[i];
      for (let j = k + 1; j < n; j++) a[row + j] -= vi * p[j] + pi * v[j];
    }
    a[(k + 1) * n + k] = alpha;
    a[k * n + k + 1] = alpha;
    for (let i = k + 2; i < n; i++) {
      a[i * n + k] = 0;
      a[k * n + i] = 0;
    }
    if (w) reflectors.push(v.slice(k + 1));
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  for (let i = 0; i < n - 1; i++) e[i] = a[(i + 1) * n + i];
  e[n - 1] = 0;
  if (!w) return;
  // Qᵀ = H_{n−3} ⋯ H₀. Built as I·H_{n−3}·…·H₀ from the right: before H_k is applied, Qᵀ is the
  // identity outside rows and columns > k, so each step touches only the trailing block.
  w.fill(0);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const r = reflectors[k];
    if (r.length === 0) continue;
    const off = k + 1;
    for (let i = off; i < n; i++) {
      const row = i * n + off;
      let s = 0;
      for (let j = 0; j < r.length; j++) s += w[row + j] * r[j];
      s *= 2;
      for (let j = 0; j < r.length; j++) w[row + j] -= s * r[j];
    }
  }
}

/**
 * Diagonalizes the symmetric tridiagonal (d, e) in place by implicit shifted QR steps, each chasing
 * a bulge down the band with Givens rotations. With `w`, the same rotations are applied to its
 * rows, so row i ends as the eigenvector of d[i].
 */
function tridiagonalQr(d: Float64Array, e: Float64Array, n: number, w: Float64Array | undefined): void {
  let hi = n - 1;
  let steps = 0;
  while (hi > 0) {
    // Deflate: a negligible off-diagonal splits the problem.
    if (Math.abs(e[hi - 1]) <= EPS * (Math.abs(d[hi - 1]) + Math.abs(d[hi]))) {
      e[hi - 1] = 0;
      hi -= 1;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && Math.abs(e[lo - 1]) > EPS * (Math.abs(d[lo - 1]) + Math.abs(d[lo]))) lo -= 1;
    if (lo > 0) e[lo - 1] = 0;
    steps += 1;
    if (steps > MAX_STEPS_PER_VALUE * n) throw new RangeError(`symmetricEigen: QR iteration did not converge after ${steps} steps`);
    // Wilkinson shift: the eigenvalue of the trailing 2×2 block nearer d[hi].
    const delta = (d[hi - 1] - d[hi]) / 2;
    const b2 = e[hi - 1] * e[hi - 1];
    const mu = d[hi] - b2 / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, e[hi - 1]));
    let x = d[lo] - mu;
    let z = e[lo];
    for (let k = lo; k < hi; k++) {
      // Rotation P in the (k, k+1) plane with T ← P T Pᵀ, chosen to zero z (the bulge, or for the
      // first rotation the second entry of T's shifted first column).
      const r = Math.hypot(x, z);
      const c = r === 0 ? 1 : x / r;
      const s = r === 0 ? 0 : z / r;
      if (k > lo) e[k - 1] = r;
      const dk = d[k];
      const dk1 = d[k + 1];
      const ek = e[k];
      d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
      d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
      e[k] = (c * c - s * s) * ek + c * s * (dk1 - dk);
      if (k < hi - 1) {
        z = s * e[k + 1];
        e[k + 1] *= c;
        x = e[k];
      }
      if (w) {
        const rk = k * n;
        const rk1 = (k + 1) * n;
        for (let j = 0; j < n; j++) {
          const a = w[rk + j];
          const b = w[rk1 + j];
          w[rk + j] = c * a + s * b;
          w[rk1 + j] = c * b - s * a;
        }
      }
    }
  }
}

function sortAscending(d: Float64Array, n: number, w: Float64Array | undefined): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!w) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => vectors.set(w.subarray(src * n, (src + 1) * n), dst * n));
  return { values, vectors };
}
