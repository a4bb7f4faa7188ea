import * as tf from '@tensorflow/tfjs-core';
import { float32Values, runNativeKernel, type NativeBackend } from './backend.ts';

/** The epilogue of a fused matmul or conv: bias, then activation, as the `cpu` kernels apply them. */
export interface FusedEpilogue {
  bias?: tf.TensorInfo;
  activation?: string;
  preluActivationWeights?: tf.TensorInfo;
  leakyreluAlpha?: number;
}

/**
 * The bias as one value per output column when it broadcasts along rows (shape `[n]`, `[1, n]`,
 * …, or a scalar), so it can be written into C before a `beta = 1` GEMM instead of costing an
 * extra pass. `undefined` when it broadcasts some other way.
 */
export function biasRow(backend: NativeBackend, bias: tf.TensorInfo, n: number): Float32Array | undefined {
  const values = float32Values(backend, bias);
  if (values === undefined) return undefined;
  const trailing = bias.shape.length === 0 ? 1 : bias.shape[bias.shape.length - 1];
  if (values.length === 1) return new Float32Array(n).fill(values[0]);
  if (values.length === n && trailing === n) return values;
  return undefined;
}

/** Writes `row` into every row of a rows×n matrix. */
export function fillRows(out: Float32Array, rows: number, row: Float32Array): void {
  const n = row.length;
  for (let r = 0; r < rows; r++) out.set(row, r * n);
}

/**
 * Wraps a freshly computed output (owned by the caller, not yet a tensor) and applies what is
 * left of the epilogue. Elementwise activations run in place on the new buffer; a bias that was
 * not prefilled and PReLU go through this backend's Add/Prelu kernels so broadcasting matches.
 */
export function finishFused(
  backend: NativeBackend,
  out: Float32Array,
  shape: number[],
  epilogue: FusedEpilogue,
  biasDone: boolean,
): tf.TensorInfo {
  const { activation, leakyreluAlpha } = epilogue;
  const pendingBias = biasDone ? undefined : epilogue.bias;
  if (pendingBias === undefined && activation !== undefined && activateInPlace(out, activation, leakyreluAlpha)) {
    return backend.makeTensorInfo(shape, 'float32', out);
  }
  let result = backend.makeTensorInfo(shape, 'float32', out);
  if (pendingBias !== undefined) {
    const sum = runNativeKernel(backend, tf.Add, { a: result, b: pendingBias });
    backend.disposeIntermediateTensorInfo(result);
    result = sum;
  }
  if (activation !== undefined) {
    const activated = activationKernel(backend, result, epilogue);
    backend.disposeIntermediateTensorInfo(result);
    result = activated;
  }
  return result;
}

/** Same formulas as the cpu kernels (Relu, Relu6, Elu, LeakyRelu, Sigmoid), so results are identical. */
function activateInPlace(v: Float32Array, activation: string, leakyreluAlpha = 0.2): boolean {
  const n = v.length;
  switch (activation) {
    case 'linear':
      return true;
    case 'relu':
      for (let i = 0; i < n; i++) v[i] = Math.max(0, v[i]);
      return true;
    case 'relu6':
      for (let i = 0; i < n; i++) v[i] = Math.min(Math.max(0, v[i]), 6);
      return true;
    case 'elu':
      for (let i = 0; i < n; i++) v[i] = v[i] >= 0 ? v[i] : Math.exp(v[i]) - 1;
      return true;
    case 'leakyrelu':
      for (let i = 0; i < n; i++) v[i] = v[i] < 0 ? leakyreluAlpha * v[i] : v[i];
      return true;
    case 'sigmoid':
      for (let i = 0; i < n; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
      return true;
    default:
      return false;
  }
}

function activationKernel(backend: NativeBackend, x: tf.TensorInfo, epilogue: FusedEpilogue): tf.TensorInfo {
  switch (epilogue.activation) {
    case 'linear':
      return runNativeKernel(backend, tf.Identity, { x });
    case 'relu':
      return runNativeKernel(backend, tf.Relu, { x });
    case 'relu6':
      return runNativeKernel(backend, tf.Relu6, { x });
    case 'elu':
      return runNativeKernel(backend, tf.Elu, { x });
    case 'leakyrelu':
      return runNativeKernel(backend, tf.LeakyRelu, { x }, { alpha: epilogue.leakyreluAlpha ?? 0.2 });
    case 'sigmoid':
      return runNativeKernel(backend, tf.Sigmoid, { x });
    case 'prelu':
      return runNativeKernel(backend, tf.Prelu, { x, alpha: epilogue.preluActivationWeights });
    default:
      throw new Error(`Activation ${epilogue.activation} has not been implemented for the CPU backend.`);
  }
}
