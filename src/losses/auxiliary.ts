/**
 * The losses of D's auxiliary head, added to both players' losses beside the adversarial one:
 * ACGAN's class log-likelihood (Odena et al. 2017) and InfoGAN's variational mutual-information
 * term (Chen et al. 2016). Plain functions of the head's outputs and the labels or codes; the step
 * decides which batch each is computed on (`src/train/step/players.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';

/** What D's auxiliary head predicts, and how much its loss weighs. */
export type AuxiliarySpec =
  /** ACGAN: the class of every real and generated sample; D takes no labels, G is given them. */
  | { readonly kind: 'acgan'; readonly classes: number; readonly weight: number }
  /**
   * InfoGAN: Q's estimate of G's latent codes from G's samples: a categorical code (softmax over
   * `categorical` ids, 0 for none) and `continuous` codes (the last coordinates of z, U(−1, 1)),
   * each a factored Gaussian of unit variance as in Chen et al.'s MNIST runs.
   */
  | { readonly kind: 'infogan'; readonly categorical: number; readonly continuous: number; readonly weight: number; readonly continuousWeight: number };

/** The head's width: one logit per class (ACGAN); the categorical logits, then one mean per continuous code (InfoGAN). */
export function auxiliaryWidth(spec: AuxiliarySpec): number {
  return spec.kind === 'acgan' ? spec.classes : spec.categorical + spec.continuous;
}

/** Mean cross-entropy −log softmax(logits)[label] over the rows: the negative class log-likelihood. */
export function classCrossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[logits.shape.length - 1];
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, k).toFloat()), 1))) as tf.Scalar;
  });
}

/** ACGAN's head loss for D: weight × (−log P(c | x_real) − log P(c | x_fake)), each a batch mean (D maximizes L_C of the paper's eq. 2). */
export function acganD(spec: AuxiliarySpec & { kind: 'acgan' }, real: tf.Tensor, realLabels: tf.Tensor1D, fake: tf.Tensor, fakeLabels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(spec.weight, tf.add(classCrossEntropy(real, realLabels), classCrossEntropy(fake, fakeLabels))) as tf.Scalar);
}

/** ACGAN's head loss for G: weight × −log P(c | G(z, c)) (G also maximizes L_C). */
export function acganG(spec: AuxiliarySpec & { kind: 'acgan' }, fake: tf.Tensor, fakeLabels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(spec.weight, classCrossEntropy(fake, fakeLabels)) as tf.Scalar);
}

/**
 * InfoGAN's loss −λ·L_I(G, Q) up to constants, the same for G and Q (D's body): weight × the
 * categorical code's cross-entropy plus continuousWeight × the mean over rows of
 * Σ_j ½(c_j − μ_j)², the unit-variance Gaussian's negative log-likelihood without its ½·log 2π.
 * `q` is the head's output `[n, categorical + continuous]`; `codes` the continuous codes `[n, continuous]`.
 */
export function infoLoss(spec: AuxiliarySpec & { kind: 'infogan' }, q: tf.Tensor, labels: tf.Tensor1D | undefined, codes: tf.Tensor | undefined): tf.Scalar {
  return tf.tidy(() => {
    const parts: tf.Scalar[] = [];
    const n = q.shape[0];
    if (spec.categorical > 0) {
      if (!labels) throw new Error('infoLoss: the categorical code of each sample is missing');
      parts.push(tf.mul(spec.weight, classCrossEntropy(tf.slice(q, [0, 0], [n, spec.categorical]), labels)) as tf.Scalar);
    }
    if (spec.continuous > 0) {
      if (!codes) throw new Error('infoLoss: the continuous codes of each sample are missing');
      const mu = tf.slice(q, [0, spec.categorical], [n, spec.continuous]);
      parts.push(tf.mul(spec.continuousWeight, tf.mean(tf.sum(tf.mul(0.5, tf.square(tf.sub(codes, mu))), 1))) as tf.Scalar);
    }
    return tf.addN(parts) as tf.Scalar;
  });
}

/**
 * InfoGAN's lower bounds on I(c; G(z, c)) in nats, from the head's outputs on samples whose codes
 * are known: H(c) − E[−log Q(c | x)] for the categorical code (H(c) = log k for a uniform code; the
 * bound reaches log k when Q names every code) and Σ_j (log 2 − E[½ log 2π + ½(c_j − μ_j)²]) for
 * the continuous ones (h(U(−1, 1)) = log 2 per code; with Q's unit variance this bound stays
 * below log 2 − ½ log 2π ≈ −0.226 per code, so only its rise is informative).
 */
export function infoBounds(spec: AuxiliarySpec & { kind: 'infogan' }, q: Float32Array, labels: Int32Array, codes: Float32Array): { categorical?: number; continuous?: number } {
  const width = spec.categorical + spec.continuous;
  const n = q.length / width;
  const out: { categorical?: number; continuous?: number } = {};
  if (spec.categorical > 0) {
    let nll = 0;
    for (let i = 0; i < n; i++) {
      const row = q.subarray(i * width, i * width + spec.categorical);
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (const v of row) sum += Math.exp(v - max);
      nll += max + Math.log(sum) - row[labels[i]];
    }
    out.categorical = Math.log(spec.categorical) - nll / n;
  }
  if (spec.continuous > 0) {
    let sq = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < spec.continuous; j++) sq += (codes[i * spec.continuous + j] - q[i * width + spec.categorical + j]) ** 2;
    out.continuous = spec.continuous * (Math.log(2) - 0.5 * Math.log(2 * Math.PI)) - (0.5 * sq) / n;
  }
  return out;
}
