import type { Dataset, Mode } from './dataset.ts';
import { gaussianMixture } from './mixture.ts';
import { positiveInteger, positiveNumber } from './validate.ts';

/** Parameters of {@link ring}. */
export interface RingParams {
  /** Number of Gaussians on the circle (default 8). */
  modes?: number;
  /** Circle radius (default 2). */
  radius?: number;
  /** Standard deviation of each Gaussian, per coordinate (default 0.02). */
  std?: number;
}

/**
 * Equal-weight isotropic Gaussians on a circle around the origin; mode `k` is centred at angle
 * `2πk / modes`, so the first sits on the positive x-axis.
 *
 * @example
 * ring({ modes: 6, radius: 1, std: 0.05 }).sample(512, rng); // Tensor [512, 2]
 */
export function ring(params: RingParams = {}): Dataset {
  return buildRing('ring', params);
}

/**
 * The 8-Gaussian ring of Unrolled GAN, VEEGAN and PacGAN: 8 equal-weight Gaussians on a circle of
 * radius 2, std 0.02, the first at angle 0 — the standard test for mode collapse.
 */
export function ring8(): Dataset {
  return buildRing('ring8', {});
}

function buildRing(name: string, params: RingParams): Dataset {
  const count = positiveInteger(name, 'modes', params.modes ?? 8);
  const radius = positiveNumber(name, 'radius', params.radius ?? 2);
  const std = positiveNumber(name, 'std', params.std ?? 0.02);
  const modes: Mode[] = [];
  for (let k = 0; k < count; k++) {
    const angle = (2 * Math.PI * k) / count;
    modes.push({ center: [snap(radius * Math.cos(angle), radius), snap(radius * Math.sin(angle), radius)], std, weight: 1 / count });
  }
  return gaussianMixture(name, 2, modes);
}

/** cos(π/2) is 6e-17, not 0; snapping keeps centres on the axes exactly, as users read them. */
function snap(x: number, radius: number): number {
  return Math.abs(x) < 1e-12 * radius ? 0 : x;
}
