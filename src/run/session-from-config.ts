import type { NetworkConfig, RunConfig } from '../config/index.ts';
import { toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { ConfigError, DataError } from '../errors.ts';
import { buildObjective, type AuxiliarySpec, type Objective } from '../losses/index.ts';
import { autoencoderEnergy, auxiliaryOutput, patchDiscriminator, unetGenerator, conditionEmbedding, conditionOneHot, dcganDiscriminator, dcganGenerator, dense, flatten, mlp, mlpLayers, projectionOutput, reshape, sequential, type LayerFactory } from '../nn/index.ts';
import { buildOptimizer, lrScheduleFor } from '../optim/index.ts';
import { buildStabilizers, composeD, composeG, withStabilizerPenalties, type BuildD, type BuildG } from '../stabilizers/index.ts';
import { Rng } from '../tensor/index.ts';
import { createSession, type GanSession } from '../train/index.ts';

/**
 * How G and D take the class or codes, null for unconditional runs: supervised conditioning
 * (`concat`, `projection`, `acgan`: the class count and embedding width) or InfoGAN's codes; with
 * D's auxiliary head where there is one.
 */
type Conditioning =
  | { kind: 'concat' | 'projection'; classes: number; embedDim: number }
  | { kind: 'acgan'; classes: number; embedDim: number; auxiliary: AuxiliarySpec & { kind: 'acgan' } }
  | { kind: 'infogan'; hidden: number; auxiliary: AuxiliarySpec & { kind: 'infogan' } };

/** G's network for a spec: an MLP or a DCGAN from latent width to data shape; without stabilizers `mlp('G', noiseDim, …)`. A conditional G appends the class embedding (InfoGAN's one-hot code) to z first. */
function generatorBuilder(shape: readonly number[], net: NetworkConfig, rng: Rng, cond: Conditioning | null, inputShape?: readonly number[]): BuildG {
  const images = shape.length > 1;
  if (net.arch === 'unet') return ({ norm }) => unetGenerator('G', inputShape!, shape, { filters: net.filters, norm: norm?.norm ?? net.norm, init: net.init, dropout: net.dropout }, rng);
  const out = shape.reduce((a, b) => a * b, 1);
  const embed: LayerFactory[] =
    cond === null ? [] : cond.kind !== 'infogan' ? [conditionEmbedding(cond.classes, cond.embedDim)] : cond.auxiliary.categorical > 0 ? [conditionOneHot(cond.auxiliary.categorical)] : [];
  return ({ inputWidth, norm }) => {
    if (net.arch === 'dcgan') return sequential('G', [inputWidth], [...embed, ...dcganGenerator(shape, { filters: net.filters, norm: net.norm, init: net.init, ...norm })], rng);
    if (!images && embed.length === 0) return mlp('G', inputWidth, { hidden: net.hidden, out, act: net.act, alpha: net.alpha, norm: net.norm, dropout: net.dropout, init: net.init, ...norm }, rng);
    // Pixels live in [−1, 1]: the MLP's output goes through tanh, as DCGAN's does.
    const layers = mlpLayers({ hidden: net.hidden, out, act: net.act, alpha: net.alpha, ...(images ? { outAct: 'tanh' as const } : {}), norm: net.norm, dropout: net.dropout, init: net.init, ...norm });
    return sequential('G', [inputWidth], [...embed, ...layers, ...(images ? [reshape([...shape])] : [])], rng);
  };
}

/**
 * The run's class conditioning or InfoGAN codes, checked against the data, the loss and the
 * stabilizers: supervised conditioning needs labels (InfoGAN none); BEGAN's autoencoder D has no
 * place for a class or a head; packing would mix several samples' labels or codes in one
 * judgement; unrolling's look-ahead steps D without the labels and the head's loss.
 */
function conditioningOf(config: RunConfig, data: { name: string; classes?: number }): Conditioning | null {
  const kind = config.model.condition;
  const codes = config.model.codes;
  if (kind === 'none' && codes === null) return null;
  const refuse = (field: string, message: string, received: unknown) => {
    throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received }]);
  };
  const field = codes ? 'model.codes' : 'model.condition';
  const what = codes ? "InfoGAN's codes" : `model.condition '${kind}'`;
  if (codes && kind !== 'none') refuse('model.codes', `InfoGAN's codes take G's class input, which model.condition '${kind}' uses; set model.condition to 'none' or model.codes to null`, codes);
  if (!codes && !data.classes) refuse('model.condition', `'${kind}' needs labelled data (MNIST's digits, a mixture's modes); '${data.name}' has no labels`, kind);
  if (config.loss.name === 'began') refuse(field, `BEGAN's autoencoder discriminator has no place for ${codes ? 'a Q head' : 'the class'}; use another loss`, codes ?? kind);
  config.stabilizers.forEach((s, i) => {
    if (s.name === 'packing') refuse(`stabilizers[${i}]`, `packing judges several samples at once and would mix their ${codes ? 'codes' : 'classes'}; not available with ${what}`, s.name);
    if (s.name === 'unrolled') refuse(`stabilizers[${i}]`, `unrolling's look-ahead steps D with the adversarial loss alone; not available with ${what}`, s.name);
  });
  if (codes) {
    const { categorical, continuous, weight, continuousWeight, hidden } = codes;
    return { kind: 'infogan', hidden, auxiliary: { kind: 'infogan', categorical, continuous, weight, continuousWeight } };
  }
  if (kind === 'none') return null; // not reached: without codes, 'none' returned above
  const base = { classes: data.classes!, embedDim: config.model.embedDim };
  if (kind === 'acgan') return { kind, ...base, auxiliary: { kind, classes: base.classes, weight: config.model.auxWeight } };
  return { kind, ...base };
}

