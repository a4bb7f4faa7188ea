import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type LayerFactory } from './module.ts';

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
