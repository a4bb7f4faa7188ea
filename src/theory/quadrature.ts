/**
 * Composite Simpson quadrature on a uniform grid, split at the points where an integrand jumps.
 *
 * Simpson's rule is exact for cubics on each panel and O(h⁴) for smooth integrands; across a jump
 * it drops to O(h). Splitting the interval at every known jump and evaluating each piece's end
 * nodes one ulp inside the piece makes a piecewise-smooth integrand look smooth to every panel,
 * so a piecewise-constant integrand (uniform densities, and the log-ratios between them) is
 * integrated exactly.
 */

/** An integration interval [min, max] cut into about `intervals` equal subintervals. */
export interface Grid {
  readonly min: number;
  readonly max: number;
  /** Total number of subintervals; each piece between jumps gets an even share, at least 2. */
  readonly intervals: number;
}

/** One piece of a split grid: Simpson nodes and their weights (weights already include h/3). */
interface Piece {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  readonly step: number;
}

/**
 * A grid over [min, max] with `intervals` subintervals.
 *
 * @example
 * uniformGrid(-10, 10, 4000); // h = 0.005
 */
export function uniformGrid(min: number, max: number, intervals: number): Grid {
  const grid = { min, max, intervals };
  checkGrid(grid);
  return grid;
}

/**
 * ∫ f over the grid by composite Simpson, split at `breakpoints` (points where f may jump).
 *
 * @example
 * simpson((x) => x * x, uniformGrid(0, 1, 2)); // 1/3, exact for polynomials of degree ≤ 3
 */
export function simpson(f: (x: number) => number, grid: Grid, breakpoints: readonly number[] = []): number {
  let sum = 0;
  for (const piece of pieces(grid, breakpoints)) {
    for (let i = 0; i < piece.nodes.length; i++) sum += piece.weights[i] * f(piece.nodes[i]);
  }
  return sum;
}

/**
 * ∫ |F(x)| dx where F(x) = ∫_{min}^{x} g: the inner integral is cumulative Simpson (even nodes) and
 * a three-point rule for the first half of each panel (odd nodes), both O(h⁴); the outer one is
 * Simpson again, so accuracy is O(h⁴) except near sign changes of F, where |F| has a kink.
 */
export function integrateAbsoluteCumulative(g: (x: number) => number, grid: Grid, breakpoints: readonly number[] = []): number {
  let cumulative = 0;
  let total = 0;
  for (const piece of pieces(grid, breakpoints)) {
    const n = piece.nodes.length;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = g(piece.nodes[i]);
    const h = piece.step;
    const running = new Float64Array(n);
    running[0] = cumulative;
    for (let i = 0; i + 2 < n; i += 2) {
      const [f0, f1, f2] = [values[i], values[i + 1], values[i + 2]];
      running[i + 1] = running[i] + (h / 12) * (5 * f0 + 8 * f1 - f2);
      running[i + 2] = running[i] + (h / 3) * (f0 + 4 * f1 + f2);
    }
    cumulative = running[n - 1];
    for (let i = 0; i < n; i++) total += piece.weights[i] * Math.abs(running[i]);
  }
  return total;
}

/** Throws a RangeError naming the bad field of a grid. */
export function checkGrid(grid: Grid): void {
  if (!Number.isFinite(grid.min) || !Number.isFinite(grid.max) || !(grid.max > grid.min)) {
    throw new RangeError(`grid: need finite min < max, got [${grid.min}, ${grid.max}]`);
  }
  if (!Number.isInteger(grid.intervals) || grid.intervals < 2) {
    throw new RangeError(`grid.intervals: need an integer ≥ 2, got ${grid.intervals}`);
  }
}

function pieces(grid: Grid, breakpoints: readonly number[]): Piece[] {
  checkGrid(grid);
  const cuts = [grid.min, ...breakpoints.filter((b) => b > grid.min && b < grid.max), grid.max]
    .sort((a, b) => a - b)
    .filter((x, i, all) => i === 0 || x > all[i - 1]);
  const width = grid.max - grid.min;
  const result: Piece[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    const panels = Math.max(1, Math.round((grid.intervals * (b - a)) / width / 2));
    const n = 2 * panels;
    const h = (b - a) / n;
    const nodes = new Float64Array(n + 1);
    const weights = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      nodes[i] = a + i * h;
      weights[i] = (h / 3) * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
    }
    // Step the end nodes just inside the piece so a jump at a cut is seen from this side only.
    nodes[0] = insideUp(a);
    nodes[n] = insideDown(b);
    result.push({ nodes, weights, step: h });
  }
  return result;
}

const ULP_FACTOR = 2 ** -52;

function insideUp(x: number): number {
  return x === 0 ? Number.MIN_VALUE : x + Math.abs(x) * ULP_FACTOR;
}

function insideDown(x: number): number {
  return x === 0 ? -Number.MIN_VALUE : x - Math.abs(x) * ULP_FACTOR;
}

/**
 * x·log(x / y) for densities x, y ≥ 0: 0 when x = 0 (the limit of t log t), +∞ when only y is 0,
 * and x·(log x − log y) when x / y would underflow, so a far tail never turns into 0·(−∞).
 */
export function xLogRatio(x: number, y: number): number {
  if (x === 0) return 0;
  const ratio = x / y;
  return ratio > 0 && Number.isFinite(ratio) ? x * Math.log(ratio) : x * (Math.log(x) - Math.log(y));
}
