import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Loss } from '../losses/index.ts';
import type { ApplyContext, Module, Param } from '../nn/index.ts';
import type { OptimizerConfig, Optimizer } from '../optim/index.ts';
import type { Rng } from '../tensor/index.ts';
import { defineStabilizer, refuse, type Stabilizer } from './types.ts';

/**
 * One differentiable update of D's weights: the rule of D's own optimizer written as tensor
 * algebra, so G's tape sees through it. `slots` are the optimizer's moments, carried between the
 * unrolled steps like the real optimizer carries them; `lr` is the optimizer's live learning rate.
 */
type UnrollRule = (w: tf.Tensor, g: tf.Tensor, slots: Record<string, tf.Tensor>, t: number, lr: number) => { w: tf.Tensor; slots: Record<string, tf.Tensor> };

/** Inputs to √ are kept ≥ 1e-20 so their derivative stays finite where a moment is exactly 0 (dead units). */
const safeSqrt = (x: tf.Tensor) => tf.sqrt(tf.add(x, 1e-20));

/** The unroll's copy of D's update rule, or a reason it has none. */
export function unrollRule(config: OptimizerConfig): { rule: UnrollRule; slotNames: string[] } | { unsupported: string } {
  const name: string = config.name;
  switch (config.name) {
    case 'adam': {
      const { beta1, beta2, epsilon } = config;
      return {
        slotNames: ['m', 'v'],
        rule: (w, g, { m, v }, t, lr) => {
          const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          const denom = tf.add(tf.div(safeSqrt(vNext), Math.sqrt(1 - beta2 ** t)), epsilon);
          const step = tf.mul(tf.div(mNext, denom), lr / (1 - beta1 ** t));
          return { w: tf.sub(w, step), slots: { m: mNext, v: vNext } };
        },
      };
    }
    case 'rmsprop': {
      const { alpha, epsilon } = config;
      return {
        slotNames: ['v'],
        rule: (w, g, { v }, _t, lr) => {
          const vNext = tf.add(tf.mul(v, alpha), tf.mul(tf.square(g), 1 - alpha));
          return { w: tf.sub(w, tf.mul(tf.div(g, tf.add(safeSqrt(vNext), epsilon)), lr)), slots: { v: vNext } };
        },
      };
    }
    case 'sgd': {
      const { momentum } = config;
      return {
        slotNames: momentum > 0 ? ['momentum'] : [],
        rule: (w, g, slots, _t, lr) => {
          const b = momentum > 0 ? tf.add(tf.mul(slots.momentum, momentum), g) : g;
          const next: Record<string, tf.Tensor> = momentum > 0 ? { momentum: b } : {};
          return { w: tf.sub(w, tf.mul(b, lr)), slots: next };
        },
      };
    }
    default:
      return { unsupported: name };
  }
}

/** A tensor with the value of `x` through which no gradient flows (tfjs has no stop-gradient op). */
function detached(x: tf.Tensor): tf.Tensor {
  const stop = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => ({ value: tf.add(input as tf.Tensor, 0), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }));
  return stop(x);
}

/** Options of {@link unrolled}. */
export interface UnrolledOptions {
  /** K: unrolled D updates. */
  steps: number;
  /** Differentiate through the unrolled updates (the paper's surrogate gradient) or only look ahead. */
  surrogate: boolean;
}

/** What {@link unrolled} needs from the run besides its options. */
export interface UnrolledContext {
  /** D's optimizer config (its rule is replayed in the unroll). */
  dOptimizer: OptimizerConfig;
  /** Dropout masks inside the unroll. */
  rng: Rng;
}

/**
 * Unrolled GAN (Metz et al. 2017, "Unrolled Generative Adversarial Networks"): G minimizes its
 * loss against D_K, the discriminator after K more updates on the current batches,
 * f_K(θ_G, θ_D) = f(θ_G, θ_D^K(θ_G, θ_D)), and by default differentiates through those updates
 * (`surrogate: true`: the paper's gradient, whose dθ_D^K/dθ_G term is what lets G see that
 * collapsing onto a mode will be punished). `surrogate: false` is the cheaper look-ahead that
 * treats θ_D^K as a constant, kept for comparison (the paper reports it does not prevent collapse).
 *
 * Implemented inside G's tape, in its `step.gLoss` hook:
 * - the K updates replay D's own optimizer rule (Adam, RMSProp or SGD, with its current
 *   hyperparameters and learning rate) as tensor algebra, starting from the optimizer's live
 *   moments and step count, as the paper's code does; D's real weights and moments never change;
 * - every unrolled update uses the G step's real batch and G(z) (one batch, as in the paper), and
 *   D's loss as wrapped by the stabilizers listed before `unrolled` (list label smoothing first to
 *   unroll the smoothed loss), without gradient penalties (those would need third derivatives;
 *   the build warns);
 * - G's loss term g(D(G(z))) is replaced by g(D_K(G(z))); terms other stabilizers added stay.
 * Cost: about 2K+1 passes through D plus their second-order backward pass per G step.
 */
