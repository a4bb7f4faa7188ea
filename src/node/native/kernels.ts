import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NATIVE_BACKEND_NAME } from './backend.ts';
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig, conv2DConfig, fusedConv2DConfig } from './conv.ts';
import { leakyReluConfig, reluConfig, selectConfig, sqrtConfig, stepConfig } from './activations.ts';
import { addConfig, greaterConfig, multiplyConfig, realDivConfig, subConfig } from './binary.ts';
import { batchMatMulConfig, fusedMatMulConfig } from './matmul.ts';
import { sumConfig } from './reduce.ts';
import { negConfig, tileConfig } from './tile.ts';

/** Kernels the `native` backend runs on OpenBLAS instead of the cpu backend's JavaScript loops. */
export const BLAS_KERNELS: readonly tf.KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
];

/**
 * float32 elementwise ops, activation masks and sums as monomorphic, branch-free loops: with the
 * matmuls on BLAS, the cpu versions were ~80% of an MLP GAN step (see binary.ts, activations.ts).
 */
export const LOOP_KERNELS: readonly tf.KernelConfig[] = [
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  greaterConfig,
  reluConfig,
  leakyReluConfig,
  stepConfig,
  sqrtConfig,
  selectConfig,
  sumConfig,
  tileConfig,
  negConfig,
];

/** Every kernel the `native` backend implements itself rather than borrowing from cpu. */
export const NATIVE_KERNELS: readonly tf.KernelConfig[] = [...BLAS_KERNELS, ...LOOP_KERNELS];

/**
 * Registers, for the `native` backend, every kernel tfjs has for `cpu` (so all ops work, on the
 * same Float32Array data) with the {@link NATIVE_KERNELS} taking the place of their cpu versions.
 * Skips kernels already registered, so calling it twice is harmless.
 */
export function registerNativeKernels(): void {
  const overridden = new Set(NATIVE_KERNELS.map((k) => k.kernelName));
  const configs = [
    ...tf.getKernelsForBackend('cpu').filter((k) => !overridden.has(k.kernelName)).map((k) => ({ ...k, backendName: NATIVE_BACKEND_NAME })),
    ...NATIVE_KERNELS,
  ];
  const existing = new Set(tf.getKernelsForBackend(NATIVE_BACKEND_NAME).map((k) => k.kernelName));
  for (const config of configs) {
    if (!existing.has(config.kernelName)) tf.registerKernel(config);
  }
}