/** D's output layer for the conditioning: the projection, an auxiliary head (ACGAN's classifier, InfoGAN's Q), or the plain one. */
function outputLayer(cond: Conditioning | null, init: NetworkConfig['init'], alpha: number, fallback: LayerFactory): LayerFactory {
  if (cond?.kind === 'projection') return projectionOutput(cond.classes, { init });
  if (cond?.kind === 'acgan') return auxiliaryOutput(cond.classes, { init });
  if (cond?.kind === 'infogan') return auxiliaryOutput(cond.auxiliary.categorical + cond.auxiliary.continuous, { hidden: cond.hidden, init, alpha });
  return fallback;
}

const refuseField = (field: string, message: string, received: unknown): never => {
  throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received }]);
};

/**
 * Image-to-image translation, checked against the data and the rest of the config: paired data
 * needs `model.translation` with the U-Net and the PatchGAN, and they need it; it takes no class,
 * codes, packing, unrolling, curriculum or BEGAN (G's input is the source image, not z).
 */
function translationOf(config: RunConfig, data: { name: string; inputShape?: readonly number[] }): RunConfig['model']['translation'] {
  const t = config.model.translation;
  const paired = data.inputShape !== undefined;
  const { g, d } = config.model;
  if (!t) {
    if (paired) refuseField('model.translation', `'${data.name}' is paired data (source → target): set model.translation (e.g. {"l1":100}) with model.g.arch 'unet' and model.d.arch 'patchgan'`, null);
    for (const [player, arch] of [['g', g.arch], ['d', d.arch]] as const) if (arch === 'unet' || arch === 'patchgan') refuseField(`model.${player}.arch`, `'${arch}' is for image-to-image translation on paired data (model.translation)`, arch);
    return null;
  }
  if (!paired) refuseField('model.translation', `needs paired data (each sample a source image and its target, e.g. {"kind":"mnist-pairs"}); '${data.name}' is not`, t);
  if (g.arch !== 'unet') refuseField('model.g.arch', "translation's G takes the source image: use 'unet'", g.arch);
  if (d.arch !== 'patchgan') refuseField('model.d.arch', "translation's D judges (source, image) pairs: use 'patchgan'", d.arch);
  if (config.model.condition !== 'none' || config.model.codes) refuseField('model.condition', 'translation conditions G on the source image; class conditioning and codes are not combined with it', config.model.condition);
  if (config.loss.name === 'began') refuseField('loss.name', "BEGAN's autoencoder D does not judge pairs; use another loss", 'began');
  config.stabilizers.forEach((s, i) => {
    if (s.name === 'packing' || s.name === 'unrolled' || s.name === 'curriculum') refuseField(`stabilizers[${i}]`, `${s.name} is not available with translation (G's input is the batch's source images)`, s.name);
  });
  return t;
}

