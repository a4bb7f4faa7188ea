/**
 * 1-D probability densities as plain functions, for the closed-form parts of GAN theory.
 */

/**
 * A probability density on the real line. `breakpoints` lists the points where it jumps, so
 * quadrature can split there instead of smearing the jump (see `simpson` in `quadrature.ts`).
 */
export interface Density {
  (x: number): number;
  readonly breakpoints?: readonly number[];
}

/** One component of a Gaussian mixture. */
export interface MixtureComponent {
  /** Relative weight, > 0; weights are normalised to sum to 1. */
  readonly weight: number;
  readonly mean: number;
  /** Standard deviation, > 0. */
  readonly std: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The normal density N(mean, std²).
 *
 * @example
 * gaussianDensity(0, 1)(0); // 1/√(2π) ≈ 0.3989
 */
export function gaussianDensity(mean = 0, std = 1): Density {
  checkStd('gaussianDensity', std);
  return (x) => {
    const z = (x - mean) / std;
    return (INV_SQRT_2PI / std) * Math.exp(-0.5 * z * z);
  };
}

/**
 * A mixture Σ wᵢ N(meanᵢ, stdᵢ²) with the weights normalised to sum to 1.
 *
 * @example
 * gaussianMixtureDensity([{ weight: 1, mean: -2, std: 0.5 }, { weight: 1, mean: 2, std: 0.5 }]);
 */
export function gaussianMixtureDensity(components: readonly MixtureComponent[]): Density {
  if (components.length === 0) throw new RangeError('gaussianMixtureDensity: need at least one component');
  let total = 0;
  for (const [i, c] of components.entries()) {
    if (!(c.weight > 0) || !Number.isFinite(c.weight)) {
      throw new RangeError(`gaussianMixtureDensity: components[${i}].weight must be a finite number > 0, got ${c.weight}`);
    }
    checkStd(`gaussianMixtureDensity: components[${i}]`, c.std);
    total += c.weight;
  }
  const parts = components.map((c) => ({ w: c.weight / total, density: gaussianDensity(c.mean, c.std) }));
  return (x) => {
    let sum = 0;
    for (const part of parts) sum += part.w * part.density(x);
    return sum;
  };
}

/**
 * The uniform density on [low, high]: 1 / (high − low) inside (ends included), 0 outside, with
 * its two jumps listed as breakpoints.
 *
 * @example
 * uniformDensity(0, 2)(1); // 0.5
 */
export function uniformDensity(low: number, high: number): Density {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) {
    throw new RangeError(`uniformDensity: need finite low < high, got [${low}, ${high}]`);
  }
  const height = 1 / (high - low);
  return withBreakpoints((x) => (x >= low && x <= high ? height : 0), [low, high]);
}

/**
 * Attaches the points where `f` jumps, for densities built by hand.
 *
 * @example
 * const step = withBreakpoints((x) => (x >= 0 && x < 1 ? 1 : 0), [0, 1]);
 */
export function withBreakpoints(f: (x: number) => number, breakpoints: readonly number[]): Density {
  return Object.assign((x: number) => f(x), { breakpoints: [...breakpoints] });
}

/** The union of both densities' breakpoints: where a quadrature over an integrand of both must split. */
export function jointBreakpoints(p: Density, q: Density): number[] {
  return [...(p.breakpoints ?? []), ...(q.breakpoints ?? [])];
}

function checkStd(where: string, std: number): void {
  if (!(std > 0) || !Number.isFinite(std)) throw new RangeError(`${where}: std must be a finite number > 0, got ${std}`);
}
