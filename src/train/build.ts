import type { DataConfig, NetworkConfig, RunConfig } from '../config/schema.ts';
import type { Dataset } from '../data/dataset.ts';
import { buildToyDataset, type ToyDatasetName, type ToyDatasetParams } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { buildObjective } from '../losses/index.ts';
import { autoencoderEnergy } from '../nn/autoencoder.ts';
import { mlp } from '../nn/mlp.ts';
import type { Module } from '../nn/module.ts';
import { buildOptimizer } from '../optim/index.ts';
import { Rng } from '../tensor/rng.ts';
import { runRngs, type GanSession } from './session.ts';

/** What building needs from the platform: file access exists only in Node. */
export interface Platform {
  /** Loads a user's points file (CSV/JSON); absent in browsers, where points come in memory. */
  loadPointsFile?(path: string): Dataset;
}

/** Builds the dataset a config names. */
export function buildDataset(config: DataConfig, platform: Platform = {}): Dataset {
  if (config.kind === 'points') {
    if (!platform.loadPointsFile) throw new DataError('points files can only be read where there is a file system (Node)', config.path);
    return platform.loadPointsFile(config.path);
  }
  const { kind, ...params } = config;
  return buildToyDataset(kind as ToyDatasetName, params as ToyDatasetParams[ToyDatasetName]);
}

function network(name: string, inputs: number, out: number, net: NetworkConfig, rng: Rng): Module {
  return mlp(name, inputs, { hidden: net.hidden, out, act: net.act, alpha: net.alpha, norm: net.norm, dropout: net.dropout, init: net.init }, rng);
}

/**
 * Builds everything a run trains from a validated config: data, G, D (an autoencoder for
 * BEGAN), the loss with its penalties and constraints, per-player optimizers (TTUR) and the
 * seeded random streams. Initial weights depend only on `config.seed`.
 */
export function buildSession(config: RunConfig, platform: Platform = {}): GanSession {
  const data = buildDataset(config.data, platform);
  if (data.shape.length !== 1) {
    throw new DataError(`the MLP networks need flat samples; '${data.name}' has shape [${data.shape.join(', ')}]`);
  }
  const dim = data.shape[0];
  const init = new Rng(config.seed).fork('init');
  const objective = buildObjective(config.loss);
  const G = network('G', config.model.noiseDim, dim, config.model.g, init.fork('G'));
  const d = config.model.d;
  const shape = objective.discriminator;
  const D =
    shape === 'classifier'
      ? network('D', dim, 1, d, init.fork('D'))
      : autoencoderEnergy(
          'D',
          dim,
          { hidden: d.hidden, act: d.act, alpha: d.alpha, norm: d.norm, dropout: d.dropout, init: d.init, codeDim: shape.codeDim ?? Math.max(1, Math.floor(dim / 2)) },
          init.fork('D'),
        );
  return {
    data,
    G,
    D,
    objective,
    optimizers: { g: buildOptimizer(config.optim.g), d: buildOptimizer(config.optim.d) },
    noise: { dim: config.model.noiseDim, distribution: config.model.noise },
    batchSize: config.batchSize,
    dStepsPerG: config.dStepsPerG,
    rngs: runRngs(config.seed),
    step: 0,
  };
}
