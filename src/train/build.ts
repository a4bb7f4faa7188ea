import type { DataConfig, NetworkConfig, RunConfig } from '../config/schema.ts';
import type { Dataset } from '../data/dataset.ts';
import { buildToyDataset, type ToyDatasetName, type ToyDatasetParams } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { buildObjective } from '../losses/index.ts';
import type { Objective } from '../losses/types.ts';
import { autoencoderEnergy } from '../nn/autoencoder.ts';
import { mlp, mlpLayers } from '../nn/mlp.ts';
import { sequential } from '../nn/sequential.ts';
import { buildOptimizer, checkGameScheme, lrScheduleFor } from '../optim/index.ts';
import { buildStabilizers, composeD, composeData, composeG, withStabilizerPenalties, type BuildD, type BuildG } from '../stabilizers/index.ts';
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

/** G's network for a spec: an MLP from latent width to data width; without stabilizers `mlp('G', noiseDim, …)`. */
function generatorBuilder(out: number, net: NetworkConfig, rng: Rng): BuildG {
  return ({ inputWidth, norm }) =>
    mlp('G', inputWidth, { hidden: net.hidden, out, act: net.act, alpha: net.alpha, norm: net.norm, dropout: net.dropout, init: net.init, ...norm }, rng);
}

/**
 * D's network for a spec: an MLP with one output (any stabilizer layers go between its last hidden
 * layer and its output layer), or BEGAN's autoencoder. Without stabilizers it is `mlp('D', dim, …)`.
 */
function discriminatorBuilder(objective: Objective, net: NetworkConfig, rng: Rng): BuildD {
  const { hidden, act, alpha, norm, dropout, init } = net;
  const shape = objective.discriminator;
  return ({ inputWidth, beforeOutput, norm: override }) => {
    if (shape === 'classifier') {
      const layers = mlpLayers({ hidden, out: 1, act, alpha, norm, dropout, init, ...override });
      const output = layers.pop()!;
      return sequential('D', [inputWidth], [...layers, ...beforeOutput, output], rng);
    }
    // Stabilizers that insert layers refuse BEGAN when they are built; this guards hand-made ones.
    if (beforeOutput.length > 0) throw new Error(`BEGAN's autoencoder D has no output layer to put ${beforeOutput.map((l) => l.kind).join(', ')} before`);
    const codeDim = shape.codeDim ?? Math.max(1, Math.floor(inputWidth / 2));
    return autoencoderEnergy('D', inputWidth, { hidden, act, alpha, norm, dropout, init, codeDim, ...override }, rng);
  };
}

/**
 * Builds everything a run trains from a validated config: data, G, D (an autoencoder for
 * BEGAN), the loss with its penalties and constraints, the stabilizers (which may wrap the loss
 * and D, and refuse combinations with a {@link ConfigError}), per-player optimizers (TTUR), the game
 * scheme and lr schedule of `config.optim` (refusing a non-alternating scheme with `dStepsPerG > 1`)
 * and the seeded random streams. Initial weights depend only on `config.seed`.
 */
export function buildSession(config: RunConfig, platform: Platform = {}): GanSession {
  const data = buildDataset(config.data, platform);
  if (data.shape.length !== 1) {
    throw new DataError(`the MLP networks need flat samples; '${data.name}' has shape [${data.shape.join(', ')}]`);
  }
  const dim = data.shape[0];
  checkGameScheme(config.optim.game, config.dStepsPerG);
  const lrSchedule = lrScheduleFor(config.optim.schedule, { g: config.optim.g.lr, d: config.optim.d.lr }, config.steps);
  const init = new Rng(config.seed).fork('init');
  const base = withStabilizerPenalties(buildObjective(config.loss), config.stabilizers);
  const warnings: string[] = [];
  const stabilizers = buildStabilizers(config.stabilizers, { objective: base, dataShape: data.shape, batchSize: config.batchSize, seed: config.seed, dOptimizer: config.optim.d, data, noise: { dim: config.model.noiseDim, distribution: config.model.noise }, norms: { g: config.model.g.norm, d: config.model.d.norm } }, warnings);
  const objective: Objective = { ...base, loss: stabilizers.reduce((loss, s) => (s.wrapLoss ? s.wrapLoss(loss) : loss), base.loss) };
  const G = composeG(stabilizers, generatorBuilder(dim, config.model.g, init.fork('G')), config.model.noiseDim);
  const D = composeD(stabilizers, discriminatorBuilder(objective, config.model.d, init.fork('D')), dim);
  const step = 0;
  for (const s of stabilizers) s.attach?.({ G, D, step });
  const session: GanSession = {
    data,
    G,
    D,
    objective,
    optimizers: { g: buildOptimizer(config.optim.g), d: buildOptimizer(config.optim.d) },
    noise: { dim: config.model.noiseDim, distribution: config.model.noise },
    batchSize: config.batchSize,
    dStepsPerG: config.dStepsPerG,
    game: config.optim.game,
    lrSchedule,
    rngs: runRngs(config.seed),
    step,
    stabilizers,
    warnings,
  };
  // Schedules read the session's own counter, which checkpoints restore.
  const trainingData = composeData(stabilizers, data, () => session.step);
  if (trainingData !== data) session.trainingData = trainingData;
  return session;
}
