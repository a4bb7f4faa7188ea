import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type LayerFactory, type Module, type Param } from './module.ts';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Weight of the old running statistic in each update (PyTorch's momentum 0.1 = our 0.9). */
  momentum?: number;
  epsilon?: number;
}

/** A norm layer's learned per-feature scale γ (ones) and offset β (zeros). */
function scaleAndOffset(name: string, c: number): { gamma: Param; beta: Param } {
  return {
    gamma: createParam(`${name}/gamma`, 'scale', new Float32Array(c).fill(1), [c]),
    beta: createParam(`${name}/beta`, 'offset', new Float32Array(c), [c]),
  };
}

/**
 * Batch normalization over every axis but the last (features / channels). In training it
 * normalizes with the batch's moments and updates running statistics; in evaluation it uses them.
 */
export function batchNorm(options: BatchNormOptions = {}): LayerFactory {
  const { momentum = 0.9, epsilon = 1e-5 } = options;
  return {
    kind: 'bn',
    build(inputShape, _rng, name) {
      const c = inputShape[inputShape.length - 1];
      const { gamma, beta } = scaleAndOffset(name, c);
      const movingMean = createParam(`${name}/movingMean`, 'buffer', new Float32Array(c), [c]);
      const movingVar = createParam(`${name}/movingVariance`, 'buffer', new Float32Array(c).fill(1), [c]);
      return {
        name,
        params: [gamma, beta],
        buffers: [movingMean, movingVar],
        outputShape: inputShape,
        apply(x, ctx) {
          // Normalize a [rows, c] view with sums over the leading axis: the reductions and
          // broadcasts this needs are the ones every backend runs fast (tf.moments/tf.batchNorm
          // reduce over inner axes through a transpose and a Tile, 60 % of a DCGAN step on cpu kernels).
          const flat = tf.reshape(x, [-1, c]);
          const rows = flat.shape[0];
          let mean: tf.Tensor;
          let variance: tf.Tensor;
          if (ctx.training) {
            mean = tf.div(tf.sum(flat, 0), rows);
            variance = tf.div(tf.sum(tf.square(tf.sub(flat, mean)), 0), rows);
            if (ctx.updateStats ?? true) {
              updateRunning(movingMean, mean, momentum);
              updateRunning(movingVar, variance, momentum);
            }
          } else {
            mean = movingMean.variable;
            variance = movingVar.variable;
          }
          const scale = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), weightOf(gamma, ctx));
          const y = tf.add(tf.mul(tf.sub(flat, mean), scale), weightOf(beta, ctx));
          return tf.reshape(y, x.shape);
        },
      };
    },
  };
}

function updateRunning(buffer: Param, batchValue: tf.Tensor, momentum: number): void {
  // Running statistics are state, not part of the graph being differentiated.
  const next = tf.tidy(() => tf.add(tf.mul(buffer.variable, momentum), tf.mul(batchValue, 1 - momentum)));
  buffer.variable.assign(next);
  next.dispose();
}

/**
 * Layer normalization over each sample's values (every axis but the batch: features, or a conv
 * map's height, width and channels, as Ba et al. and WGAN-GP's critics do), with a learned scale
 * and offset per feature / channel.
 */
export function layerNorm(options: { epsilon?: number } = {}): LayerFactory {
  const { epsilon = 1e-5 } = options;
  return {
    kind: 'ln',
    build(inputShape, _rng, name) {
      const c = inputShape[inputShape.length - 1];
      const { gamma, beta } = scaleAndOffset(name, c);
      return {
        name,
        params: [gamma, beta],
        buffers: [],
        outputShape: inputShape,
        apply(x, ctx) {
          const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
          const { mean, variance } = tf.moments(x, axes, true);
          const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
          return tf.add(tf.mul(normalized, weightOf(gamma, ctx)), weightOf(beta, ctx));
        },
      };
    },
  };
}

/** Options of {@link virtualBatchNorm}. */
export interface VirtualBatchNormOptions {
  /** R: how many leading rows of every input are the reference batch's activations. */
  referenceRows: number;
  epsilon?: number;
}

/**
 * Virtual batch normalization (Salimans et al. 2016, "Improved Techniques for Training GANs",
 * §3.4) of flat `[R + n, features]` inputs whose first R rows are a fixed reference batch's
 * activations: every row i is normalized with the mean and variance of the R reference rows
 * together with row i itself, μᵢ = (R·μ_ref + hᵢ)/(R + 1) and likewise for the second moment,
 * then scaled and offset (learned, as in batch norm). All R + n rows are passed on, so later
 * layers see the reference batch too. A row's output depends on the reference rows and itself,
 * never on the other examples of its minibatch; training and evaluation compute the same thing.
 * Gradients reach the weights through the reference rows as well as the example.
 *
 * @example
 * sequential('G', [8], [dense(32), virtualBatchNorm({ referenceRows: 128 }), activation('relu'), dense(2)], rng);
 */
