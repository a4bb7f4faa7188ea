import * as tf from '@tensorflow/tfjs-core';
import { defineNativeKernel, float32Values, type NativeBackend } from './backend.ts';
import { biasRow, fillRows, finishFused, type FusedEpilogue } from './fused.ts';

/** `BatchMatMul` (what `tf.matMul` runs) on `cblas_sgemm`: transposes go to BLAS, no copies. */
export const batchMatMulConfig = defineNativeKernel<tf.BatchMatMulInputs, tf.BatchMatMulAttrs>(
  tf.BatchMatMul,
  ({ inputs, attrs, backend }) => {
    const { a, b } = inputs;
    if (a === undefined || b === undefined) return undefined;
    return batchMatMul(backend, a, b, attrs.transposeA, attrs.transposeB, {});
  },
);

/** `_FusedMatMul` (`tf.fused.matMul`): GEMM with the bias prefilled into C, activation in place. */
export const fusedMatMulConfig = defineNativeKernel<tf._FusedMatMulInputs, tf._FusedMatMulAttrs>(
  tf._FusedMatMul,
  ({ inputs, attrs, backend }) => {
    const { a, b, bias, preluActivationWeights } = inputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
    return batchMatMul(backend, a, b, transposeA, transposeB, { bias, activation, preluActivationWeights, leakyreluAlpha });
  },
);

function batchMatMul(
  backend: NativeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue: FusedEpilogue,
): tf.TensorInfo | undefined {
  const aValues = float32Values(backend, a);
  const bValues = float32Values(backend, b);
  if (aValues === undefined || bValues === undefined) return undefined;

  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const kA = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  tf.util.assert(
    kA === kB,
    () =>
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const k = kA;
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  const batch = tf.util.sizeFromShape(outBatchShape);
  const outShape = [...outBatchShape, m, n];
  const out = backend.allocate(batch * m * n);

  const bias = epilogue.bias === undefined ? undefined : biasRow(backend, epilogue.bias, n);
  if (bias !== undefined) fillRows(out, batch * m, bias);
  const beta = bias === undefined ? 0 : 1;

  // Row-major storage: a stored matrix's row stride is its last dimension.
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  const blas = backend.blas;
  if (tf.util.sizeFromShape(bBatchShape) === 1 && !transposeA) {
    // A shared B: the batch of A stacks into one tall matrix, one GEMM instead of `batch` small ones.
    blas.sgemm(false, transposeB, batch * m, n, k, aValues, lda, bValues, ldb, beta, out, n);
  } else {
    const aIndex = broadcastIndex(outBatchShape, aBatchShape);
    const bIndex = broadcastIndex(outBatchShape, bBatchShape);
    const aSize = m * k;
    const bSize = k * n;
    const cSize = m * n;
    for (let i = 0; i < batch; i++) {
      const aOff = aIndex[i] * aSize;
      const bOff = bIndex[i] * bSize;
      blas.sgemm(
        transposeA,
        transposeB,
        m,
        n,
        k,
        aValues.subarray(aOff, aOff + aSize),
        lda,
        bValues.subarray(bOff, bOff + bSize),
        ldb,
        beta,
        out.subarray(i * cSize, (i + 1) * cSize),
        n,
      );
    }
  }
  return finishFused(backend, out, outShape, epilogue, bias !== undefined);
}

/**
 * For each flat index into the broadcast batch shape, the flat index into `inShape`
 * (NumPy rules: shapes align on the right, size-1 dimensions repeat).
 */
export function broadcastIndex(outShape: number[], inShape: number[]): Int32Array {
  const size = tf.util.sizeFromShape(outShape);
  const index = new Int32Array(size);
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const inStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= offset; d--) {
    const dim = inShape[d - offset];
    inStrides[d] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  for (let i = 0; i < size; i++) {
    let rest = i;
    let flat = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = (rest - coord) / outShape[d];
      flat += coord * inStrides[d];
    }
    index[i] = flat;
  }
  return index;
}
