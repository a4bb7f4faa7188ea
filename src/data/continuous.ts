import type { Rng } from '../tensor/index.ts';
import { arrayDataset } from './array-dataset.ts';
import type { Dataset } from './dataset.ts';
import { nonNegativeNumber, positiveNumber } from './validate.ts';

/** Parameters of {@link spiral}. */
export interface SpiralParams {
  /** Number of turns the arm makes around the origin (default 1.5). */
  turns?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Radius at the outer end of the arm (default 1). */
  scale?: number;
}

/**
 * One Archimedean spiral arm from the origin out to radius `scale`, with Gaussian noise.
 *
 * Each sample draws `u ~ U[0, 1)` and sets `s = √u`, angle `θ = 2π · turns · s` and radius
 * `r = scale · s`, then returns `(r cos θ + noise · ε₁, r sin θ + noise · ε₂)` with `ε ~ N(0, I)`.
 * Taking `√u` rather than `u` spreads the points about evenly along the arm (arc length grows
 * like θ²), instead of piling them up at the centre. No modes: it is a continuous set.
 *
 * @example
 * spiral({ turns: 2, noise: 0.02 }).sample(1024, rng); // Tensor [1024, 2]
 */
export function spiral(params: SpiralParams = {}): Dataset {
  const name = 'spiral';
  const turns = positiveNumber(name, 'turns', params.turns ?? 1.5);
  const noise = nonNegativeNumber(name, 'noise', params.noise ?? 0.05);
  const scale = positiveNumber(name, 'scale', params.scale ?? 1);
  const draw = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt(rng.uniform());
      const angle = 2 * Math.PI * turns * s;
      // The normals are drawn even when noise is 0, so the curve positions a seed gives do not
      // depend on the noise level.
      out[2 * i] = scale * s * Math.cos(angle) + noise * rng.normal();
      out[2 * i + 1] = scale * s * Math.sin(angle) + noise * rng.normal();
    }
    return out;
  };
  return arrayDataset({ name, shape: [2], draw });
}

/** Parameters of {@link twoMoons}. */
export interface TwoMoonsParams {
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
}

/**
 * Two interleaved half-circles of radius 1, shifted so the set's mean is the origin.
 *
 * Each sample picks a moon with probability ½ each and draws `t ~ U[0, 1)`, `a = πt`. The upper
 * moon is `(cos a − 0.5, sin a − 0.25)`; the lower one is its reflection through the origin,
 * `(0.5 − cos a, 0.25 − sin a)` (the usual two-moons picture, `(cos a, sin a)` and
 * `(1 − cos a, 0.5 − sin a)`, moved by `(−0.5, −0.25)`). Noise `noise · ε`, `ε ~ N(0, I)`, is then
 * added. No modes: it is a continuous set.
 *
 * @example
 * twoMoons({ noise: 0.1 }).sampleArray(100, rng); // Float32Array of 200 numbers
 */
export function twoMoons(params: TwoMoonsParams = {}): Dataset {
  const name = 'two-moons';
  const noise = nonNegativeNumber(name, 'noise', params.noise ?? 0.05);
  const draw = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const side = rng.uniform() < 0.5 ? 1 : -1;
      const a = Math.PI * rng.uniform();
      out[2 * i] = side * (Math.cos(a) - 0.5) + noise * rng.normal();
      out[2 * i + 1] = side * (Math.sin(a) - 0.25) + noise * rng.normal();
    }
    return out;
  };
  return arrayDataset({ name, shape: [2], draw });
}
