import type { NetworkConfig, RunConfig } from '../config/index.ts';
import { toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { buildObjective, type Objective } from '../losses/index.ts';
import { autoencoderEnergy, mlp, mlpLayers, sequential } from '../nn/index.ts';
import { buildOptimizer, lrScheduleFor } from '../optim/index.ts';
import { buildStabilizers, composeD, composeG, withStabilizerPenalties, type BuildD, type BuildG } from '../stabilizers/index.ts';
import { Rng } from '../tensor/index.ts';
import { createSession, type GanSession } from '../train/index.ts';

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
  return ({ inputShape, beforeOutput, norm: override }) => {
    const inputWidth = inputShape.reduce((a, b) => a * b, 1);
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
 * Builds everything a run trains from a validated config, through {@link createSession}: the
 * data (from `datasets`, the core's toy sets unless the platform adds its own), G, D (an
 * autoencoder for BEGAN), the loss with its penalties and constraints, the stabilizers (which
 * may wrap the loss and D, and refuse combinations with a {@link ConfigError}), per-player
 * optimizers (TTUR), the game scheme and lr schedule of `config.optim`, and the seeded random
 * streams. Initial weights depend only on `config.seed`.
 */
export function sessionFromConfig(config: RunConfig, datasets: DatasetRegistry = toyDatasets): GanSession {
  const data = datasets.build(config.data);
  if (data.shape.length !== 1) {
    throw new DataError(`the MLP networks need flat samples; '${data.name}' has shape [${data.shape.join(', ')}]`);
  }
  const dim = data.shape[0];
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
    G: composeG(stabilizers, generatorBuilder(dim, config.model.g, init.fork('G')), config.model.noiseDim),
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
