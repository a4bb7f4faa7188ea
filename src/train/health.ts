/**
 * Health signals that need the networks themselves: how sensitive G's output is to its latent z
 * (‖∂G/∂z‖ and the conditioning of that Jacobian, Odena et al. 2018, "Is Generator Conditioning
 * Causally Related to GAN Performance?"), and the top singular value of every kernel of D and G
 * (the spectra whose sudden growth precedes collapse: Brock et al. 2019, BigGAN §4.1). The pure
 * arithmetic (singular values of small matrices) lives in `src/metrics/health.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { singularValues } from '../metrics/index.ts';
import { labelsCondition, type ApplyContext, type Module } from '../nn/index.ts';
import { spectralNormEstimate } from '../stabilizers/index.ts';
import type { Rng } from '../tensor/index.ts';
import { sampleNoise, type NoiseSpec } from '../data/index.ts';

/**
 * Up to this latent width the full per-sample Jacobian is built (one central difference per z
 * coordinate) and its conditioning reported; wider latents get random probes and no conditioning.
 * 16 keeps the finite-difference batch at 32 × samples rows.
 */
export const FULL_JACOBIAN_MAX_DIM = 16;

/** Random directions per sample when the latent is wider than {@link FULL_JACOBIAN_MAX_DIM} (Hutchinson's estimator of ‖J‖²_F). */
export const JACOBIAN_PROBES = 8;

/**
 * Central-difference step in z. z is O(1) (standard normal or U[−1, 1]); with float32 outputs of
 * O(1) the rounding error of a difference is ~1e-7 / h = 1e-5 relative, and for relu networks the
 * difference is exact unless the step crosses a kink.
 */
export const JACOBIAN_STEP = 1e-2;

/**
 * Conditioning above this is reported as this value: below σ_min ≈ 1e-5·σ_max the finite differences
 * cannot tell σ_min from rounding, and JSON has no Infinity.
 */
export const MAX_CONDITION = 1e5;

/** Power iterations per kernel for {@link spectralHealth}: the top singular value converges geometrically in (σ₂/σ₁)². */
export const SPECTRAL_ITERATIONS = 10;

/** G's sensitivity to z on a fixed z batch. */
export interface SensitivityHealth {
  /** Mean over samples of ‖∂G(z)/∂z‖_F (output units per unit of z); near 0 when many z map to one output. */
  sensitivity: number;
  /**
   * Median over samples of σ_max/σ_min of the per-sample Jacobian (its min(out, z) singular values),
   * capped at {@link MAX_CONDITION}; only for latents of at most {@link FULL_JACOBIAN_MAX_DIM} coordinates.
   */
  jacobianCondition?: number;
}

/** Options of {@link generatorSensitivity}. */
export interface SensitivityOptions {
  /** Latent points the Jacobian is taken at (default 32). */
  samples?: number;
  /** The weights G generates with (EMA's, where the evaluator uses them). */
  weight?: ApplyContext['weight'];
  /** A class-conditional G's class count: sample i is taken with class i mod classes. */
  classes?: number | null;
}

/**
 * ‖∂G/∂z‖_F per sample and the Jacobian's conditioning, by central differences on a z batch drawn
 * from `rng`. Latents of at most {@link FULL_JACOBIAN_MAX_DIM} coordinates: J is built column by
 * column along each basis vector, so ‖J‖_F is exact up to the difference and the conditioning comes
 * from J's singular values. Wider latents: ‖J‖²_F = E‖Jv‖² over v ~ N(0, I), with
 * {@link JACOBIAN_PROBES} probes per sample. One forward pass of G over every perturbed z.
 *
 * @example
 * const { sensitivity, jacobianCondition } = generatorSensitivity(session.G, session.noise, new Rng(1));
 */
