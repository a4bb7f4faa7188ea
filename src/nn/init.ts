import type { Rng } from '../tensor/rng.ts';

/** Weight initialization schemes. */
export const INIT_NAMES = ['he', 'glorot', 'dcgan'] as const;
export type InitName = (typeof INIT_NAMES)[number];

/**
 * Initial kernel values.
 * - `he`: N(0, 2/fanIn) — for ReLU-family networks (He et al. 2015).
 * - `glorot`: U(±√(6/(fanIn+fanOut))) (Glorot & Bengio 2010).
 * - `dcgan`: N(0, 0.02²), as the DCGAN paper prescribes.
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
  }
}
