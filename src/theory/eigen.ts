/**
 * Eigenvalues of small dense real matrices: closed form for 2×2, shifted QR iteration otherwise.
 */

/** A complex number; eigenvalues of a real matrix come in conjugate pairs. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** A dense real matrix, row-major: `m[i][j]` is row i, column j. */
export type Matrix = readonly (readonly number[])[];

/** |z|. */
export function complexAbs(z: Complex): number {
  return Math.hypot(z.re, z.im);
}

/**
 * m·v for a square or rectangular matrix.
 *
 * @example
 * applyMatrix([[0, -1], [1, 0]], [1, 0]); // [0, 1]
 */
export function applyMatrix(m: Matrix, v: readonly number[]): number[] {
  return m.map((row) => {
    if (row.length !== v.length) throw new RangeError(`applyMatrix: row has ${row.length} columns, vector has ${v.length} entries`);
    let sum = 0;
    for (let j = 0; j < row.length; j++) sum += row[j] * v[j];
    return sum;
  });
}

/**
 * Both eigenvalues of [[a, b], [c, d]]: λ = (a+d)/2 ± √(((a−d)/2)² + bc). Writing the
 * discriminant as ((a−d)/2)² + bc rather than tr²/4 − det avoids cancellation when a ≈ d; for real
 * roots the smaller one is det/λ₁, which avoids cancellation when they differ greatly in size.
 * Sorted by decreasing modulus, then decreasing imaginary part.
 *
 * @example
 * eigenvalues2x2([[1, -0.5], [0.5, 1]]); // 1 ± 0.5i
 */
export function eigenvalues2x2(m: Matrix): [Complex, Complex] {
  checkSquare(m, 'eigenvalues2x2');
  if (m.length !== 2) throw new RangeError(`eigenvalues2x2: need a 2×2 matrix, got ${m.length}×${m.length}`);
  const [[a, b], [c, d]] = m;
  const [l1, l2] = quadraticRoots(a, b, c, d);
  return sortEigenvalues([l1, l2]) as [Complex, Complex];
}

/**
 * All eigenvalues of a square real matrix (with multiplicity), sorted by decreasing modulus, then
 * decreasing imaginary part. 1×1 and 2×2 use closed forms; larger matrices are reduced to upper
 * Hessenberg form by Givens rotations and then iterated with single-shift complex QR steps
 * (Wilkinson shift, an exceptional shift every 10 stalled sweeps, deflation when a subdiagonal
 * entry falls below machine epsilon relative to its diagonal neighbours, and the closed form on
 * trailing 2×2 blocks). Backward stable; a defective eigenvalue of multiplicity k is only
 * accurate to about ε^(1/k), as for any method.
 *
 * @example
 * eigenvalues([[0, 0, 1], [1, 0, 0], [0, 1, 0]]); // the cube roots of unity
 */
export function eigenvalues(m: Matrix): Complex[] {
  checkSquare(m, 'eigenvalues');
  if (m.length === 1) return [{ re: m[0][0], im: 0 }];
  if (m.length === 2) return eigenvalues2x2(m);
  return sortEigenvalues(qrEigenvalues(m));
}

/**
 * max |λ| over the eigenvalues of `m`: the per-step growth factor of the linear map x ↦ m·x for
 * almost every start once transients have decayed.
 *
 * @example
 * spectralRadius([[1, -0.1], [0.1, 1]]); // √1.01
 */
export function spectralRadius(m: Matrix): number {
  return Math.max(...eigenvalues(m).map(complexAbs));
}

/**
 * Eigenvalues as text to three decimals, conjugate pairs folded into a ± bi.
 *
 * @example
 * formatEigenvalues([{ re: 1, im: 0.2 }, { re: 1, im: -0.2 }, { re: 0.5, im: 0 }]); // '1.000 ± 0.200i, 0.500'
 */
export function formatEigenvalues(values: readonly Complex[]): string {
  const out: string[] = [];
  const used = new Set<number>();
  values.forEach((v, i) => {
    if (used.has(i)) return;
    used.add(i);
    const mate = values.findIndex((w, j) => !used.has(j) && Math.abs(w.re - v.re) < 1e-9 && Math.abs(w.im + v.im) < 1e-9 && v.im !== 0);
    if (mate >= 0) {
      used.add(mate);
      out.push(`${v.re.toFixed(3)} ± ${Math.abs(v.im).toFixed(3)}i`);
    } else out.push(v.im === 0 ? v.re.toFixed(3) : `${v.re.toFixed(3)} ${v.im < 0 ? '−' : '+'} ${Math.abs(v.im).toFixed(3)}i`);
  });
  return out.join(', ');
}

function checkSquare(m: Matrix, where: string): void {
  const n = m.length;
  if (n === 0) throw new RangeError(`${where}: the matrix is empty`);
  for (const [i, row] of m.entries()) {
    if (row.length !== n) throw new RangeError(`${where}: need a square matrix, row ${i} has ${row.length} entries, expected ${n}`);
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError(`${where}: entry in row ${i} is not finite (${v})`);
  }
}

