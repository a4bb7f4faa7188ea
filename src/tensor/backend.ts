import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle carries no gradient functions: @tensorflow/tfjs registers them (and the
// cpu and webgl backends) on import, on the same tfjs-core instance we import above.
import '@tensorflow/tfjs';
import { BackendError } from '../errors.ts';
import { installGradientFixes } from './gradient-fixes.ts';

/** Backends saddlepoint knows by name. `auto` tries the platform's candidates fastest first. */
export const BACKEND_NAMES = ['auto', 'native', 'wasm', 'cpu', 'webgl', 'webgpu', 'tensorflow'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * A way to bring up one tfjs backend. `init` registers it (if needed) and throws with a reason
 * a user can act on when it cannot; it does not select it.
 */
export interface BackendCandidate {
  name: Exclude<BackendName, 'auto'>;
  init(): Promise<BackendDetails | void>;
}

/** Facts about a backend that the run header and `saddlepoint info` print. */
export interface BackendDetails {
  [key: string]: string | number | boolean;
}

/** The outcome of {@link useBackend}: the backend in force, and why the faster ones were skipped. */
export interface BackendChoice {
  name: string;
  details: BackendDetails;
  skipped: { name: string; reason: string }[];
}

/** The `cpu` backend: always available, slowest. */
export const cpuCandidate: BackendCandidate = {
  name: 'cpu',
  async init() {
    // Registered by the side-effect import above.
  },
};

/**
 * Selects a backend: the requested one, or with `auto` the first of `candidates` that initializes.
 * Checks `tf.getBackend()` afterwards, because tfjs can silently stay on `cpu`, and installs the
 * gradient fixes that second-order penalties need.
 *
 * @example
 * const choice = await useBackend('auto', [nativeCandidate, wasmCandidate(paths), cpuCandidate]);
 */
export async function useBackend(requested: BackendName, candidates: readonly BackendCandidate[]): Promise<BackendChoice> {
  // PROD silences tfjs's console advice (e.g. "install tfjs-node") and its debug-only checks.
  tf.env().set('PROD', true);
  installGradientFixes();
  const skipped: BackendChoice['skipped'] = [];
  const order = requested === 'auto' ? candidates : candidates.filter((c) => c.name === requested);
  if (order.length === 0) {
    throw new BackendError(
      `backend '${requested}' is not available on this platform; available: ${['auto', ...candidates.map((c) => c.name)].join(', ')}`,
    );
  }
  for (const candidate of order) {
    try {
      const details = (await candidate.init()) ?? {};
      const ok = await tf.setBackend(candidate.name);
      await tf.ready();
      if (!ok || tf.getBackend() !== candidate.name) {
        throw new Error(`tfjs stayed on '${tf.getBackend()}' after selecting '${candidate.name}'`);
      }
      return { name: candidate.name, details, skipped };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (requested !== 'auto') throw new BackendError(`backend '${candidate.name}' could not start: ${reason}`);
      skipped.push({ name: candidate.name, reason });
    }
  }
  throw new BackendError(`no backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
