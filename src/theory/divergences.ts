/**
 * KL, Jensen–Shannon and Wasserstein-1 between 1-D densities, and how each behaves as one
 * distribution slides away from the other — the argument of Arjovsky, Chintala & Bottou (2017,
 * "Wasserstein GAN", Sec. 2, Example 1) for why JS gives a vanishing gradient and W1 does not.
 *
 * All divergences are in nats.
 */
import { gaussianDensity, jointBreakpoints, type Density } from './densities.ts';
import { integrateAbsoluteCumulative, simpson, xLogRatio, type Grid } from './quadrature.ts';

/**
 * KL(p ‖ q) = ∫ p log(p / q) by Simpson quadrature on `grid` (split at the densities'
 * breakpoints). `Infinity` when p has mass on grid nodes where q is 0.
 *
 * @example
 * klDivergence(gaussianDensity(0, 1), gaussianDensity(1, 1), uniformGrid(-12, 13, 5000)); // ≈ 0.5
 */
export function klDivergence(p: Density, q: Density, grid: Grid): number {
  return simpson((x) => xLogRatio(p(x), q(x)), grid, jointBreakpoints(p, q));
}

/**
 * JS(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, by Simpson quadrature on `grid` (split at
 * the densities' breakpoints): in [0, log 2], log 2 exactly for disjoint supports.
 *
 * @example
 * jsDivergence(uniformDensity(0, 1), uniformDensity(2, 3), uniformGrid(-1, 4, 100)); // log 2
 */
export function jsDivergence(p: Density, q: Density, grid: Grid): number {
  return simpson((x) => jsIntegrand(p(x), q(x)), grid, jointBreakpoints(p, q));
}

/**
 * W1(p, q) = ∫ |F_p(x) − F_q(x)| dx (the 1-D closed form of the earth mover's distance), with the
 * CDFs accumulated from `grid.min` by cumulative Simpson, so both densities should carry
 * negligible mass outside the grid. O(h⁴), except near points where the CDFs cross.
 *
 * @example
 * wasserstein1(gaussianDensity(0, 1), gaussianDensity(2, 1), uniformGrid(-12, 14, 5200)); // ≈ 2
 */
export function wasserstein1(p: Density, q: Density, grid: Grid): number {
  return integrateAbsoluteCumulative((x) => p(x) - q(x), grid, jointBreakpoints(p, q));
}

/** Divergences between a fixed distribution and one shifted by `mu`, with their derivatives in `mu`. */
export interface DivergenceCurvePoint {
  /** The shift (μ for Gaussians, θ for Diracs and uniforms). */
  readonly mu: number;
  readonly js: number;
  /** KL(fixed ‖ shifted); `Infinity` where the shifted one misses mass the fixed one has. */
  readonly kl: number;
  readonly w1: number;
  /** dJS/dμ; `NaN` where JS jumps, the mean of the one-sided slopes where it has a kink. */
  readonly dJs: number;
  /** dKL/dμ; `NaN` where KL is infinite or jumps. */
  readonly dKl: number;
  /** dW1/dμ = sign(μ), 0 at the kink μ = 0. */
  readonly dW1: number;
}

/** The shifted families with closed forms (or a documented quadrature) for every curve. */
export type ShiftFamily = 'gaussian' | 'dirac' | 'uniform';

/** Half-width, in standard deviations, that the Gaussian grids extend past both means. */
const GAUSSIAN_TAIL = 12;
/** Subintervals per unit length on Gaussian grids: h = 1/128, Simpson error well below 1e-10. */
const GAUSSIAN_DENSITY = 128;

/**
 * The grid used for N(0, 1) vs N(μ, 1): both means ± 12 with h ≈ 1/128. The mass left outside is
 * about 2e-33 on each side.
 */
export function meanShiftGrid(mu: number): Grid {
  const min = Math.min(0, mu) - GAUSSIAN_TAIL;
  const max = Math.max(0, mu) + GAUSSIAN_TAIL;
  return { min, max, intervals: 2 * Math.ceil(((max - min) * GAUSSIAN_DENSITY) / 2) };
}

/**
 * JS(N(0,1) ‖ N(μ,1)). There is no closed form: this is Simpson quadrature on
 * {@link meanShiftGrid}. It rises like μ²/8 near 0 (a location family with Fisher information 1)
 * and saturates at log 2 as the overlap vanishes.
 */
export function meanShiftJs(mu: number): number {
  return jsDivergence(gaussianDensity(0, 1), gaussianDensity(mu, 1), meanShiftGrid(mu));
}

/**
 * dJS/dμ for N(0,1) vs q = N(μ,1), by differentiating under the integral:
 * dJS/dμ = ½ ∫ (∂q/∂μ) log(2q / (p + q)) dx with ∂q/∂μ = (x − μ) q(x) — the other terms of the
 * product rule sum to ½ ∫ ∂q/∂μ dx = 0. Evaluated by Simpson on {@link meanShiftGrid}; it tends to
 * 0 as μ grows, which is the vanishing generator gradient of the saturated JS.
 */
