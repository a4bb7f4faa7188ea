import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cpuCandidate, useBackend, type BackendCandidate, type BackendChoice, type BackendName, wasmCandidate } from '../tensor/index.ts';
import { registerNativeBackend } from './native/index.ts';

const require = createRequire(import.meta.url);

/**
 * How much faster native trains than the wasm fallback: `saddlepoint bench --model all --backend
 * native,wasm` on the project's 2-core machine, 2026-11-23 (mlp-gan 9.09 vs 4.24 steps/s,
 * mlp-gan-gp 6.77 vs 2.74, dcgan-mnist 3.53 vs 1.39). Shown to users whose machine lacks OpenBLAS.
 */
export const NATIVE_SPEEDUP_OVER_WASM = '2.1–2.5×';

/** The `native` backend: tfjs's CPU kernels with matmul and conv on OpenBLAS. */
export const nativeCandidate: BackendCandidate = nativeWith();

/** The native candidate with `threads` OpenBLAS threads for large GEMMs (default: OpenBLAS's own). */
function nativeWith(threads?: number): BackendCandidate {
  return {
  name: 'native',
  async init() {
    const status = registerNativeBackend(threads === undefined ? undefined : { threads });
    if (!status.ok) throw new Error(`${status.reason} (native trains ${NATIVE_SPEEDUP_OVER_WASM} faster than the wasm fallback)`);
    return { blas: status.library, threads: status.threads };
  },
  };
}

/** tfjs-node, used only when the user has installed it (it is not a dependency). */
export const tensorflowCandidate: BackendCandidate = {
  name: 'tensorflow',
  async init() {
    const name = '@tensorflow/tfjs-node';
    try {
      await import(name);
    } catch {
      throw new Error(`${name} is not installed (npm install ${name}); saddlepoint does not need it`);
    }
  },
};

/** The wasm binaries shipped inside the tfjs-backend-wasm package. */
export function nodeWasmDir(): string {
  return `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
}

/** Node's candidates, fastest first: what `--backend auto` tries in order; `threads` caps native's OpenBLAS threads. */
export function nodeCandidates(threads?: number): BackendCandidate[] {
  return [threads === undefined ? nativeCandidate : nativeWith(threads), wasmCandidate(nodeWasmDir()), cpuCandidate, tensorflowCandidate];
}

/** Selects a backend in Node (`auto`: native → wasm → cpu), native with `threads` OpenBLAS threads ('auto' or absent: OpenBLAS's default). */
export function useNodeBackend(requested: BackendName, threads: number | 'auto' = 'auto'): Promise<BackendChoice> {
  // tfjs-node is never picked by `auto`: it must be asked for by name.
  const all = nodeCandidates(threads === 'auto' ? undefined : threads);
  const candidates = requested === 'auto' ? all.filter((c) => c.name !== 'tensorflow') : all;
  return useBackend(requested, candidates);
}
