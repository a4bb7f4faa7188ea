import * as tf from '@tensorflow/tfjs-core';
import { float, numberAttr, single, zeroGradient } from './util.ts';

/** f'(x) of a pointwise f, written from the input so that it can be differentiated again. */
type Derivative = (x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor;

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/*
 * Where a derivative is piecewise, it is written without masking an expression that can overflow
 * (elu'(x) = exp(min(x, 0)) rather than "x > 0 ? 1 : exp(x)"): a masked-out ∞ still turns into
 * 0 · ∞ = NaN when the derivative is differentiated.
 */
const DERIVATIVES: Record<string, Derivative> = {
  [tf.Abs]: (x) => tf.sign(x),
  [tf.Acos]: (x) => tf.neg(tf.rsqrt(tf.sub(1, tf.square(x)))),
  [tf.Acosh]: (x) => tf.rsqrt(tf.sub(tf.square(x), 1)),
  [tf.Asin]: (x) => tf.rsqrt(tf.sub(1, tf.square(x))),
  [tf.Asinh]: (x) => tf.rsqrt(tf.add(tf.square(x), 1)),
  [tf.Atan]: (x) => tf.reciprocal(tf.add(tf.square(x), 1)),
  [tf.Atanh]: (x) => tf.reciprocal(tf.sub(1, tf.square(x))),
  [tf.Cos]: (x) => tf.neg(tf.sin(x)),
  [tf.Cosh]: (x) => tf.sinh(x),
  [tf.Elu]: (x) => tf.exp(tf.minimum(x, 0)),
  [tf.Erf]: (x) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(x)))),
  [tf.Exp]: (x) => tf.exp(x),
  [tf.Expm1]: (x) => tf.exp(x),
  [tf.LeakyRelu]: (x, attrs) => {
    const alpha = numberAttr(attrs, 'alpha');
    return tf.add(alpha, tf.mul(1 - alpha, tf.step(x)));
  },
  [tf.Log]: (x) => tf.reciprocal(x),
  [tf.Log1p]: (x) => tf.reciprocal(tf.add(x, 1)),
  [tf.Reciprocal]: (x) => tf.neg(tf.reciprocal(tf.square(x))),
  [tf.Relu]: (x) => tf.step(x),
  [tf.Relu6]: (x) => tf.mul(tf.step(x), tf.cast(tf.lessEqual(x, 6), 'float32')),
  [tf.Rsqrt]: (x) => tf.mul(-0.5, tf.div(tf.rsqrt(x), x)),
  [tf.Selu]: (x) => tf.mul(SELU_SCALE, tf.add(tf.step(x), tf.mul(SELU_ALPHA, tf.mul(tf.exp(tf.minimum(x, 0)), tf.sub(1, tf.step(x)))))),
  [tf.Sigmoid]: (x) => {
    const s = tf.sigmoid(x);
    return tf.mul(s, tf.sub(1, s));
  },
  [tf.Sin]: (x) => tf.cos(x),
  [tf.Sinh]: (x) => tf.cosh(x),
  [tf.Softplus]: (x) => tf.sigmoid(x),
  [tf.Sqrt]: (x) => tf.div(0.5, tf.sqrt(x)),
  [tf.Square]: (x) => tf.mul(2, x),
  [tf.Tan]: (x) => tf.reciprocal(tf.square(tf.cos(x))),
  [tf.Tanh]: (x) => tf.sub(1, tf.square(tf.tanh(x))),
  [tf.ClipByValue]: (x, attrs) => {
    const inside = tf.logicalAnd(tf.greaterEqual(x, numberAttr(attrs, 'clipValueMin')), tf.lessEqual(x, numberAttr(attrs, 'clipValueMax')));
    return tf.cast(inside, 'float32');
  },
};

/** Pointwise ops whose output is piecewise constant in the input, or not a number at all. */
const CONSTANT_POINTWISE: readonly string[] = [
  tf.Sign, tf.Step, tf.Floor, tf.Ceil, tf.Round, tf.IsNan, tf.IsInf, tf.IsFinite, tf.LogicalNot, tf.OnesLike, tf.ZerosLike,
];

/** Comparisons and logical ops of two inputs: boolean outputs, zero gradient. */
const PREDICATES: readonly string[] = [
  tf.Greater, tf.GreaterEqual, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr, tf.LogicalXor, tf.FloorDiv,
];

/** Reductions to booleans or indices: zero gradient. */
const CONSTANT_REDUCTIONS: readonly string[] = [tf.All, tf.Any, tf.ArgMax, tf.ArgMin];

/** Gradients of pointwise kernels, and the zero gradients of comparisons, logical ops and rounding. */
export function elementwiseGradients(): tf.GradConfig[] {
  const pointwise = Object.entries(DERIVATIVES).map(
    ([kernelName, derivative]): tf.GradConfig => ({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => ({ x: () => tf.mul(single(dy), derivative(float(x), attrs)) }),
    }),
  );
  const negate: tf.GradConfig = { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(single(dy)) }) };
  // Shape-preserving: the zero gradient takes dy's shape, no need to save the input.
  const constant = CONSTANT_POINTWISE.map(
    (kernelName): tf.GradConfig => ({ kernelName, gradFunc: (dy) => ({ x: zeroGradient(single(dy).shape) }) }),
  );
  // Inputs saved only for their shapes: broadcasting and reducing change them.
  const predicates = PREDICATES.map(
    (kernelName): tf.GradConfig => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, [a, b]) => ({ a: zeroGradient(a.shape), b: zeroGradient(b.shape) }),
    }),
  );
  const reductions = CONSTANT_REDUCTIONS.map(
    (kernelName): tf.GradConfig => ({ kernelName, inputsToSave: ['x'], gradFunc: (_dy, [x]) => ({ x: zeroGradient(x.shape) }) }),
  );
  const oneHot: tf.GradConfig = { kernelName: tf.OneHot, inputsToSave: ['indices'], gradFunc: (_dy, [indices]) => ({ indices: zeroGradient(indices.shape) }) };
  return [...pointwise, negate, ...constant, ...predicates, ...reductions, oneHot];
}
