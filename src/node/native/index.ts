import * as tf from '@tensorflow/tfjs-core';
import { NATIVE_BACKEND_NAME, NativeBackend } from './backend.ts';
import { openBlas } from './blas.ts';
import { registerNativeKernels } from './kernels.ts';

/** Outcome of {@link registerNativeBackend}. */
export type NativeStatus = { ok: true; library: string; threads: number } | { ok: false; reason: string };

/**
 * Below every built-in backend (cpu is 1, wasm 2), so `tf.ready()` never picks it on its own:
 * a user asks for it by name.
 */
const NATIVE_PRIORITY = -1;

let registered: NativeStatus | undefined;

/**
 * Opens OpenBLAS, registers the 'native' backend with tfjs (idempotent). Does not select it.
 *
 * The backend is the cpu backend with matmul and conv2d (forward and gradients) on
 * `cblas_sgemm`, the common float32 elementwise ops and sums on tight loops, and its large output
 * arrays recycled. When OpenBLAS is missing it returns `{ ok: false, reason }` instead of
 * throwing. `threads` caps OpenBLAS's threads (default: OpenBLAS's own, i.e.
 * OPENBLAS_NUM_THREADS or the core count); 1 is faster when other processes keep the cores busy.
 * Once registered, later calls return the first status and ignore `options`.
 *
 * @example
 * const status = registerNativeBackend();
 * if (status.ok) await tf.setBackend('native');
 * else console.warn(status.reason);
 */
export function registerNativeBackend(options?: { threads?: number }): NativeStatus {
  if (registered?.ok) return registered;
  const opened = openBlas({ threads: options?.threads });
  if (!opened.ok) return { ok: false, reason: opened.reason };
  const blas = opened.blas;
  registerNativeKernels();
  tf.registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(blas), NATIVE_PRIORITY);
  registered = { ok: true, library: blas.library, threads: blas.maxThreads };
  return registered;
}
