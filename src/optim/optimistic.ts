import * as tf from '@tensorflow/tfjs-core';
import { Slots } from './optimizers.ts';
import type { Optimizer } from './types.ts';

/** Options of {@link optimisticSgd}. */
export interface OptimisticSgdOptions {
  lr: number;
}

/**
 * Optimistic gradient descent (OGD; Daskalakis, Ilyas, Syrgkanis & Zeng 2018, "Training GANs with
 * Optimism"): θ ← θ − lr·(2gₜ − gₜ₋₁). The correction −lr·(gₜ − gₜ₋₁) anticipates the other
 * player's move; on the bilinear game it turns plain descent-ascent's outward spiral into
 * convergence (see `theory/bilinear-game.ts`, method `optimistic`).
 *
 * The first update has no previous gradient and takes gₜ₋₁ = gₜ, so it is a plain gradient step
 * (as `initialBilinearState` does). Slot `<param>/prevGrad` holds gₜ₋₁; scalar `t` counts updates.
 *
 * @example
 * const opt = optimisticSgd({ lr: 0.1 });
 * opt.apply([p], [g1]); // θ − 0.1·g1
 * opt.apply([p], [g2]); // θ − 0.1·(2·g2 − g1)
 */
export function optimisticSgd({ lr }: OptimisticSgdOptions): Optimizer {
  const slots = new Slots();
  let t = 0;
  return {
    name: 'optimistic-sgd',
    lr,
    apply(params, grads) {
      t += 1;
      const first = t === 1;
      const lrNow = this.lr;
      tf.tidy(() => {
        params.forEach((p, i) => {
          const g = grads[i];
          const prevGrad = slots.get(p, 'prevGrad');
          const step = first ? g : tf.sub(tf.mul(g, 2), prevGrad);
          p.variable.assign(tf.sub(p.variable, tf.mul(step, lrNow)));
          prevGrad.assign(g);
        });
      });
    },
    state: () => ({ tensors: slots.entries(), scalars: { t } }),
    restore(state) {
      slots.restore(state.tensors);
      t = state.scalars.t ?? 0;
    },
    dispose: () => slots.dispose(),
  };
}

/** Options of {@link optimisticAdam}. */
export interface OptimisticAdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Optimistic Adam (Algorithm 1 of Daskalakis et al. 2018, "Training GANs with Optimism"):
 * Adam's moments m, v with bias correction m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), and the optimistic step
 * θ ← θ − 2·lr·m̂ₜ/(√v̂ₜ + ε) + lr·m̂ₜ₋₁/(√v̂ₜ₋₁ + ε), with m̂₀ = 0 (so the first step is twice
 * Adam's). Both terms use the current lr (a schedule changes it between steps). Slots:
 * `<param>/m`, `<param>/v` and `<param>/prevStep` (the last m̂/(√v̂ + ε)); scalar `t`.
 *
 * The defaults β1 = 0.5, β2 = 0.9 are those of the paper's WGAN experiments.
 *
 * @example
 * const opt = optimisticAdam({ lr: 1e-4 });
 */
export function optimisticAdam({ lr, beta1 = 0.5, beta2 = 0.9, epsilon = 1e-8 }: OptimisticAdamOptions): Optimizer {
  const slots = new Slots();
  let t = 0;
  return {
    name: 'optimistic-adam',
    lr,
    apply(params, grads) {
      t += 1;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const lrNow = this.lr;
      tf.tidy(() => {
        params.forEach((p, i) => {
          const g = grads[i];
          const m = slots.get(p, 'm');
          const v = slots.get(p, 'v');
          const prevStep = slots.get(p, 'prevStep');
          const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          const step = tf.div(tf.div(mNext, bc1), tf.add(tf.sqrt(tf.div(vNext, bc2)), epsilon));
          p.variable.assign(tf.add(tf.sub(p.variable, tf.mul(step, 2 * lrNow)), tf.mul(prevStep, lrNow)));
          m.assign(mNext);
          v.assign(vNext);
          prevStep.assign(step);
        });
      });
    },
    state: () => ({ tensors: slots.entries(), scalars: { t } }),
    restore(state) {
      slots.restore(state.tensors);
      t = state.scalars.t ?? 0;
    },
    dispose: () => slots.dispose(),
  };
}
