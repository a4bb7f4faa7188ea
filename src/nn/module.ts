import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/index.ts';

/**
 * A named parameter. `name` is the path inside the network (`G/dense1/kernel`); the tfjs
 * variable itself stays anonymous so that many networks can live in one process.
 */
export interface Param {
  readonly name: string;
  readonly variable: tf.Variable;
  /** What the tensor is, so remedies can pick e.g. only kernels (spectral norm, weight decay). */
  readonly role: 'kernel' | 'bias' | 'scale' | 'offset' | 'buffer';
}

/**
 * What a network is conditioned on besides its input: class ids (conditional GANs, ACGAN,
 * projection discriminators) and/or a paired input (image-to-image translation). Layers that use
 * it read it from the {@link ApplyContext}; all others pass it on untouched.
 */
export interface Condition {
  /** One int32 class id per sample, `[n]`. */
  readonly labels?: tf.Tensor1D;
  /** A paired input per sample, `[n, ...shape]` (the source image of Pix2Pix). */
  readonly input?: tf.Tensor;
}

/** What a network needs to know while it runs. */
export interface ApplyContext {
  /** What the network is conditioned on (labels, a paired input); absent for unconditional ones. */
  condition?: Condition;
  /** Training mode: batch statistics in norms, dropout active. */
  training: boolean;
  /** Randomness for dropout; required when `training` and a dropout layer is present. */
  rng?: Rng;
  /**
   * Substitutes the value a parameter takes in this call — how spectral normalization,
   * unrolling or EMA weights change the weights a network sees without touching its code.
   */
  weight?: (param: Param) => tf.Tensor;
  /** Receives intermediate activations by layer name (feature matching, diagnostics). */
  record?: (layer: string, activation: tf.Tensor) => void;
  /** Receives the output of D's auxiliary head (ACGAN's class logits, InfoGAN's Q), which is computed only when this is set. */
  auxiliary?: (output: tf.Tensor) => void;
  /** Whether norms update their running statistics (default: when training). */
  updateStats?: boolean;
}

/**
 * A network: explicit parameters plus a pure `apply`. Everything that needs the weights —
 * optimizers, penalties, checkpoints, spectral norm, EMA — reads `params` and `buffers`.
 */
export interface Module {
  readonly name: string;
  /** Trainable parameters, in a stable order. */
  readonly params: readonly Param[];
  /** Non-trainable state saved in checkpoints (batch-norm running statistics). */
  readonly buffers: readonly Param[];
  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor;
}

/** Creates a parameter from initial values (the Float32Array is copied into a variable). */
export function createParam(name: string, role: Param['role'], values: Float32Array, shape: number[]): Param {
  const trainable = role !== 'buffer';
  const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable));
  return { name, variable, role };
}

/** The tensor a layer should use for `param` in this call. */
export function weightOf(param: Param, ctx: ApplyContext): tf.Tensor {
  return ctx.weight ? ctx.weight(param) : param.variable;
}

/** Frees every variable of a module. */
export function disposeModule(module: Module): void {
  for (const p of [...module.params, ...module.buffers]) p.variable.dispose();
}

/** Total number of trainable scalars. */
export function countParams(module: Module): number {
  return module.params.reduce((n, p) => n + p.variable.size, 0);
}

/** The trainable variables of a module, for `tf.variableGrads` and optimizers. */
export function variablesOf(module: Module): tf.Variable[] {
  return module.params.map((p) => p.variable);
}

/** A built layer: a module that knows the shape it outputs (without the batch dimension). */
export type Layer = Module & { readonly outputShape: number[] };

/**
 * A layer spec, independent of its input shape: `sequential` builds it once the shape of what
 * flows into it is known, so users never repeat fan-in sizes.
 */
export interface LayerFactory {
  /** Short kind used in parameter names, e.g. `dense` → `G/dense0/kernel`. */
  readonly kind: string;
  build(inputShape: number[], rng: Rng, name: string): Layer;
}
