import { describe, expect, it } from 'vitest';
import { stackedMnistModes } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('stackedMnistModes', () => {
  it('of all 1,000 triples once each: 1,000 modes and KL 0', () => {
    const triples: number[] = [];
    for (let m = 0; m < 1000; m++) triples.push(Math.floor(m / 100), Math.floor(m / 10) % 10, m % 10);
    const result = stackedMnistModes(triples);
    expect(result).toMatchObject({ modes: 1000, modesTotal: 1000, n: 1000 });
    expect(result.kl).toBeCloseTo(0, 12);
  });

  it('of one repeated triple: 1 mode and KL ln 1000', () => {
    const result = stackedMnistModes(new Array(300).fill(0).flatMap(() => [4, 2, 7]));
    expect(result).toMatchObject({ modes: 1, n: 300 });
    expect(result.kl).toBeCloseTo(Math.log(1000), 12);
  });

  it('of two triples, 3:1: KL = ¾ ln 750 + ¼ ln 250', () => {
    const result = stackedMnistModes([1, 2, 3, 1, 2, 3, 1, 2, 3, 3, 2, 1]);
    expect(result.modes).toBe(2);
    expect(result.kl).toBeCloseTo(0.75 * Math.log(750) + 0.25 * Math.log(250), 12);
  });

  it('of 26,000 uniform random triples: nearly all modes and a small KL (≈ 1000/(2·26000) nats of noise)', () => {
    const rng = new Rng(5);
    const triples = Array.from({ length: 3 * 26_000 }, () => rng.int(10));
    const result = stackedMnistModes(triples);
    expect(result.modes).toBe(1000);
    // The plug-in KL of a uniform sample is ≈ (K − 1)/(2n) = 0.019.
    expect(result.kl).toBeGreaterThan(0.01);
    expect(result.kl).toBeLessThan(0.03);
  });

  it('refuses a length that is not a multiple of 3 and non-digits', () => {
    expect(() => stackedMnistModes([1, 2])).toThrow('stackedMnistModes: triples must hold 3 digits per sample');
    expect(() => stackedMnistModes([1, 2, 10])).toThrow('stackedMnistModes: sample 0, channel 2 has digit 10; digits are integers 0…9');
  });
});
