/**
 * The per-step growth factor of a trajectory, measured — to set against a spectral radius.
 */

/** A point of a two-player game with one scalar parameter per player: x minimises, y maximises. */
export interface GamePoint {
  readonly x: number;
  readonly y: number;
}

/** Options of {@link measuredGrowthRate}. */
export interface GrowthRateOptions {
  /** Fraction of the trajectory's steps, counted from the end, to measure over (default 0.5): the head holds transients. */
  readonly tailFraction?: number;
}

/** √(x² + y²): the distance to the equilibrium (0, 0). */
export function distanceToOrigin(p: GamePoint): number {
  return Math.hypot(p.x, p.y);
}

/**
 * Geometric mean of dₜ₊₁/dₜ over the tail of a trajectory, where dₜ is the distance to (0, 0);
 * pass the points, or the distances themselves (for games whose points are named otherwise).
 * The product of successive ratios telescopes, so this is (d_end / d_start)^(1/k) over the k tail
 * steps.
 *
 * For a linear map zₜ₊₁ = M zₜ this tends to the spectral radius ρ(M). The error is 0 when M is a
 * scaled rotation (every step scales the distance by exactly ρ), and otherwise at most
 * log(κ)/k, where κ bounds how far the distance can swing within one orbit (e.g. κ = cond of M's
 * eigenvector matrix) — so non-normal maps need long tails.
 *
 * @example
 * measuredGrowthRate(bilinearTrajectory('simultaneous', { lr: 0.1 }, { x: 1, y: 1 }, 200)); // √1.01
 */
export function measuredGrowthRate(trajectory: readonly GamePoint[] | readonly number[], options: GrowthRateOptions = {}): number {
  const tailFraction = options.tailFraction ?? 0.5;
  if (!(tailFraction > 0 && tailFraction <= 1)) {
    throw new RangeError(`measuredGrowthRate: tailFraction must be in (0, 1], got ${tailFraction}`);
  }
  const distances = trajectory.map((p: GamePoint | number) => (typeof p === 'number' ? p : distanceToOrigin(p)));
  const steps = Math.ceil(tailFraction * (distances.length - 1));
  if (steps < 1) throw new RangeError(`measuredGrowthRate: need at least 2 points, got ${distances.length}`);
  const start = distances.length - 1 - steps;
  for (let t = start; t < distances.length; t++) {
    const d = distances[t];
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new RangeError(`measuredGrowthRate: distance at step ${t} is ${d}; it must be finite and > 0 (shorten the trajectory or change its start)`);
    }
  }
  return Math.exp((Math.log(distances[distances.length - 1]) - Math.log(distances[start])) / steps);
}
