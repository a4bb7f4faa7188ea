import { DataError } from '../errors.ts';

/** Stacked MNIST mode statistics, with the sample count they came from. */
export interface StackedModes {
  /** Distinct digit triples among the samples. */
  readonly modes: number;
  /** 1,000: every triple of digits. */
  readonly modesTotal: number;
  /** KL(generated triple histogram ‖ uniform over 1,000), in nats: 0 for a perfect spread, ln 1000 ≈ 6.91 for one mode. */
  readonly kl: number;
  /** Samples classified. */
  readonly n: number;
}

/** The number of Stacked MNIST modes. */
const MODES = 1000;

/**
 * Mode coverage of Stacked MNIST samples by the protocol of VEEGAN (Srivastava et al. 2017) and
 * PacGAN (Lin et al. 2018, Table 2): a digit classifier labels each channel, a sample's mode is its
 * triple, and the scores are the number of triples seen (of 1,000) and KL(p_generated ‖ uniform)
 * (both papers classify 26,000 samples). `triples` holds 3 predicted digits per sample, channel 0
 * first, so its length is 3n.
 *
 * @example
 * stackedMnistModes(predictedDigits); // { modes: 998, modesTotal: 1000, kl: 0.08, n: 26000 }
 */
export function stackedMnistModes(triples: ArrayLike<number>): StackedModes {
  const source = 'stackedMnistModes';
  if (triples.length === 0 || triples.length % 3 !== 0) {
    throw new DataError(`triples must hold 3 digits per sample (a non-empty multiple of 3 values), got ${triples.length}`, source);
  }
  const n = triples.length / 3;
  const counts = new Int32Array(MODES);
  for (let i = 0; i < n; i++) {
    let mode = 0;
    for (let c = 0; c < 3; c++) {
      const digit = triples[3 * i + c];
      if (!Number.isInteger(digit) || digit < 0 || digit > 9) {
        throw new DataError(`sample ${i}, channel ${c} has digit ${digit}; digits are integers 0…9`, source);
      }
      mode = 10 * mode + digit;
    }
    counts[mode] += 1;
  }
  let modes = 0;
  let kl = 0;
  for (const count of counts) {
    if (count === 0) continue;
    modes += 1;
    const q = count / n;
    kl += q * Math.log(q * MODES);
  }
  return { modes, modesTotal: MODES, kl, n };
}