function sortEigenvalues(values: Complex[]): Complex[] {
  return [...values].sort((x, y) => complexAbs(y) - complexAbs(x) || y.im - x.im);
}

/** Roots of λ² − (a+d)λ + (ad − bc) for real a, b, c, d. */
function quadraticRoots(a: number, b: number, c: number, d: number): [Complex, Complex] {
  const half = (a + d) / 2;
  const disc = ((a - d) / 2) ** 2 + b * c;
  if (disc < 0) {
    const im = Math.sqrt(-disc);
    return [
      { re: half, im },
      { re: half, im: -im },
    ];
  }
  const root = Math.sqrt(disc);
  const big = half + (half >= 0 ? root : -root);
  const det = a * d - b * c;
  const small = big !== 0 ? det / big : 0;
  return [
    { re: big, im: 0 },
    { re: small, im: 0 },
  ];
}

// ---- complex QR iteration --------------------------------------------------------------------

/** A mutable complex matrix as separate real and imaginary parts. */
interface Work {
  readonly n: number;
  readonly re: Float64Array[];
  readonly im: Float64Array[];
}

/** A unitary Givens rotation G = [[c̄, s̄], [−s, c]] with |c|² + |s|² = 1. */
interface Rotation {
  readonly cr: number;
  readonly ci: number;
  readonly sr: number;
  readonly si: number;
}

const EPS = Number.EPSILON;
const EXCEPTIONAL_EVERY = 10;
const MAX_SWEEPS_PER_EIGENVALUE = 60;

function qrEigenvalues(m: Matrix): Complex[] {
  const n = m.length;
  const w: Work = { n, re: m.map((row) => Float64Array.from(row)), im: m.map(() => new Float64Array(n)) };
  toHessenberg(w);
  const scale = frobenius(w) || 1;
  const found: Complex[] = [];
  let hi = n - 1;
  let stalled = 0;
  let sweeps = 0;
  while (hi >= 0) {
    const lo = activeStart(w, hi, scale);
    if (lo === hi) {
      found.push({ re: w.re[hi][hi], im: w.im[hi][hi] });
      hi -= 1;
      stalled = 0;
      continue;
    }
    if (lo === hi - 1) {
      found.push(...block2x2Eigenvalues(w, lo));
      hi -= 2;
      stalled = 0;
      continue;
    }
    stalled += 1;
    sweeps += 1;
    if (sweeps > MAX_SWEEPS_PER_EIGENVALUE * n) {
      throw new RangeError(`eigenvalues: QR iteration did not converge after ${sweeps} sweeps`);
    }
    const shift = stalled % EXCEPTIONAL_EVERY === 0 ? exceptionalShift(w, hi) : wilkinsonShift(w, hi);
    qrSweep(w, lo, hi, shift);
  }
  return found;
}

/** Lowest row of the unreduced block ending at `hi`; zeroes the negligible subdiagonal above it. */
function activeStart(w: Work, hi: number, scale: number): number {
  let l = hi;
  while (l > 0) {
    const sub = Math.hypot(w.re[l][l - 1], w.im[l][l - 1]);
    const neighbours = Math.hypot(w.re[l - 1][l - 1], w.im[l - 1][l - 1]) + Math.hypot(w.re[l][l], w.im[l][l]);
    if (sub <= EPS * (neighbours || scale)) {
      w.re[l][l - 1] = 0;
      w.im[l][l - 1] = 0;
      return l;
    }
    l -= 1;
  }
  return 0;
}

function frobenius(w: Work): number {
  let sum = 0;
  for (let i = 0; i < w.n; i++) for (let j = 0; j < w.n; j++) sum += w.re[i][j] ** 2 + w.im[i][j] ** 2;
  return Math.sqrt(sum);
}

/** Zeroes everything below the first subdiagonal by rotations applied as similarities. */
function toHessenberg(w: Work): void {
  for (let j = 0; j < w.n - 2; j++) {
    for (let i = w.n - 1; i >= j + 2; i--) {
      const g = rotationFor(w, i - 1, j, i, j);
      if (!g) continue;
      rotateRows(w, g, i - 1, i, 0, w.n - 1);
      rotateColumns(w, g, i - 1, i, 0, w.n - 1);
      w.re[i][j] = 0;
      w.im[i][j] = 0;
    }
  }
}

/** One shifted QR step H − μI = QR, H ← RQ + μI on rows/columns lo..hi. */
function qrSweep(w: Work, lo: number, hi: number, shift: Complex): void {
  for (let k = lo; k <= hi; k++) {
    w.re[k][k] -= shift.re;
    w.im[k][k] -= shift.im;
  }
  const rotations: (Rotation | null)[] = [];
  for (let k = lo; k < hi; k++) {
    const g = rotationFor(w, k, k, k + 1, k);
    rotations.push(g);
    if (!g) continue;
    rotateRows(w, g, k, k + 1, k, hi);
    w.re[k + 1][k] = 0;
    w.im[k + 1][k] = 0;
  }
  for (let k = lo; k < hi; k++) {
    const g = rotations[k - lo];
    if (g) rotateColumns(w, g, k, k + 1, lo, Math.min(k + 1, hi));
  }
  for (let k = lo; k <= hi; k++) {
    w.re[k][k] += shift.re;
    w.im[k][k] += shift.im;
  }
}