/**
 * D's network for a spec: an MLP (images flattened first) or DCGAN's strided convolutions, with one
 * output (any stabilizer layers go between its last hidden layer and its output layer), or BEGAN's
 * MLP autoencoder. Without stabilizers it is `mlp('D', dim, …)`.
 */
function discriminatorBuilder(objective: Objective, net: NetworkConfig, rng: Rng, cond: Conditioning | null, sourceShape?: readonly number[]): BuildD {
  const { hidden, act, alpha, norm, dropout, init } = net;
  const shape = objective.discriminator;
  // concat: the class embedding joins D's input (as label planes on images); projection: D's output projects its features onto it.
  const embed: LayerFactory[] = cond?.kind === 'concat' ? [conditionEmbedding(cond.classes, cond.embedDim)] : [];
  const output = (fallback: LayerFactory) => outputLayer(cond, init, alpha, fallback);
  return ({ inputShape, beforeOutput, norm: override }) => {
    if (net.arch === 'patchgan') {
      if (beforeOutput.length > 0) refuseField('stabilizers', `a PatchGAN D has no single output layer to put ${beforeOutput.map((l) => l.kind).join(', ')} before; use other remedies`, beforeOutput.map((l) => l.kind));
      return patchDiscriminator('D', inputShape, sourceShape!, { filters: net.filters, norm: override?.norm ?? norm, init }, rng);
    }
    const inputWidth = inputShape.reduce((a, b) => a * b, 1);
    if (shape === 'classifier') {
      if (net.arch === 'dcgan') {
        const seen = cond?.kind === 'concat' ? [...inputShape.slice(0, -1), inputShape[inputShape.length - 1] + cond.embedDim] : inputShape;
        const features = dcganDiscriminator(seen, { filters: net.filters, norm, init, alpha, ...override });
        return sequential('D', [...inputShape], [...embed, ...features, ...beforeOutput, output(dense(1, { init }))], rng);
      }
      const layers = mlpLayers({ hidden, out: 1, act, alpha, norm, dropout, init, ...override });
      const last = layers.pop()!;
      const flat = inputShape.length > 1 ? [flatten()] : [];
      return sequential('D', [...inputShape], [...flat, ...embed, ...layers, ...beforeOutput, output(last)], rng);
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
  const translation = translationOf(config, data);
  const cond = conditioningOf(config, data);
  const continuous = cond?.kind === 'infogan' ? cond.auxiliary.continuous : 0;
  const noise = { dim: config.model.noiseDim + continuous, distribution: config.model.noise, ...(continuous > 0 ? { codes: continuous } : {}) };
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
    G: composeG(stabilizers, generatorBuilder(data.shape, config.model.g, init.fork('G'), cond, data.inputShape), noise.dim),
    D: composeD(stabilizers, discriminatorBuilder(objective, config.model.d, init.fork('D'), cond, data.inputShape), data.shape),
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
    classes: cond === null ? null : cond.kind !== 'infogan' ? cond.classes : cond.auxiliary.categorical || null,
    auxiliary: cond && 'auxiliary' in cond ? cond.auxiliary : null,
    translation,
  });
}
