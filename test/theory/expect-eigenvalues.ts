import { expect } from 'vitest';
import type { Complex } from '../../src/theory/index.ts';

/**
 * Asserts two multisets of complex numbers agree to `tol` in every part: each expected value is
 * matched to the nearest unused actual one, so the order the solver returns them in does not matter.
 */
export function expectSameEigenvalues(actual: readonly Complex[], expected: readonly Complex[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  const unused = [...actual];
  for (const e of expected) {
    let best = 0;
    for (let i = 1; i < unused.length; i++) {
      if (Math.hypot(unused[i].re - e.re, unused[i].im - e.im) < Math.hypot(unused[best].re - e.re, unused[best].im - e.im)) best = i;
    }
    const [match] = unused.splice(best, 1);
    expect(Math.abs(match.re - e.re), `re of ${JSON.stringify(e)} (got ${JSON.stringify(match)})`).toBeLessThanOrEqual(tol);
    expect(Math.abs(match.im - e.im), `im of ${JSON.stringify(e)} (got ${JSON.stringify(match)})`).toBeLessThanOrEqual(tol);
  }
}

/** z = re + i·im, for tables. */
export const c = (re: number, im = 0): Complex => ({ re, im });
