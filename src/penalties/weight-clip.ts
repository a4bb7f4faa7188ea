import * as tf from '@tensorflow/tfjs-core';
import type { Constraint } from './types.ts';

/**
 * Clips every parameter of D into [−c, c] after each D step: WGAN's (Arjovsky et al. 2017) crude
 * way to keep the critic Lipschitz. Buffers (running statistics) are left alone.
 */
export function weightClip(c: number): Constraint {
  if (!(c > 0)) throw new RangeError(`weight clip must be positive, got ${c}`);
  return {
    name: 'weight-clip',
    apply(D) {
      for (const p of D.params) {
        const clipped = tf.tidy(() => tf.clipByValue(p.variable, -c, c));
        p.variable.assign(clipped);
        clipped.dispose();
      }
    },
  };
}
