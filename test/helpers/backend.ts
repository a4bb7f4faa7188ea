import * as tf from '@tensorflow/tfjs-core';
import { cpuCandidate, useBackend } from '../../src/tensor/backend.ts';
import { wasmCandidate } from '../../src/tensor/wasm.ts';
import { nodeWasmDir } from '../../src/node/backends.ts';

/** Backends every numeric test runs on (native joins where OpenBLAS is present, via its own suite). */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** Selects a backend for a test file and checks tfjs really switched. */
export async function selectTestBackend(name: 'cpu' | 'wasm' = 'cpu'): Promise<void> {
  await useBackend(name, name === 'cpu' ? [cpuCandidate] : [wasmCandidate(nodeWasmDir())]);
  if (tf.getBackend() !== name) throw new Error(`expected backend ${name}, got ${tf.getBackend()}`);
}
