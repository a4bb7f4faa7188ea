/**
 * The optimal discriminator of the original GAN game and the value it attains
 * (Goodfellow et al. 2014, "Generative Adversarial Nets", Proposition 1 and Theorem 1).
 */
import type { Density } from './densities.ts';
import { jointBreakpoints } from './densities.ts';
import { simpson, xLogRatio, type Grid } from './quadrature.ts';

/**
 * D*(x) = p_r(x) / (p_r(x) + p_g(x)), the discriminator that maximises
 * V(G, D) = E_{p_r} log D + E_{p_g} log(1 − D) for a fixed generator (Goodfellow et al. 2014,
 * Prop. 1): pointwise, a log D + b log(1 − D) peaks at D = a / (a + b).
 *
 * Where both densities vanish every D is optimal; 1/2 is returned there.
 *
 * @example
 * optimalDiscriminator(gaussianDensity(0, 1), gaussianDensity(0, 1))(0.3); // 0.5
 */
export function optimalDiscriminator(pr: Density, pg: Density): (x: number) => number {
  return (x) => {
    const a = pr(x);
    const b = pg(x);
    return a + b > 0 ? a / (a + b) : 0.5;
  };
}

/**
 * The optimal discriminator as a logit, t*(x) = log p_r(x) − log p_g(x), so that D* = σ(t*): the
 * form GAN discriminators output, and one that keeps full precision where D* is within rounding
 * of 0 or 1. ±∞ where only one density vanishes, 0 where both do.
 *
 * @example
 * optimalDiscriminatorLogit(gaussianDensity(0, 1), gaussianDensity(1, 1))(0); // 0.5
 */
export function optimalDiscriminatorLogit(pr: Density, pg: Density): (x: number) => number {
  return (x) => {
    const a = pr(x);
    const b = pg(x);
    return a === 0 && b === 0 ? 0 : Math.log(a) - Math.log(b);
  };
}

/**
 * V(G, D) for a discriminator given by its logit t, D = σ(t): E_{p_r}[−softplus(−t)] +
 * E_{p_g}[−softplus(t)], which is E log D + E log(1 − D) without rounding D to 0 or 1 first.
 * Quadrature as in {@link discriminatorValue}.
 */
export function discriminatorValueFromLogits(pr: Density, pg: Density, logit: (x: number) => number, grid: Grid): number {
  const integrand = (x: number): number => {
    const a = pr(x);
    const b = pg(x);
    const t = logit(x);
    return (a > 0 ? -a * softplus(-t) : 0) + (b > 0 ? -b * softplus(t) : 0);
  };
  return simpson(integrand, grid, jointBreakpoints(pr, pg));
}

/**
 * V(G, D) = E_{p_r}[log D] + E_{p_g}[log(1 − D)] for any discriminator D: (x) ↦ (0, 1), by
 * Simpson quadrature on `grid` (split at the densities' breakpoints). Terms with zero density
 * count 0, as the limit 0·log(·) would. A D that rounds to exactly 1 where p_g > 0 (or 0 where
 * p_r > 0) gives −∞, as it should for that D; for D* in the far tails use
 * {@link discriminatorValueFromLogits} with {@link optimalDiscriminatorLogit}.
 *
 * @example
 * discriminatorValue(pr, pg, () => 0.5, grid); // −2 log 2 when both densities integrate to 1 on grid
 */
export function discriminatorValue(pr: Density, pg: Density, d: (x: number) => number, grid: Grid): number {
  const integrand = (x: number): number => {
    const a = pr(x);
    const b = pg(x);
    const dx = d(x);
    return (a > 0 ? a * Math.log(dx) : 0) + (b > 0 ? b * Math.log1p(-dx) : 0);
  };
  return simpson(integrand, grid, jointBreakpoints(pr, pg));
}

/** log(1 + eᵗ) without overflow for large t or loss of precision for very negative t. */
function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/**
 * V(G, D*) = E_{p_r} log D* + E_{p_g} log(1 − D*), which equals 2·JS(p_r ‖ p_g) − 2 log 2
 * (Goodfellow et al. 2014, Thm. 1). Quadrature: composite Simpson on `grid`, split at the
 * densities' breakpoints; O(h⁴) for smooth densities, exact for piecewise-constant ones.
 *
 * The logs are taken of p_r/(p_r+p_g) and p_g/(p_r+p_g) directly rather than of D* and 1 − D*,
 * so no precision is lost to 1 − D* where D* is close to 1.
 *
 * @example
 * valueAtOptimum(gaussianDensity(0, 1), gaussianDensity(0, 1), uniformGrid(-12, 12, 2000)); // −2 log 2
 */
export function valueAtOptimum(pr: Density, pg: Density, grid: Grid): number {
  const integrand = (x: number): number => {
    const a = pr(x);
    const b = pg(x);
    return xLogRatio(a, a + b) + xLogRatio(b, a + b);
  };
  return simpson(integrand, grid, jointBreakpoints(pr, pg));
}
