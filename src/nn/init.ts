import type { Rng } from '../tensor/index.ts';

/** Weight initialization schemes. */
export const INIT_NAMES = ['he', 'glorot', 'dcgan', 'pytorch'] as const;
export type InitName = (typeof INIT_NAMES)[number];

/**
 * Initial kernel values.
 * - `he`: N(0, 2/fanIn) — for ReLU-family networks (He et al. 2015).
 * - `glorot`: U(±√(6/(fanIn+fanOut))) (Glorot & Bengio 2010).
 * - `dcgan`: N(0, 0.02²), as the DCGAN paper prescribes.
 * - `pytorch`: U(±1/√fanIn), what torch.nn.Linear/Conv do by default (kaiming-uniform with a = √5).
 */
export function initKernel(init: InitName, size: number, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  switch (init) {
    case 'he':
      return rng.normalArray(size, 0, Math.sqrt(2 / fanIn));
    case 'glorot': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniformArray(size, -limit, limit);
    }
    case 'dcgan':
      return rng.normalArray(size, 0, 0.02);
    case 'pytorch': {
      const limit = 1 / Math.sqrt(fanIn);
      return rng.uniformArray(size, -limit, limit);
    }
  }
}

/**
 * Initial bias values: U(±1/√fanIn) for `pytorch` (as torch.nn.Linear), zero otherwise. Zero biases
 * are not neutral in MLPs on low-dimensional data: with every bias at 0 a ReLU network is
 * positively homogeneous (f(cx) = c·f(x) for c > 0) until the biases have learned, so G can only
 * scale its noise and D can only split space with half-planes through the origin.
 */
export function initBias(init: InitName, size: number, fanIn: number, rng: Rng): Float32Array {
  if (init !== 'pytorch') return new Float32Array(size);
  const limit = 1 / Math.sqrt(fanIn);
  return rng.uniformArray(size, -limit, limit);
}
