import type { Rng } from '../tensor/rng.ts';
import { activation, type ActivationName } from './activation.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import type { InitName } from './init.ts';
import type { Layer, LayerFactory } from './module.ts';
import { batchNorm, layerNorm } from './norm.ts';
import { sequential } from './sequential.ts';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Hidden layer widths, e.g. `[128, 128]`. */
  hidden: number[];
  /** Output width. */
  out: number;
  act?: ActivationName;
  /** leakyRelu's negative slope. */
  alpha?: number;
  /** Activation after the output layer (`linear` for logits and for G's output on toy data). */
  outAct?: ActivationName;
  /** Normalization after each hidden dense layer, before the activation. */
  norm?: 'none' | 'batch' | 'layer';
  /** Dropout rate after each hidden activation. */
  dropout?: number;
  init?: InitName;
}

/** The layer specs of a multi-layer perceptron, for composing into larger networks. */
export function mlpLayers(options: MlpOptions): LayerFactory[] {
  const { hidden, out, act = 'relu', alpha = 0.2, outAct = 'linear', norm = 'none', dropout: rate = 0, init = 'he' } = options;
  const layers: LayerFactory[] = [];
  for (const width of hidden) {
    layers.push(dense(width, { init, bias: norm !== 'batch' }));
    if (norm === 'batch') layers.push(batchNorm());
    if (norm === 'layer') layers.push(layerNorm());
    layers.push(activation(act, alpha));
    if (rate > 0) layers.push(dropout(rate));
  }
  layers.push(dense(out, { init: init === 'he' ? 'glorot' : init }));
  if (outAct !== 'linear') layers.push(activation(outAct, alpha));
  return layers;
}

/**
 * A multi-layer perceptron on flat inputs of width `inputs`.
 *
 * @example
 * const G = mlp('G', 2, { hidden: [128, 128], out: 2 }, rng.fork('init/G'));
 */
export function mlp(name: string, inputs: number, options: MlpOptions, rng: Rng): Layer {
  return sequential(name, [inputs], mlpLayers(options), rng);
}
