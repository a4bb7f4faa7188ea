import * as tf from '@tensorflow/tfjs-core';
import { binaryGradients } from './gradients/binary.ts';
import { elementwiseGradients } from './gradients/elementwise.ts';
import { linalgGradients } from './gradients/linalg.ts';
import { nnGradients } from './gradients/nn.ts';
import { reductionGradients } from './gradients/reduce.ts';
import { shapeGradients } from './gradients/shape.ts';

/*
 * Why saddlepoint registers its own gradients instead of relying on tfjs-core's:
 *
 * - In Node, tfjs-core registers none. Its only Node entry (dist/tf-core.node.js) carries no
 *   gradient configs, and dist/register_all_gradients.js is ESM inside a CommonJS package with
 *   extensionless and directory imports, which Node refuses. Without a registration here,
 *   `tf.grad(x => tf.sum(x))` throws "gradient function not found for Sum".
 * - Where tfjs's gradients do exist (browser bundles), several are wrong at second order, which
 *   every gradient penalty (WGAN-GP, DRAGAN, R1, R2) needs:
 *   · a gradient that reads the forward *output* (Sigmoid, Tanh, Exp, Elu, Softmax, Pow's
 *     exponent) gets a clone of it that the engine tapes *before* the op that produced it, so a
 *     second differentiation cannot see that the output depends on the input and silently drops
 *     that term (second derivatives off by 12–100 %). Here every derivative is computed from the
 *     saved input;
 *   · comparisons and logical ops have no gradient, so leakyRelu, prelu, where, clipByValue,
 *     maximum/minimum and max/min throw inside a gradient of a gradient. Here theirs is zero;
 *   · Elu's gradient calls an `EluGrad` kernel that has no gradient, and the conv filter
 *     gradient has none either. Here both are written with differentiable ops.
 * - tfjs's matmul gradient uses transposed matmuls, which wasm runs ~10× slower than an explicit
 *   transpose and a plain matmul; here the wasm path transposes explicitly.
 *
 * Each gradient lives with its family in ./gradients/.
 */

/** Every gradient config saddlepoint registers, one per kernel. */
export function gradientConfigs(): tf.GradConfig[] {
  return [
    ...elementwiseGradients(),
    ...binaryGradients(),
    ...reductionGradients(),
    ...shapeGradients(),
    ...linalgGradients(),
    ...nnGradients(),
  ];
}

/**
 * Registers saddlepoint's gradients for the tfjs kernels it uses, replacing any already registered.
 * Idempotent: calling it again registers the same configs again, which also restores them if
 * something registered tfjs's own in between. Call at start-up, before any training.
 *
 * @example
 * installGradientFixes();
 * const penalty = tf.grad((x) => tf.sum(tf.square(tf.grad((z) => tf.sum(tf.sigmoid(z)))(x))));
 */
export function installGradientFixes(): void {
  for (const config of gradientConfigs()) tf.registerGradient(config);
}