export function generatorSensitivity(G: Module, noise: NoiseSpec, rng: Rng, options: SensitivityOptions = {}): SensitivityHealth {
  const n = options.samples ?? 32;
  const dz = noise.dim;
  const full = dz <= FULL_JACOBIAN_MAX_DIM;
  const probes = full ? dz : JACOBIAN_PROBES;
  const z = tf.tidy(() => sampleNoise(noise, n, rng).arraySync());
  // Directions: basis vectors (full Jacobian) or N(0, I) probes; the same for every sample only in the full case.
  const directions: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < probes; p++) {
      const v = full ? new Float32Array(dz) : rng.normalArray(dz);
      if (full) v[p] = 1;
      directions.push(v);
    }
  }
  const rows = new Float32Array(n * probes * 2 * dz);
  directions.forEach((v, r) => {
    const zi = z[Math.floor(r / probes)];
    for (let k = 0; k < dz; k++) {
      rows[(2 * r) * dz + k] = zi[k] + JACOBIAN_STEP * v[k];
      rows[(2 * r + 1) * dz + k] = zi[k] - JACOBIAN_STEP * v[k];
    }
  });
  const classes = options.classes;
  const labels = classes ? Int32Array.from({ length: n * probes * 2 }, (_, r) => Math.floor(r / (2 * probes)) % classes) : undefined;
  const out = tf.tidy(() => G.apply(tf.tensor2d(rows, [n * probes * 2, dz]), { training: false, weight: options.weight, ...labelsCondition(labels) }).dataSync() as Float32Array);
  const dx = out.length / (n * probes * 2);
  let normSum = 0;
  const conditions: number[] = [];
  const jacobian = new Float64Array(dx * probes);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let p = 0; p < probes; p++) {
      const r = i * probes + p;
      for (let k = 0; k < dx; k++) {
        const d = (out[2 * r * dx + k] - out[(2 * r + 1) * dx + k]) / (2 * JACOBIAN_STEP);
        sq += d * d;
        jacobian[k * probes + p] = d;
      }
    }
    normSum += Math.sqrt(full ? sq : sq / probes);
    if (full) {
      const s = singularValues(jacobian, dx, dz);
      const smallest = s[s.length - 1];
      conditions.push(s[0] === 0 ? MAX_CONDITION : smallest * MAX_CONDITION <= s[0] ? MAX_CONDITION : s[0] / smallest);
    }
  }
  const result: SensitivityHealth = { sensitivity: normSum / n };
  if (full) {
    conditions.sort((a, b) => a - b);
    const mid = conditions.length >> 1;
    result.jacobianCondition = conditions.length % 2 ? conditions[mid] : (conditions[mid - 1] + conditions[mid]) / 2;
  }
  return result;
}

function normalizeInPlace(x: Float64Array): void {
  let s = 0;
  for (const v of x) s += v * v;
  const norm = Math.sqrt(s) + 1e-12;
  for (let i = 0; i < x.length; i++) x[i] /= norm;
}

/**
 * The top singular value of every kernel of `module` (dense `[in, out]`, conv flattened to
 * `[k·k·cIn, out]` as spectral norm does), by {@link SPECTRAL_ITERATIONS} power iterations from a
 * start vector drawn from `rng.fork(kernel name)`: deterministic, and one kernel's estimate does not
 * depend on which other kernels the network has. Measures the raw weights (with the spectral-norm
 * stabilizer D runs on W/σ, whose top singular value is 1 by construction).
 *
 * @example
 * spectralHealth(session.D, new Rng(1)); // { 'D/dense0/kernel': 1.83, … }
 */
export function spectralHealth(module: Module, rng: Rng, iterations = SPECTRAL_ITERATIONS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const param of module.params) {
    if (param.role !== 'kernel') continue;
    const shape = param.variable.shape;
    const cols = shape[shape.length - 1];
    const rows = param.variable.size / cols;
    // The iterations are matrix-vector products on a small kernel: plain loops beat a chain of
    // tiny tensor ops (each with its own dispatch) by two orders of magnitude on wasm.
    const K = param.variable.dataSync() as Float32Array;
    const u = Float64Array.from(rng.fork(param.name).normalArray(cols));
    const v = new Float64Array(rows);
    for (let it = 0; it < iterations; it++) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += K[r * cols + c] * u[c];
        v[r] = s;
      }
      normalizeInPlace(v);
      u.fill(0);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) u[c] += K[r * cols + c] * v[r];
      normalizeInPlace(u);
    }
    out[param.name] = tf.tidy(() => spectralNormEstimate(param.variable, tf.tensor1d(Float32Array.from(u)), tf.tensor1d(Float32Array.from(v))).dataSync()[0]);
  }
  return out;
}
