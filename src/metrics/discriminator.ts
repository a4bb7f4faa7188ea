import { DataError } from '../errors.ts';
import { checkValues } from './points.ts';

/** How often the discriminator is right, per class and overall. */
export interface DiscriminatorAccuracy {
  /** Correct decisions over all real and fake inputs, in [0, 1]. */
  overall: number;
  /** Fraction of real inputs classified real (output > threshold). */
  real: number;
  /** Fraction of fake inputs classified fake (output ≤ threshold). */
  fake: number;
}

/**
 * Accuracy of the discriminator's outputs on a real and a fake batch: a real input is classified
 * real when its output is strictly greater than `threshold`, a fake one fake otherwise. The
 * threshold is required because it depends on what D outputs: 0 for logits and critic values,
 * 0.5 for probabilities. Near 1 for long, D is winning and G's gradients may vanish; stuck near
 * 0.5 early, D is not learning.
 *
 * @example
 * discriminatorAccuracy([2.1, -0.3], [-1.5, 0.4], 0); // { overall: 0.5, real: 0.5, fake: 0.5 }
 */
export function discriminatorAccuracy(dReal: ArrayLike<number>, dFake: ArrayLike<number>, threshold: number): DiscriminatorAccuracy {
  const source = 'discriminatorAccuracy';
  checkValues(source, 'dReal', dReal);
  checkValues(source, 'dFake', dFake);
  if (!Number.isFinite(threshold)) throw new DataError(`threshold must be a finite number, got ${threshold}`, source);
  let realRight = 0;
  for (let i = 0; i < dReal.length; i++) if (dReal[i] > threshold) realRight++;
  let fakeRight = 0;
  for (let i = 0; i < dFake.length; i++) if (!(dFake[i] > threshold)) fakeRight++;
  return {
    overall: (realRight + fakeRight) / (dReal.length + dFake.length),
    real: realRight / dReal.length,
    fake: fakeRight / dFake.length,
  };
}

/**
 * mean(dReal) − mean(dFake). For a WGAN critic kept near 1-Lipschitz this is the critic's
 * estimate of W1 between the two batches (a lower bound on it); for any D it tracks how far apart
 * D holds the two classes.
 *
 * @example
 * criticGap([3, 5], [1, 1]); // 3
 */
export function criticGap(dReal: ArrayLike<number>, dFake: ArrayLike<number>): number {
  checkValues('criticGap', 'dReal', dReal);
  checkValues('criticGap', 'dFake', dFake);
  return mean(dReal) - mean(dFake);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}
