import type { BackendCandidate } from './backend.ts';

/**
 * The tfjs WebAssembly backend (SIMD, one thread), with the kernels that make conv networks
 * trainable on it. `wasmDir` is where the `.wasm` files are served from (a folder path in Node,
 * a URL prefix in browsers), ending in `/`.
 */
export function wasmCandidate(wasmDir?: string): BackendCandidate {
  return {
    name: 'wasm',
    async init() {
      // Loaded on demand: most Node runs use the native backend and never pay for wasm.
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (wasmDir) wasm.setWasmPaths(wasmDir);
      const { installWasmTrainingKernels } = await import('./wasm-kernels.ts');
      installWasmTrainingKernels();
      return { simd: true, threads: 1 };
    },
  };
}
