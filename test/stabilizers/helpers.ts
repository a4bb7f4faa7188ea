import * as tf from '@tensorflow/tfjs-core';
import { createParam, weightOf, type Module, type Param } from '../../src/nn/module.ts';
import { Rng } from '../../src/tensor/rng.ts';
import type { BuildD, Players } from '../../src/stabilizers/index.ts';

/** A module with one kernel `[..., out]` whose apply is `x · K` (K flattened to `[fanIn, out]`). */
export function linearModule(name: string, shape: number[], rng: Rng): { module: Module; kernel: Param } {
  const size = shape.reduce((a, b) => a * b, 1);
  const kernel = createParam(`${name}/dense0/kernel`, 'kernel', rng.normalArray(size), shape);
  const out = shape[shape.length - 1];
  const module: Module = {
    name,
    params: [kernel],
    buffers: [],
    apply: (x, ctx) => tf.matMul(x, tf.reshape(weightOf(kernel, ctx), [-1, out])),
  };
  return { module, kernel };
}

/** A D builder that ignores the spec and returns `module` (for stabilizers that only wrap). */
export const fixedD = (module: Module): BuildD => () => module;

export const players = (G: Module, D: Module, step = 0): Players => ({ G, D, step });

/** Largest singular value of a row-major `[rows, cols]` matrix, by power iteration on AᵀA run to convergence. */
export function trueSpectralNorm(a: ArrayLike<number>, rows: number, cols: number): number {
  let v = Array.from({ length: cols }, (_, i) => 1 + 0.1 * i);
  let sigma = 0;
  for (let it = 0; it < 5000; it++) {
    const av = Array.from({ length: rows }, (_, r) => v.reduce((s, vc, c) => s + a[r * cols + c] * vc, 0));
    const atav = Array.from({ length: cols }, (_, c) => av.reduce((s, x, r) => s + a[r * cols + c] * x, 0));
    const norm = Math.hypot(...atav);
    v = atav.map((x) => x / norm);
    const next = Math.sqrt(norm);
    if (Math.abs(next - sigma) < 1e-12 * next) return next;
    sigma = next;
  }
  return sigma;
}

/** Values of a tensor as a plain array. */
export const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
