import type { NetworkConfig, RunConfig } from '../config/index.ts';
import { toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { ConfigError, DataError } from '../errors.ts';
import { buildObjective, type Objective } from '../losses/index.ts';
import { autoencoderEnergy, dcganDiscriminator, dcganGenerator, dense, flatten, mlp, mlpLayers, reshape, sequential } from '../nn/index.ts';
import { buildOptimizer, lrScheduleFor } from '../optim/index.ts';
import { buildStabilizers, composeD, composeG, withStabilizerPenalties, type BuildD, type BuildG } from '../stabilizers/index.ts';
import { Rng } from '../tensor/index.ts';
import { createSession, type GanSession } from '../train/index.ts';

/** G's network for a spec: an MLP or a DCGAN from latent width to data shape; without stabilizers `mlp('G', noiseDim, …)`. */
function generatorBuilder(shape: readonly number[], net: NetworkConfig, rng: Rng): BuildG {
  const images = shape.length > 1;
  const out = shape.reduce((a, b) => a * b, 1);
  return ({ inputWidth, norm }) => {
    if (net.arch === 'dcgan') return sequential('G', [inputWidth], dcganGenerator(shape, { filters: net.filters, norm: net.norm, init: net.init, ...norm }), rng);
    if (!images) return mlp('G', inputWidth, { hidden: net.hidden, out, act: net.act, alpha: net.alpha, norm: net.norm, dropout: net.dropout, init: net.init, ...norm }, rng);
    // Pixels live in [−1, 1]: the MLP's output goes through tanh, as DCGAN's does.
    const layers = mlpLayers({ hidden: net.hidden, out, act: net.act, alpha: net.alpha, outAct: 'tanh', norm: net.norm, dropout: net.dropout, init: net.init, ...norm });
    return sequential('G', [inputWidth], [...layers, reshape([...shape])], rng);
  };
}

/**
 * D's network for a spec: an MLP (images flattened first) or DCGAN's strided convolutions, with one
 * output (any stabilizer layers go between its last hidden layer and its output layer), or BEGAN's
 * MLP autoencoder. Without stabilizers it is `mlp('D', dim, …)`.
 */
function discriminatorBuilder(objective: Objective, net: NetworkConfig, rng: Rng): BuildD {
  const { hidden, act, alpha, norm, dropout, init } = net;
  const shape = objective.discriminator;
  return ({ inputShape, beforeOutput, norm: override }) => {
    const inputWidth = inputShape.reduce((a, b) => a * b, 1);
    if (shape === 'classifier') {
      if (net.arch === 'dcgan') {
        const features = dcganDiscriminator(inputShape, { filters: net.filters, norm, init, alpha, ...override });
        return sequential('D', [...inputShape], [...features, ...beforeOutput, dense(1, { init })], rng);
      }
      const layers = mlpLayers({ hidden, out: 1, act, alpha, norm, dropout, init, ...override });
      const output = layers.pop()!;
      const flat = inputShape.length > 1 ? [flatten()] : [];
      return sequential('D', [...inputShape], [...flat, ...layers, ...beforeOutput, output], rng);
    }
    if (net.arch === 'dcgan') {
      throw new ConfigError("BEGAN's discriminator is an MLP autoencoder here; set model.d.arch to 'mlp' (a convolutional autoencoder is not built)", [
        { field: 'model.d.arch', message: 'BEGAN needs the mlp autoencoder', received: 'dcgan' },
      ]);
    }
    // Stabilizers that insert layers refuse BEGAN when they are built; this guards hand-made ones.
    if (beforeOutput.length > 0) throw new Error(`BEGAN's autoencoder D has no output layer to put ${beforeOutput.map((l) => l.kind).join(', ')} before`);
    const codeDim = shape.codeDim ?? Math.max(1, Math.floor(inputWidth / 2));
    return autoencoderEnergy('D', inputWidth, { hidden, act, alpha, norm, dropout, init, codeDim, ...override }, rng);
  };
}

/**
 * Builds everything a run trains from a validated config, through {@link createSession}: the
 * data (from `datasets`, the core's toy sets unless the platform adds its own), G, D (an
 * autoencoder for BEGAN), the loss with its penalties and constraints, the stabilizers (which
 * may wrap the loss and D, and refuse combinations with a {@link ConfigError}), per-player
 * optimizers (TTUR), the game scheme and lr schedule of `config.optim`, and the seeded random
 * streams. Initial weights depend only on `config.seed`.
 */
export function sessionFromConfig(config: RunConfig, datasets: DatasetRegistry = toyDatasets): GanSession {
  const data = datasets.build(config.data);
  if (data.shape.length !== 1 && data.shape.length !== 3) {
    throw new DataError(`the networks take flat samples or images [height, width, channels]; '${data.name}' has shape [${data.shape.join(', ')}]`);
  }
  if (data.shape.length === 1) {
    for (const player of ['g', 'd'] as const) {
      if (config.model[player].arch === 'dcgan') {
        throw new ConfigError(`model.${player}.arch 'dcgan' needs image data; '${data.name}' has flat samples of width ${data.shape[0]} (use 'mlp')`, [
          { field: `model.${player}.arch`, message: 'needs image data', received: 'dcgan' },
        ]);
      }
    }
  }
  const noise = { dim: config.model.noiseDim, distribution: config.model.noise };
  const init = new Rng(config.seed).fork('init');
  const base = withStabilizerPenalties(buildObjective(config.loss), config.stabilizers);
  const warnings: string[] = [];
  const stabilizers = buildStabilizers(
    config.stabilizers,
    { objective: base, dataShape: data.shape, batchSize: config.batchSize, seed: config.seed, dOptimizer: config.optim.d, data, noise, norms: { g: config.model.g.norm, d: config.model.d.norm } },
    warnings,
  );
  const objective: Objective = { ...base, loss: stabilizers.reduce((loss, s) => s.build?.wrapLoss?.(loss) ?? loss, base.loss) };
  return createSession({
    data,
    G: composeG(stabilizers, generatorBuilder(data.shape, config.model.g, init.fork('G')), config.model.noiseDim),
    D: composeD(stabilizers, discriminatorBuilder(objective, config.model.d, init.fork('D')), data.shape),
    objective,
    optimizers: { g: buildOptimizer(config.optim.g), d: buildOptimizer(config.optim.d) },
    noise,
    batchSize: config.batchSize,
    seed: config.seed,
    dStepsPerG: config.dStepsPerG,
    game: config.optim.game,
    lrSchedule: lrScheduleFor(config.optim.schedule, { g: config.optim.g.lr, d: config.optim.d.lr }, config.steps) ?? null,
    stabilizers,
    warnings,
  });
}