/** The rotation that maps (w[p][col], w[q][col]) to (r, 0), or null if both are 0. */
function rotationFor(w: Work, p: number, colP: number, q: number, colQ: number): Rotation | null {
  const ar = w.re[p][colP];
  const ai = w.im[p][colP];
  const br = w.re[q][colQ];
  const bi = w.im[q][colQ];
  const r = Math.hypot(ar, ai, br, bi);
  if (r === 0) return null;
  return { cr: ar / r, ci: ai / r, sr: br / r, si: bi / r };
}

/** Rows p, q ← G·(rows p, q) on columns c0..c1: p ← c̄·p + s̄·q, q ← −s·p + c·q. */
function rotateRows(w: Work, g: Rotation, p: number, q: number, c0: number, c1: number): void {
  const { cr, ci, sr, si } = g;
  for (let j = c0; j <= c1; j++) {
    const xr = w.re[p][j];
    const xi = w.im[p][j];
    const yr = w.re[q][j];
    const yi = w.im[q][j];
    w.re[p][j] = cr * xr + ci * xi + sr * yr + si * yi;
    w.im[p][j] = cr * xi - ci * xr + sr * yi - si * yr;
    w.re[q][j] = -(sr * xr - si * xi) + (cr * yr - ci * yi);
    w.im[q][j] = -(sr * xi + si * xr) + (cr * yi + ci * yr);
  }
}

/** Columns p, q ← (columns p, q)·Gᴴ on rows r0..r1: p ← c·p + s·q, q ← −s̄·p + c̄·q. */
function rotateColumns(w: Work, g: Rotation, p: number, q: number, r0: number, r1: number): void {
  const { cr, ci, sr, si } = g;
  for (let i = r0; i <= r1; i++) {
    const xr = w.re[i][p];
    const xi = w.im[i][p];
    const yr = w.re[i][q];
    const yi = w.im[i][q];
    w.re[i][p] = cr * xr - ci * xi + (sr * yr - si * yi);
    w.im[i][p] = cr * xi + ci * xr + (sr * yi + si * yr);
    w.re[i][q] = -(sr * xr + si * xi) + (cr * yr + ci * yi);
    w.im[i][q] = -(sr * xi - si * xr) + (cr * yi - ci * yr);
  }
}

/** Eigenvalues of the complex 2×2 block at rows/columns k, k+1. */
function block2x2Eigenvalues(w: Work, k: number): [Complex, Complex] {
  const a = at(w, k, k);
  const b = at(w, k, k + 1);
  const c = at(w, k + 1, k);
  const d = at(w, k + 1, k + 1);
  const half = scale(add(a, d), 0.5);
  const root = csqrt(add(square(scale(sub(a, d), 0.5)), mul(b, c)));
  return [add(half, root), sub(half, root)];
}

/** The eigenvalue of the trailing 2×2 block closer to its last diagonal entry. */
function wilkinsonShift(w: Work, hi: number): Complex {
  const [l1, l2] = block2x2Eigenvalues(w, hi - 1);
  const d = at(w, hi, hi);
  return complexAbs(sub(l1, d)) <= complexAbs(sub(l2, d)) ? l1 : l2;
}

/** A shift off the trailing block's own eigenvalues, to break cycles such as cyclic permutations. */
function exceptionalShift(w: Work, hi: number): Complex {
  const d = at(w, hi, hi);
  // Only called on blocks of size ≥ 3, so row hi − 1 has a subdiagonal entry at column hi − 2.
  const size = complexAbs(at(w, hi, hi - 1)) + complexAbs(at(w, hi - 1, hi - 2));
  return { re: d.re + 0.75 * size, im: d.im + 0.4375 * size };
}

function at(w: Work, i: number, j: number): Complex {
  return { re: w.re[i][j], im: w.im[i][j] };
}
function add(x: Complex, y: Complex): Complex {
  return { re: x.re + y.re, im: x.im + y.im };
}
function sub(x: Complex, y: Complex): Complex {
  return { re: x.re - y.re, im: x.im - y.im };
}
function mul(x: Complex, y: Complex): Complex {
  return { re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re };
}
function square(x: Complex): Complex {
  return mul(x, x);
}
function scale(x: Complex, s: number): Complex {
  return { re: x.re * s, im: x.im * s };
}
/** Principal square root. */
function csqrt(z: Complex): Complex {
  const r = complexAbs(z);
  const re = Math.sqrt((r + z.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - z.re) / 2));
  return { re, im: z.im < 0 ? -im : im };
}
