import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../nn/index.ts';
import type { Optimizer } from './types.ts';

/**
 * Slots (per-parameter state tensors) kept as variables, created lazily at the first step and
 * named `<param>/<slot>`, so {@link Optimizer.state} and checkpoints see them by name.
 */
export class Slots {
  private readonly slots = new Map<string, tf.Variable>();

  /** The slot `slot` of `param`, created as zeros of the parameter's shape at first use. */
  get(param: Param, slot: string): tf.Variable {
    const key = `${param.name}/${slot}`;
    let v = this.slots.get(key);
    if (!v) {
      v = tf.tidy(() => tf.variable(tf.zerosLike(param.variable), false));
      this.slots.set(key, v);
    }
    return v;
  }

  /** Every slot by `<param>/<slot>` name. */
  entries(): Map<string, tf.Tensor> {
    return new Map(this.slots);
  }

  /** Replaces every slot by copies of `tensors`. */
  restore(tensors: Map<string, tf.Tensor>): void {
    this.dispose();
    for (const [key, t] of tensors) this.slots.set(key, tf.tidy(() => tf.variable(t.clone(), false)));
  }

  /** Frees every slot. */
  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

function assign(target: tf.Variable, value: tf.Tensor): void {
  target.assign(value);
}

/** Options of {@link adam}. */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015) with PyTorch's placement of ε:
 * θ ← θ − lr·m̂ / (√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 */
export function adam({ lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }: AdamOptions): Optimizer {
  const slots = new Slots();
  let t = 0;
  return {
    name: 'adam',
    lr,
    apply(params, grads) {
      t += 1;
      const bc1 = 1 - beta1 ** t;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      const stepSize = this.lr / bc1;
      tf.tidy(() => {
        params.forEach((p, i) => {
          const g = grads[i];
          const m = slots.get(p, 'm');
          const v = slots.get(p, 'v');
          const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          assign(m, mNext);
          assign(v, vNext);
          const denom = tf.add(tf.div(tf.sqrt(vNext), bc2Sqrt), epsilon);
          assign(p.variable, tf.sub(p.variable, tf.mul(tf.div(mNext, denom), stepSize)));
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

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  lr: number;
  /** Decay of the squared-gradient average (PyTorch's alpha). */
  alpha?: number;
  epsilon?: number;
}

/** RMSProp as PyTorch writes it: v ← αv + (1−α)g², θ ← θ − lr·g/(√v + ε). WGAN's optimizer. */
export function rmsprop({ lr, alpha = 0.99, epsilon = 1e-8 }: RmspropOptions): Optimizer {
  const slots = new Slots();
  return {
    name: 'rmsprop',
    lr,
    apply(params, grads) {
      const lrNow = this.lr;
      tf.tidy(() => {
        params.forEach((p, i) => {
          const g = grads[i];
          const v = slots.get(p, 'v');
          const vNext = tf.add(tf.mul(v, alpha), tf.mul(tf.square(g), 1 - alpha));
          assign(v, vNext);
          assign(p.variable, tf.sub(p.variable, tf.mul(tf.div(g, tf.add(tf.sqrt(vNext), epsilon)), lrNow)));
        });
      });
    },
    state: () => ({ tensors: slots.entries(), scalars: {} }),
    restore: (state) => slots.restore(state.tensors),
    dispose: () => slots.dispose(),
  };
}

/** Options of {@link sgd}. */
export interface SgdOptions {
  lr: number;
  momentum?: number;
}

/** Gradient descent, with optional heavy-ball momentum: b ← μb + g, θ ← θ − lr·b. */
export function sgd({ lr, momentum = 0 }: SgdOptions): Optimizer {
  const slots = new Slots();
  return {
    name: 'sgd',
    lr,
    apply(params, grads) {
      const lrNow = this.lr;
      tf.tidy(() => {
        params.forEach((p, i) => {
          let step = grads[i];
          if (momentum > 0) {
            const b = slots.get(p, 'momentum');
            step = tf.add(tf.mul(b, momentum), step);
            assign(b, step);
          }
          assign(p.variable, tf.sub(p.variable, tf.mul(step, lrNow)));
        });
      });
    },
    state: () => ({ tensors: slots.entries(), scalars: {} }),
    restore: (state) => slots.restore(state.tensors),
    dispose: () => slots.dispose(),
  };
}