export function virtualBatchNorm(options: VirtualBatchNormOptions): LayerFactory {
  const { referenceRows: R, epsilon = 1e-5 } = options;
  if (!Number.isInteger(R) || R < 1) throw new RangeError(`virtualBatchNorm: referenceRows must be an integer ≥ 1, got ${R}`);
  return {
    kind: 'vbn',
    build(inputShape, _rng, name) {
      if (inputShape.length !== 1) throw new Error(`${name}: virtual batch norm expects flat features, got [${inputShape.join(', ')}]`);
      const c = inputShape[0];
      const { gamma, beta } = scaleAndOffset(name, c);
      return {
        name,
        params: [gamma, beta],
        buffers: [],
        outputShape: inputShape,
        apply: (x, ctx) => tf.add(tf.mul(virtualBatchNormalize(x, R, epsilon), weightOf(gamma, ctx)), weightOf(beta, ctx)),
      };
    },
  };
}

/**
 * The normalizing part of {@link virtualBatchNorm}, without scale and offset: each row of a
 * `[R + n, features]` input minus μᵢ, over √(σᵢ² + ε), where μᵢ and σᵢ² are the per-feature mean
 * and variance of the first R rows together with row i.
 */
export function virtualBatchNormalize(x: tf.Tensor, referenceRows: number, epsilon = 1e-5): tf.Tensor {
  const R = referenceRows;
  if (x.rank !== 2 || x.shape[0] < R) {
    throw new Error(`virtual batch norm: expected [${R} reference rows + n, features], got [${x.shape.join(', ')}]`);
  }
  const reference = tf.slice(x, [0, 0], [R, -1]);
  const refMean = tf.div(tf.sum(reference, 0), R);
  const refVariance = tf.div(tf.sum(tf.square(tf.sub(reference, refMean)), 0), R);
  // Adding row h to R rows of mean μ and variance v gives mean μ + d/(R+1) and variance
  // R·v/(R+1) + R·d²/(R+1)², d = h − μ: the paper's (R·E_ref[h²] + h²)/(R+1) − μᵢ², but never
  // negative in float32. (h − μᵢ)/√(σᵢ² + ε), scaled by (R+1)/R inside and out, is
  // d/√(v·(R+1)/R + d²/R + ε·((R+1)/R)²): fewer kernels per call.
  const d = tf.sub(x, refMean);
  const floor = tf.add(tf.mul(refVariance, (R + 1) / R), epsilon * ((R + 1) / R) ** 2);
  return tf.mul(d, tf.rsqrt(tf.add(floor, tf.div(tf.square(d), R))));
}

/**
 * A network whose virtual-batch-norm layers see a fixed reference batch: each call puts the R
 * reference inputs in front of x, runs `inner` on all R + n rows, and returns the rows that
 * belong to x (recorded activations are sliced the same way). The reference rows are recomputed
 * with the current weights at every call, and the loss's gradient reaches the weights through
 * them too. `inner` may map rows to fewer rows in proportion (a packed D), as long as the
 * reference rows stay whole groups.
 *
 * @example
 * const G = withReferenceBatch(mlp('G', 8, { hidden: [32], out: 2, norm: 'virtual-batch', referenceRows: 64 }, rng), z0, 64);
 */
export function withReferenceBatch(inner: Module, reference: Float32Array, referenceRows: number): Module {
  const R = referenceRows;
  if (!Number.isInteger(R) || R < 1 || reference.length % R !== 0) {
    throw new RangeError(`withReferenceBatch: ${reference.length} reference values do not make ${R} rows`);
  }
  const width = reference.length / R;
  /** Rows of an output of `total` rows that come from the reference batch. */
  const referencePart = (total: number, n: number): number => {
    const rows = (total * R) / (R + n);
    if (!Number.isInteger(rows)) {
      throw new Error(`${inner.name}: ${total} output rows for ${R} reference + ${n} input rows do not split into reference and input rows`);
    }
    return rows;
  };
  const tail = (t: tf.Tensor, n: number): tf.Tensor => {
    const skip = referencePart(t.shape[0], n);
    return tf.slice(t, skip, t.shape[0] - skip);
  };
  return {
    name: inner.name,
    params: inner.params,
    buffers: inner.buffers,
    apply(x, ctx) {
      const n = x.shape[0];
      const flat = tf.reshape(x, [n, -1]);
      if (flat.shape[1] !== width) throw new Error(`${inner.name}: the reference rows have width ${width}, the input ${flat.shape[1]}`);
      const { record } = ctx;
      const out = inner.apply(tf.concat([tf.tensor2d(reference, [R, width]), flat], 0), {
        ...ctx,
        record: record && ((layer, a) => record(layer, tail(a, n))),
      });
      return tail(out, n);
    },
  };
}