export function unrolled(options: UnrolledOptions, context: UnrolledContext): Stabilizer {
  const { steps, surrogate } = options;
  let loss: Loss | undefined;
  const found = unrollRule(context.dOptimizer);
  if ('unsupported' in found) throw new RangeError(`unrolling cannot replay a ${found.unsupported} optimizer`);
  const { rule, slotNames } = found;

  /** D's weights after K unrolled updates, by parameter. */
  function unroll(D: Module, optimizer: Optimizer, real: tf.Tensor, fake: tf.Tensor): Map<Param, tf.Tensor> {
    const params = D.params;
    const state = optimizer.state();
    let t = state.scalars.t ?? 0;
    let weights: tf.Tensor[] = params.map((p) => p.variable);
    let slots = params.map((p) => Object.fromEntries(slotNames.map((s) => [s, state.tensors.get(`${p.name}/${s}`) ?? tf.zerosLike(p.variable)])));
    const dLoss = (ws: tf.Tensor[]) => {
      const byParam = new Map(params.map((p, i) => [p, ws[i]]));
      const ctx: ApplyContext = { training: true, rng: context.rng, updateStats: false, weight: (p) => byParam.get(p) ?? p.variable };
      return loss!.d(D.apply(real, ctx), D.apply(fake, ctx));
    };
    for (let k = 0; k < steps; k++) {
      t += 1;
      const grads = tf.grads((...ws: tf.Tensor[]) => dLoss(ws))(weights);
      const next = weights.map((w, i) => rule(w, grads[i], slots[i], t, optimizer.lr));
      weights = next.map((n) => n.w);
      slots = next.map((n) => n.slots);
    }
    return new Map(params.map((p, i) => [p, weights[i]]));
  }

  return {
    name: 'unrolled',
    build: {
      wrapLoss(l) {
        loss = l;
        return l;
      },
    },
    step: { gStepUsesReal: true, gLoss(gLoss, view) {
      if (!view.real || !view.dOptimizer) throw new Error('the unrolled stabilizer needs a real batch and D’s optimizer in G’s step');
      const fakeForD = surrogate ? view.fake : detached(view.fake);
      const weights = unroll(view.D, view.dOptimizer, view.real, fakeForD);
      const ctx: ApplyContext = { training: true, rng: context.rng, updateStats: false, weight: (p) => weights.get(p) ?? p.variable };
      const dFakeK = view.D.apply(view.fake, ctx);
      const dRealK = loss!.gUsesReal ? view.D.apply(view.real, ctx) : dFakeK;
      const own = loss!.g(view.dFake, view.dReal ?? view.dFake);
      // Swap the loss's own term for its unrolled value; what other stabilizers added stays.
      return tf.add(tf.sub(gLoss, own), loss!.g(dFakeK, dRealK)) as tf.Scalar;
    },
    values: () => ({ unrollSteps: steps }) },
  };
}

export const unrolledStabilizer = defineStabilizer({
  name: 'unrolled',
  summary: "G's loss against D after K more (differentiable) updates of D's optimizer (Metz et al. 2017)",
  schema: z.strictObject({
    name: z.literal('unrolled'),
    /** K, the unrolled D updates (the paper's 2-D mixture runs use 5–10). */
    steps: z.int().min(1).max(100).default(5),
    /** Differentiate through the unrolled updates (true, the paper's method) or look ahead only (false). */
    surrogate: z.boolean().default(true),
  }),
  recommended: [
    {
      settings: { optim: { g: { name: 'adam', lr: 1e-3 }, d: { name: 'adam', lr: 1e-4 } } },
      why:
        "G's Adam at 1e-3 and D's at 1e-4, the ratio reproductions of Metz et al.'s 2-D mixture use: K unrolled steps of a slow D are what G looks ahead through (ring8 at the preset's equal 5e-4: 2 of 8 modes; at these: 6–7).",
    },
  ],
  build(p, info) {
    const found = unrollRule(info.dOptimizer);
    if ('unsupported' in found) {
      refuse(info, `"unrolled" replays D's optimizer inside G's step and knows adam, rmsprop and sgd; optim.d.name is "${found.unsupported}"`, 'name', p.name);
    }
    const { penalties } = info.objective;
    if (penalties.length > 0) {
      info.warn(`${info.field} unrolled: the unrolled D updates leave out ${penalties.map((q) => q.name).join(', ')} (third derivatives); D's real updates keep it`);
    }
    return unrolled(p, { dOptimizer: info.dOptimizer, rng: info.rng });
  },
});
