import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { weightOf, type Param } from '../nn/index.ts';
import type { Rng } from '../tensor/index.ts';
import { defineStabilizer, type Stabilizer } from './types.ts';

/** Power iterations run when the vectors are created, as PyTorch's `parametrizations.spectral_norm` does. */
const WARMUP_ITERATIONS = 15;

/** The persistent vectors of one kernel: u ∈ R^out, v ∈ R^fanIn, with σ ≈ vᵀ K u. */
interface PowerVectors {
  u: tf.Variable;
  v: tf.Variable;
}

/** A kernel as a `[fanIn, out]` matrix: dense `[in, out]` as is, conv `[k, k, cIn, out]` flattened. */
function asMatrix(kernel: tf.Tensor): tf.Tensor2D {
  const out = kernel.shape[kernel.shape.length - 1];
  return tf.reshape(kernel, [-1, out]);
}

function normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

/** σ̂ = vᵀ K u: differentiable w.r.t. the kernel, with u and v held constant (Miyato et al.'s Algorithm 1). */
export function spectralNormEstimate(kernel: tf.Tensor, u: tf.Tensor, v: tf.Tensor): tf.Scalar {
  const Ku = tf.matMul(asMatrix(kernel), tf.reshape(u, [-1, 1]));
  return tf.sum(tf.mul(tf.reshape(v, [-1, 1]), Ku)) as tf.Scalar;
}

/** One power iteration on K (as `[fanIn, out]`): v ← Ku/‖Ku‖, u ← Kᵀv/‖Kᵀv‖; writes u and v. */
function powerIteration(kernel: tf.Tensor, vectors: PowerVectors): void {
  const [u, v] = tf.tidy(() => {
    const K = asMatrix(kernel);
    const vNext = normalize(tf.matMul(K, tf.reshape(vectors.u, [-1, 1])));
    const uNext = normalize(tf.matMul(K, vNext, true, false));
    return [tf.reshape(uNext, [-1]), tf.reshape(vNext, [-1])];
  });
  vectors.u.assign(u);
  vectors.v.assign(v);
  tf.dispose([u, v]);
}

function createVectors(param: Param, rng: Rng): PowerVectors {
  const shape = param.variable.shape;
  const out = shape[shape.length - 1];
  const fanIn = param.variable.size / out;
  const u0 = rng.normalArray(out);
  const norm = Math.hypot(...u0) || 1;
  const vectors = tf.tidy(() => ({
    u: tf.variable(tf.tensor1d(u0.map((x) => x / norm)), false),
    v: tf.variable(tf.zeros([fanIn]), false),
  }));
  for (let i = 0; i < WARMUP_ITERATIONS; i++) powerIteration(param.variable, vectors);
  return vectors;
}

/** Options of {@link spectralNorm}. */
export interface SpectralNormOptions {
  /** Power iterations per D step (Miyato et al. use 1: u persists, so the estimate tracks the slowly moving W). */
  iterations: number;
}

/** The spectral-norm stabilizer, with a look at the normalized kernels for tests and diagnostics. */
export interface SpectralNorm extends Stabilizer {
  /** The kernel D uses in place of `param` now: W / σ̂(W); undefined for parameters that are not normalized. */
  normalizedKernel(param: Param): tf.Tensor | undefined;
}

/**
 * Spectral normalization (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
 * Networks"): every kernel W of D (dense, and conv as its `[k·k·cIn, out]` matrix, as the paper
 * does) is replaced in every use by W / σ(W), σ the largest singular value, estimated by power
 * iteration with a persistent u (and v) — `iterations` per D step, 15 when created. Biases and norm
 * scales are left alone. D's weights stay the raw W; the substitution goes through
 * `ApplyContext.weight`, so D's step, G's step, penalties and the evaluator all see the normalized D.
 */
export function spectralNorm({ iterations }: SpectralNormOptions, rng: Rng): SpectralNorm {
  const vectors = new Map<string, { param: Param; vectors: PowerVectors }>();
  const normalizedKernel = (param: Param, w: tf.Tensor = param.variable): tf.Tensor | undefined => {
    const entry = vectors.get(param.name);
    return entry ? tf.div(w, spectralNormEstimate(w, entry.vectors.u, entry.vectors.v)) : undefined;
  };
  return {
    name: 'spectral-norm',
    build: { wrapD(build, spec) {
      const D = build(spec);
      for (const p of D.params) if (p.role === 'kernel' && !vectors.has(p.name)) vectors.set(p.name, { param: p, vectors: createVectors(p, rng.fork(p.name)) });
      return {
        name: D.name,
        params: D.params,
        buffers: D.buffers,
        apply: (x, ctx) =>
          D.apply(x, {
            ...ctx,
            weight: (p) => {
              const w = weightOf(p, ctx);
              return normalizedKernel(p, w) ?? w;
            },
          }),
      };
    } },
    step: {
      beforeDStep() {
        for (const { param, vectors: uv } of vectors.values()) for (let i = 0; i < iterations; i++) powerIteration(param.variable, uv);
      },
    },
    normalizedKernel: (param) => normalizedKernel(param),
    state: {
      variables: () =>
        new Map([...vectors].flatMap(([name, { vectors: uv }]) => [[`${name}/u`, uv.u] as const, [`${name}/v`, uv.v] as const])),
    },
    dispose() {
      for (const { vectors: uv } of vectors.values()) tf.dispose([uv.u, uv.v]);
      vectors.clear();
    },
  };
}

export const spectralNormStabilizer = defineStabilizer({
  name: 'spectral-norm',
  summary: "divides each of D's kernels by its largest singular value, by power iteration (Miyato et al. 2018)",
  schema: z.strictObject({
    name: z.literal('spectral-norm'),
    iterations: z.int().positive().default(1),
  }),
  recommended: [
    {
      settings: {
        loss: { name: 'hinge' },
        dStepsPerG: 5,
        optim: { g: { name: 'adam', lr: 1e-3, beta1: 0.5, beta2: 0.9 }, d: { name: 'adam', lr: 1e-3, beta1: 0.5, beta2: 0.9 } },
      },
      why:
        "Miyato et al. 2018: the hinge loss of their final models and Table 1's setting D (Adam 1e-3, β (0.5, 0.9), 5 D steps); a 1-Lipschitz D trained at the plain GAN's settings barely moves (ring8: 1 of 8 modes at the preset's, 8 of 8 at these).",
    },
  ],
  build(p, info) {
    const { constraints } = info.objective;
    if (constraints.length > 0) {
      info.warn(
        `${info.field} spectral-norm with ${constraints.map((c) => c.name).join(', ')}: both bound D's Lipschitz constant; ` +
          'the constraint acts on the raw weights and spectral norm on the weights D uses, so clipping mostly slows D down — use one of them',
      );
    }
    return spectralNorm(p, info.rng);
  },
});
