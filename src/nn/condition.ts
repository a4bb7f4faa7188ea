import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type LayerFactory } from './module.ts';
import { initBias, initKernel, type InitName } from './init.ts';

/**
 * A class-conditioning layer: a learned embedding of each sample's class id (from
 * `ctx.condition.labels`), appended to the features along the last axis — the embedding +
 * concatenation of conditional GANs (Mirza & Osindero 2014). Flat features `[n, f]` become
 * `[n, f + dim]`; feature maps `[n, H, W, C]` get the embedding as `dim` constant channels,
 * `[n, H, W, C + dim]`. The table `<name>/embedding` starts N(0, 1), as torch.nn.Embedding.
 *
 * @example
 * const G = sequential('G', [noiseDim], [conditionEmbedding(10, 10), dense(128), activation('relu'), dense(784)], rng);
 * G.apply(z, { training: true, condition: { labels } });
 */
export function conditionEmbedding(classes: number, dim: number): LayerFactory {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`conditionEmbedding: classes must be a positive integer, got ${classes}`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`conditionEmbedding: dim must be a positive integer, got ${dim}`);
  return {
    kind: 'embed',
    build(inputShape, rng, name) {
      const table = createParam(`${name}/embedding`, 'kernel', rng.normalArray(classes * dim), [classes, dim]);
      return {
        name,
        params: [table],
        buffers: [],
        outputShape: [...inputShape.slice(0, -1), inputShape[inputShape.length - 1] + dim],
        apply(x, ctx) {
          const labels = ctx.condition?.labels;
          if (!labels) throw new Error(`${name}: this network is conditioned on class labels; pass them as ctx.condition.labels`);
          if (labels.shape[0] !== x.shape[0]) throw new Error(`${name}: ${labels.shape[0]} labels for a batch of ${x.shape[0]}`);
          const e = tf.gather(weightOf(table, ctx), labels);
          if (x.rank === 2) return tf.concat([x, e], 1);
          const [n, ...spatial] = x.shape;
          const planes = tf.reshape(e, [n, ...spatial.slice(0, -1).map(() => 1), dim]);
          return tf.concat([x, tf.tile(planes, [1, ...spatial.slice(0, -1), 1])], x.rank - 1);
        },
      };
    },
  };
}

/**
 * The class id as a one-hot vector appended to flat features, `[n, f]` → `[n, f + classes]`: how
 * InfoGAN hands its categorical code to G (Chen et al. 2016). No weights: the next layer's
 * kernel rows are the code's embedding.
 */
export function conditionOneHot(classes: number): LayerFactory {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`conditionOneHot: classes must be an integer of at least 2, got ${classes}`);
  return {
    kind: 'one-hot',
    build(inputShape, _rng, name) {
      if (inputShape.length !== 1) throw new Error(`${name}: a one-hot code joins flat features, got shape [${inputShape.join(', ')}]`);
      return {
        name,
        params: [],
        buffers: [],
        outputShape: [inputShape[0] + classes],
        apply(x, ctx) {
          const labels = ctx.condition?.labels;
          if (!labels) throw new Error(`${name}: this network takes a categorical code; pass it as ctx.condition.labels`);
          if (labels.shape[0] !== x.shape[0]) throw new Error(`${name}: ${labels.shape[0]} codes for a batch of ${x.shape[0]}`);
          return tf.concat([x, tf.oneHot(labels, classes).toFloat()], 1);
        },
      };
    },
  };
}

/**
 * The projection discriminator's output (Miyato & Koyama 2018, eq. 3): on D's features φ(x)
 * `[n, f]`, ψ(φ(x)) + ⟨V_y, φ(x)⟩ — a linear score plus the inner product of the features with
 * a learned embedding row of each sample's class y (from `ctx.condition.labels`). One output per
 * sample, `[n, 1]`. The embedding is a kernel, so spectral norm normalizes it with the rest of D.
 *
 * @example
 * const D = sequential('D', [2], [dense(64), activation('leakyRelu'), projectionOutput(8)], rng);
 * D.apply(x, { training: true, condition: { labels } }); // [n, 1]
 */
export function projectionOutput(classes: number, options: { init?: InitName } = {}): LayerFactory {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`projectionOutput: classes must be a positive integer, got ${classes}`);
  const { init = 'he' } = options;
  return {
    kind: 'projection',
    build(inputShape, rng, name) {
      if (inputShape.length !== 1) throw new Error(`${name}: projection expects flat features, got shape [${inputShape.join(', ')}]; add flatten() before it`);
      const f = inputShape[0];
      const kernel = createParam(`${name}/kernel`, 'kernel', initKernel(init, f, f, 1, rng), [f, 1]);
      const bias = createParam(`${name}/bias`, 'bias', initBias(init, 1, f, rng), [1]);
      // Glorot-scale rows, as a dense layer from f to the class count would start.
      const table = createParam(`${name}/embedding`, 'kernel', initKernel('glorot', classes * f, f, classes, rng), [classes, f]);
      return {
        name,
        params: [kernel, bias, table],
        buffers: [],
        outputShape: [1],
        apply(x, ctx) {
          const labels = ctx.condition?.labels;
          if (!labels) throw new Error(`${name}: this discriminator projects onto class embeddings; pass the labels as ctx.condition.labels`);
          if (labels.shape[0] !== x.shape[0]) throw new Error(`${name}: ${labels.shape[0]} labels for a batch of ${x.shape[0]}`);
          const linear = tf.add(tf.matMul(x as tf.Tensor2D, weightOf(kernel, ctx) as tf.Tensor2D), weightOf(bias, ctx));
          const projected = tf.sum(tf.mul(x, tf.gather(weightOf(table, ctx), labels)), 1, true);
          return tf.add(linear, projected);
        },
      };
    },
  };
}

/** Class ids that cycle through `classes`: sample i is class (start + i) mod classes (balanced, as evaluations and sample grids ask for them). */
export function cyclingLabels(n: number, classes: number, start = 0): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (start + i) % classes);
}

/**
 * The {@link ApplyContext} entry handing `labels` to a conditional network (nothing when there are
 * none). The tensor is the caller's: made inside a tidy it goes with it, otherwise dispose it.
 */
export function labelsCondition(labels: Int32Array | undefined): { condition?: { labels: tf.Tensor1D } } {
  return labels ? { condition: { labels: tf.tensor1d(labels, 'int32') } } : {};
}
