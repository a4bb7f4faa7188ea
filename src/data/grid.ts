import type { Dataset, Mode } from './dataset.ts';
import { gaussianMixture } from './mixture.ts';
import { positiveInteger, positiveNumber } from './validate.ts';

/** Parameters of {@link grid}. */
export interface GridParams {
  /** Gaussians per side (default 5, so 25 in all). */
  size?: number;
  /** Distance between neighbouring centres (default 2). */
  spacing?: number;
  /** Standard deviation of each Gaussian, per coordinate (default 0.05). */
  std?: number;
}

/**
 * `size × size` equal-weight isotropic Gaussians on a square grid centred on the origin: the
 * coordinates are `(i − (size − 1) / 2) · spacing` for `i = 0 … size − 1`. Mode `i · size + j` is
 * centred at `(x_i, y_j)`.
 *
 * @example
 * grid({ size: 3, spacing: 1 }).modes?.map((m) => m.center); // [[-1,-1], [-1,0], …, [1,1]]
 */
export function grid(params: GridParams = {}): Dataset {
  return buildGrid('grid', params);
}

/**
 * The 25-Gaussian grid of PacGAN and VEEGAN: centres at every `(x, y)` with x, y ∈ {−4, −2, 0, 2, 4},
 * std 0.05, equal weights.
 */
export function grid25(): Dataset {
  return buildGrid('grid25', {});
}

function buildGrid(name: string, params: GridParams): Dataset {
  const size = positiveInteger(name, 'size', params.size ?? 5);
  const spacing = positiveNumber(name, 'spacing', params.spacing ?? 2);
  const std = positiveNumber(name, 'std', params.std ?? 0.05);
  const coords = Array.from({ length: size }, (_, i) => (i - (size - 1) / 2) * spacing);
  const modes: Mode[] = [];
  for (const x of coords) {
    for (const y of coords) modes.push({ center: [x, y], std, weight: 1 / (size * size) });
  }
  return gaussianMixture(name, 2, modes);
}
