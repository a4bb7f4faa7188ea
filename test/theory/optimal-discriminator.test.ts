import { describe, expect, it } from 'vitest';
import {
  discriminatorValue,
  discriminatorValueFromLogits,
  gaussianDensity,
  gaussianMixtureDensity,
  jsDivergence,
  optimalDiscriminator,
  optimalDiscriminatorLogit,
  simpson,
  uniformDensity,
  uniformGrid,
  valueAtOptimum,
  type Density,
} from '../../src/theory/index.ts';

const close = (actual: number, expected: number, tol: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
const LOG4 = 2 * Math.LN2;

const mixture = gaussianMixtureDensity([
  { weight: 1, mean: -2, std: 0.6 },
  { weight: 2, mean: 1.5, std: 0.8 },
]);
const fine = uniformGrid(-14, 16, 12_000);

const pairs: [string, Density, Density][] = [
  ['N(0,1) vs N(1.3,0.7²)', gaussianDensity(0, 1), gaussianDensity(1.3, 0.7)],
  ['N(0,1) vs N(5,1)', gaussianDensity(0, 1), gaussianDensity(5, 1)],
  ['mixture vs N(0,2²)', mixture, gaussianDensity(0, 2)],
  ['N(0,1) vs itself', gaussianDensity(0, 1), gaussianDensity(0, 1)],
];

describe('optimal discriminator (Goodfellow et al. 2014, Prop. 1)', () => {
  it.each([
    ['equal densities', gaussianDensity(0, 1), gaussianDensity(0, 1), 0.7, 0.5],
    ['p_r twice p_g', (x: number) => 2 * gaussianDensity(0, 1)(x), gaussianDensity(0, 1), 0.3, 2 / 3],
    ['only p_r has mass', uniformDensity(0, 1), uniformDensity(2, 3), 0.5, 1],
    ['only p_g has mass', uniformDensity(0, 1), uniformDensity(2, 3), 2.5, 0],
    ['neither has mass: 1/2', uniformDensity(0, 1), uniformDensity(2, 3), 10, 0.5],
  ])('D*(x) = p_r/(p_r + p_g): %s', (_name, pr, pg, x, expected) => {
    close(optimalDiscriminator(pr, pg)(x), expected, 1e-15);
  });

  it.each(pairs)('V(G, D*) = 2·JS − 2 log 2 for %s', (_name, pr, pg) => {
    close(valueAtOptimum(pr, pg, fine), 2 * jsDivergence(pr, pg, fine) - LOG4, 1e-6);
  });

  it.each(pairs)('V(G, D*) computed through the logit of D* agrees with the direct form for %s', (_name, pr, pg) => {
    close(discriminatorValueFromLogits(pr, pg, optimalDiscriminatorLogit(pr, pg), fine), valueAtOptimum(pr, pg, fine), 1e-12);
  });

  it.each([pairs[2], pairs[3]])('V(G, D*) computed through D* itself agrees too where D* never rounds to 0 or 1: %s', (_name, pr, pg) => {
    close(discriminatorValue(pr, pg, optimalDiscriminator(pr, pg), fine), valueAtOptimum(pr, pg, fine), 1e-12);
  });

  it('a D* rounded to exactly 1 where p_g > 0 gives −∞ through probabilities, and the logit form avoids it', () => {
    const [pr, pg] = [gaussianDensity(0, 1), gaussianDensity(5, 1)];
    expect(optimalDiscriminator(pr, pg)(-8)).toBe(1);
    expect(pg(-8)).toBeGreaterThan(0);
    expect(discriminatorValue(pr, pg, optimalDiscriminator(pr, pg), fine)).toBe(-Infinity);
    expect(Number.isFinite(discriminatorValueFromLogits(pr, pg, optimalDiscriminatorLogit(pr, pg), fine))).toBe(true);
  });

  it.each([
    ['both positive', gaussianDensity(0, 1), gaussianDensity(1, 1), 0, 0.5],
    ['only p_r', uniformDensity(0, 1), uniformDensity(2, 3), 0.5, Infinity],
    ['only p_g', uniformDensity(0, 1), uniformDensity(2, 3), 2.5, -Infinity],
    ['neither', uniformDensity(0, 1), uniformDensity(2, 3), 9, 0],
  ])('the logit of D* is log p_r − log p_g: %s', (_name, pr, pg, x, expected) => {
    const t = optimalDiscriminatorLogit(pr, pg)(x);
    if (Number.isFinite(expected)) close(t, expected, 1e-15);
    else expect(t).toBe(expected);
  });

  it.each([
    ['D* shrunk towards 1/2', (d: number) => 0.5 + 0.8 * (d - 0.5)],
    ['D* pushed towards 0', (d: number) => 0.9 * d],
    ['a constant 0.3', () => 0.3],
  ])('V(G, D*) − V(G, D) equals the weighted Bernoulli KL ∫(p_r+p_g)·KL(D*‖D) for D = %s', (_name, perturb) => {
    const [pr, pg] = [gaussianDensity(0, 1), gaussianDensity(1.3, 0.7)];
    const dStar = optimalDiscriminator(pr, pg);
    const d = (x: number) => perturb(dStar(x));
    const bernoulliKl = (a: number, b: number) => (a > 0 ? a * Math.log(a / b) : 0) + (a < 1 ? (1 - a) * Math.log((1 - a) / (1 - b)) : 0);
    const gap = simpson((x) => (pr(x) + pg(x)) * bernoulliKl(dStar(x), d(x)), fine);
    expect(gap).toBeGreaterThan(1e-3);
    close(valueAtOptimum(pr, pg, fine) - discriminatorValue(pr, pg, d, fine), gap, 1e-9);
  });

  it('V(G, D*) = −2 log 2 when the generator matches the data (the global optimum, Thm. 1)', () => {
    close(valueAtOptimum(mixture, mixture, fine), -LOG4, 1e-9);
  });

  it('V(G, D*) = 0 for disjoint uniforms (JS = log 2)', () => {
    close(valueAtOptimum(uniformDensity(0, 1), uniformDensity(1.5, 2.5), uniformGrid(-1, 3, 400)), 0, 1e-12);
  });
});