export function meanShiftJsDerivative(mu: number): number {
  const p = gaussianDensity(0, 1);
  const q = gaussianDensity(mu, 1);
  return simpson(
    (x) => {
      const qx = q(x);
      // q·log(2q/(p+q)) = ½·xLogRatio(2q, p+q), which stays 0 (not 0·∞) where q underflows.
      const qLog = 0.5 * xLogRatio(2 * qx, p(x) + qx);
      return 0.5 * (x - mu) * qLog;
    },
    meanShiftGrid(mu),
  );
}

/**
 * N(0,1) vs N(μ,1): KL = μ²/2 (E_p[(x−μ)²/2 − x²/2] = μ²/2), W1 = |μ| (a translation: the coupling
 * x ↦ x + μ costs |μ|, and the 1-Lipschitz f(x) = x·sign μ attains it), dKL/dμ = μ,
 * dW1/dμ = sign μ; JS and dJS/dμ by quadrature ({@link meanShiftJs}, {@link meanShiftJsDerivative}).
 */
export function gaussianShiftPoint(mu: number): DivergenceCurvePoint {
  return {
    mu,
    js: meanShiftJs(mu),
    kl: (mu * mu) / 2,
    w1: Math.abs(mu),
    dJs: meanShiftJsDerivative(mu),
    dKl: mu,
    dW1: Math.sign(mu),
  };
}

/**
 * δ₀ vs δ_θ (disjoint supports for θ ≠ 0): JS = log 2 for θ ≠ 0 and 0 at θ = 0 (a jump, so dJS/dθ
 * is 0 off 0 and undefined at 0); KL = ∞ for θ ≠ 0 and 0 at θ = 0 (no derivative anywhere);
 * W1 = |θ| with derivative sign θ (Arjovsky et al. 2017, Example 1).
 */
export function diracShiftPoint(theta: number): DivergenceCurvePoint {
  const apart = theta !== 0;
  return {
    mu: theta,
    js: apart ? Math.LN2 : 0,
    kl: apart ? Infinity : 0,
    w1: Math.abs(theta),
    dJs: apart ? 0 : NaN,
    dKl: NaN,
    dW1: Math.sign(theta),
  };
}

/**
 * U[0,1] vs U[θ, θ+1]. With a = |θ| < 1 the supports overlap on length 1 − a, and
 * m = (p + q)/2 is 1 there and ½ on the two strips of length a that only one of them covers, so
 * KL(p ‖ m) = a·log 2 = KL(q ‖ m) and JS = min(|θ|, 1)·log 2 — linear in |θ|, not quadratic, and
 * constant once the supports separate. KL(p ‖ q) = ∞ for θ ≠ 0 (p has mass on [0, a) where
 * q = 0). W1 = |θ| (a translation). Kinks of JS at θ = 0 and |θ| = 1 get the mean of the one-sided
 * slopes: 0 and ±(log 2)/2.
 */
export function uniformShiftPoint(theta: number): DivergenceCurvePoint {
  const a = Math.abs(theta);
  const slope = a < 1 ? Math.LN2 : a === 1 ? Math.LN2 / 2 : 0;
  return {
    mu: theta,
    js: Math.min(a, 1) * Math.LN2,
    kl: theta !== 0 ? Infinity : 0,
    w1: a,
    dJs: Math.sign(theta) * slope,
    dKl: NaN,
    dW1: Math.sign(theta),
  };
}

const SHIFT_FAMILIES: Readonly<Record<ShiftFamily, (shift: number) => DivergenceCurvePoint>> = {
  gaussian: gaussianShiftPoint,
  dirac: diracShiftPoint,
  uniform: uniformShiftPoint,
};

/**
 * The curve table `{ mu, js, kl, w1, dJs, dKl, dW1 }[]` of one shifted family, for plotting.
 * Defaults: the Gaussian mean shift over μ = 0, 0.5, …, 30.
 *
 * @example
 * divergenceCurves('gaussian', linspace(0, 30, 61)).at(-1)?.js; // ≈ log 2
 * divergenceCurves('uniform', linspace(-2, 2, 81));
 */
export function divergenceCurves(family: ShiftFamily = 'gaussian', shifts: readonly number[] = linspace(0, 30, 61)): DivergenceCurvePoint[] {
  const point = SHIFT_FAMILIES[family];
  return shifts.map((s) => point(s));
}

/**
 * `count` evenly spaced numbers from `start` to `stop`, both included.
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`linspace: count must be an integer ≥ 2, got ${count}`);
  const step = (stop - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? stop : start + i * step));
}

/**
 * ½[p log(2p/(p+q)) + q log(2q/(p+q))]. Each log is −log1p((other − self)/(2·self)) while that
 * ratio is finite: accurate when p ≈ q, where JS is second order in their difference.
 */
function jsIntegrand(p: number, q: number): number {
  return 0.5 * (halfTerm(p, q) + halfTerm(q, p));
}

function halfTerm(self: number, other: number): number {
  if (self === 0) return 0;
  const r = (other - self) / (2 * self);
  return Number.isFinite(r) ? -self * Math.log1p(r) : 0.5 * xLogRatio(2 * self, self + other);
}
