import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Checks the autodiff gradient of `value` (a scalar of `vars`) against central finite
 * differences on the first, middle and last entry of each variable: |g − fd| ≤ tol·max(1, |fd|).
 * A variable `value` does not depend on (no gradient entry) must have fd ≈ 0. Returns how many
 * entries it checked. Restores every variable it moves.
 */
export function expectGradientsMatchFiniteDifferences(vars: tf.Variable[], value: () => tf.Scalar, options: { eps?: number; tol?: number } = {}): number {
  const { eps = 1e-3, tol = 2e-2 } = options;
  const analytic = tf.tidy(() => {
    const { grads } = tf.variableGrads(value, vars);
    return vars.map((v) => (grads[v.name] ? Array.from(grads[v.name].dataSync()) : new Array<number>(v.size).fill(0)));
  });
  let checked = 0;
  vars.forEach((v, vi) => {
    const values = v.dataSync().slice();
    for (const idx of [0, Math.floor(values.length / 2), values.length - 1]) {
      const at = (delta: number) => {
        const moved = values.slice();
        moved[idx] += delta;
        v.assign(tf.tensor(moved, v.shape));
        return tf.tidy(() => value().dataSync()[0]);
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(values, v.shape));
      const g = analytic[vi][idx];
      expect(Math.abs(g - fd), `${v.name}[${idx}]: autodiff ${g}, finite differences ${fd}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(fd)));
      checked++;
    }
  });
  return checked;
}
