import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type ApplyContext, type LayerFactory, type Param } from './module.ts';
import { initBias, initKernel, type InitName } from './init.ts';

/**
 * D's output layer with an auxiliary head on the same features: the adversarial score `[n, 1]` is
 * the layer's output, as every loss, penalty and metric expects; the head's `[n, units]` goes to
 * `ctx.auxiliary` when the caller asks for it (ACGAN's class logits, Odena et al. 2017; InfoGAN's
 * Q, Chen et al. 2016), and is not computed otherwise. With `hidden`, the head first has a
 * leaky-ReLU layer of that width (InfoGAN's Q: FC 128 then its outputs); without, it is linear
 * on D's features (ACGAN's softmax layer). Every weight is a kernel or bias, so spectral norm and
 * weight penalties reach the head with the rest of D.
 *
 * @example
 * const D = sequential('D', [784], [dense(256), activation('leakyRelu'), auxiliaryOutput(10)], rng);
 * let logits; D.apply(x, { training: true, auxiliary: (out) => (logits = out) }); // [n, 1], logits [n, 10]
 */
export function auxiliaryOutput(units: number, options: { hidden?: number; init?: InitName; alpha?: number } = {}): LayerFactory {
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`auxiliaryOutput: units must be a positive integer, got ${units}`);
  const { hidden = 0, init = 'he', alpha = 0.2 } = options;
  if (!Number.isInteger(hidden) || hidden < 0) throw new RangeError(`auxiliaryOutput: hidden must be a non-negative integer, got ${hidden}`);
  return {
    kind: 'auxiliary',
    build(inputShape, rng, name) {
      if (inputShape.length !== 1) throw new Error(`${name}: the auxiliary head expects flat features, got shape [${inputShape.join(', ')}]; add flatten() before it`);
      const f = inputShape[0];
      const linear = (suffix: string, fanIn: number, out: number): Param[] => [
        createParam(`${name}/${suffix}kernel`, 'kernel', initKernel(init, fanIn * out, fanIn, out, rng), [fanIn, out]),
        createParam(`${name}/${suffix}bias`, 'bias', initBias(init, out, fanIn, rng), [out]),
      ];
      const adversarial = linear('', f, 1);
      const trunk = hidden > 0 ? linear('head/hidden/', f, hidden) : [];
      const head = linear('head/', hidden > 0 ? hidden : f, units);
      const affine = (x: tf.Tensor, [w, b]: Param[], ctx: ApplyContext) => tf.add(tf.matMul(x as tf.Tensor2D, weightOf(w, ctx) as tf.Tensor2D), weightOf(b, ctx));
      return {
        name,
        params: [...adversarial, ...trunk, ...head],
        buffers: [],
        outputShape: [1],
        apply(x, ctx) {
          if (ctx.auxiliary) {
            const h = trunk.length ? tf.leakyRelu(affine(x, trunk, ctx), alpha) : x;
            ctx.auxiliary(affine(h, head, ctx));
          }
          return affine(x, adversarial, ctx);
        },
      };
    },
  };
}
