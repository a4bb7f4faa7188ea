import type { Rng } from '../tensor/index.ts';
import { activation, type ActivationName } from './activation.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import type { InitName } from './init.ts';
import type { Layer, LayerFactory } from './module.ts';
import { batchNorm, layerNorm, virtualBatchNorm } from './norm.ts';
import { sequential } from './sequential.ts';

/** Normalizations an MLP can put after its hidden dense layers. */
export type MlpNorm = 'none' | 'batch' | 'layer' | 'virtual-batch';

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
  norm?: MlpNorm;
  /**
   * With `norm: 'virtual-batch'`: how many leading rows of every input are the reference batch
   * (`withReferenceBatch` puts them there).
   */
  referenceRows?: number;
  /** Dropout rate after each hidden activation. */
  dropout?: number;
  init?: InitName;
}

/** Makes the norm layer put after each hidden layer (dense or conv); undefined for `none`. */
export function normFactory(norm: MlpNorm, referenceRows: number | undefined): (() => LayerFactory) | undefined {
  switch (norm) {
    case 'none':
      return undefined;
    case 'batch':
      return () => batchNorm();
    case 'layer':
      return () => layerNorm();
    case 'virtual-batch':
      if (referenceRows === undefined) throw new RangeError("mlp: norm 'virtual-batch' needs referenceRows, the number of reference rows in front of each input");
      return () => virtualBatchNorm({ referenceRows });
  }
}

/** The layer specs of a multi-layer perceptron, for composing into larger networks. */
export function mlpLayers(options: MlpOptions): LayerFactory[] {
  const { hidden, out, act = 'relu', alpha = 0.2, outAct = 'linear', norm = 'none', dropout: rate = 0, init = 'he', referenceRows } = options;
  const normLayer = normFactory(norm, referenceRows);
  const layers: LayerFactory[] = [];
  for (const width of hidden) {
    // The norm's offset makes a bias redundant.
    layers.push(dense(width, { init, bias: norm !== 'batch' && norm !== 'virtual-batch' }));
    if (normLayer) layers.push(normLayer());
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
