import { DataError } from '../errors.ts';
import { checkFeatures, type FeatureMatrix } from './features.ts';
import { positiveIntegerOption } from './points.ts';

/** An Inception Score with its spread over splits and the sample count. */
export interface InceptionScore {
  /** Mean over splits of exp(E_x KL(p(y|x) ‖ p(y))). */
  readonly value: number;
  /** Standard deviation of the per-split scores (population form, as the original code reports it). */
  readonly std: number;
  readonly splits: number;
  /** Rows (samples) scored. */
  readonly n: number;
}

/**
 * The Inception Score (Salimans et al. 2016, "Improved techniques for training GANs"):
 * exp(E_x KL(p(y|x) ‖ p(y))) from a classifier's softmax rows `probs` (samples × classes), computed
 * on `splits` contiguous equal parts and averaged. With the MNIST classifier's softmax this is the
 * "MNIST score": 1 when every sample gets the same confident class, the number of classes when the
 * samples are confidently and evenly spread over them. Rows must be probability vectors (≥ 0,
 * summing to 1 within 1e-3); 0·log 0 counts as 0.
 *
 * @example
 * inceptionScore({ rows: 10_000, cols: 10, data: softmax }, 10); // { value: 9.8, std: 0.05, splits: 10, n: 10000 }
 */
export function inceptionScore(probs: FeatureMatrix, splits = 10): InceptionScore {
  const source = 'inceptionScore';
  checkFeatures(source, 'probs', probs, 1);
  positiveIntegerOption(source, 'splits', splits);
  const { rows: n, cols: c, data } = probs;
  if (splits > n) throw new DataError(`splits ${splits} exceeds the ${n} rows; each split needs at least one row`, source);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const p = data[i * c + j];
      if (p < 0) throw new DataError(`probs row ${i}, class ${j} is ${p}; probabilities are ≥ 0`, source);
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new DataError(`probs row ${i} sums to ${sum}; pass softmax outputs (rows summing to 1)`, source);
  }
  const scores: number[] = [];
  const marginal = new Float64Array(c);
  for (let s = 0; s < splits; s++) {
    const lo = Math.floor((s * n) / splits);
    const hi = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let i = lo; i < hi; i++) for (let j = 0; j < c; j++) marginal[j] += data[i * c + j];
    for (let j = 0; j < c; j++) marginal[j] /= hi - lo;
    let kl = 0;
    for (let i = lo; i < hi; i++) {
      for (let j = 0; j < c; j++) {
        const p = data[i * c + j];
        if (p > 0) kl += p * Math.log(p / marginal[j]);
      }
    }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const value = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - value) ** 2, 0) / splits);
  return { value, std, splits, n };
}
