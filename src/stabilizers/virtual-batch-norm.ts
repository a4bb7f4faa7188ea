import { z } from 'zod';
import { withReferenceBatch } from '../nn/index.ts';
import { sampleNoise } from '../data/index.ts';
import { defineStabilizer, refuse, type NormOverride, type Stabilizer, type StabilizerBuildParts, type StabilizerInfo } from './types.ts';

/** The reference batches of {@link virtualBatchNormalization}, flat and row-major; absent for a player left alone. */
export interface ReferenceBatches {
  /** R latent vectors, `[R, noiseDim]`: G's reference input. */
  g?: Float32Array;
  /** R real samples, `[R, dataWidth]`: D's reference input. */
  d?: Float32Array;
}

/**
 * Virtual batch normalization (Salimans et al. 2016, "Improved Techniques for Training GANs",
 * §3.4) in G and/or D: their hidden layers are built with `norm: 'virtual-batch'`, and every call
 * runs the network on a fixed reference batch (R inputs) in front of the real input, so each
 * example is normalized with the reference batch's statistics plus its own, never with the rest
 * of its minibatch. The reference activations are recomputed with the current weights at every
 * call — about R extra rows per forward pass, the method's cost. Training and evaluation compute
 * the same outputs. Layers inserted before D's output (minibatch features) see the reference rows
 * as part of D's batch. In D the reference rows are samples, so stabilizers that change D's rows
 * (packing, minibatch-std at the input) must be listed after it; with packing after it, the
 * reference size must be a multiple of m so that reference samples fill whole packs.
 */
export function virtualBatchNormalization(reference: ReferenceBatches, referenceRows: number, info?: StabilizerInfo): Stabilizer {
  const norm: NormOverride = { norm: 'virtual-batch', referenceRows };
  const duplicate = (player: 'G' | 'D'): never => {
    const message = `virtual batch norm is already applied to ${player} by a stabilizer listed before this one; list it once`;
    if (info) refuse(info, message, 'player');
    throw new Error(message);
  };
  const build: StabilizerBuildParts = {};
  const { g, d } = reference;
  if (g) {
    build.wrapG = (buildG, spec) => {
      if (spec.norm) duplicate('G');
      return withReferenceBatch(buildG({ ...spec, norm }), g, referenceRows);
    };
  }
  if (d) {
    const sampleWidth = d.length / referenceRows;
    build.wrapD = (buildD, spec) => {
      if (spec.norm) duplicate('D');
      const inputWidth = spec.inputShape.reduce((a, b) => a * b, 1);
      if (inputWidth !== sampleWidth) {
        // A stabilizer listed earlier (packing, minibatch-std at the input) has already
        // turned D's rows into something other than samples, which the reference batch is.
        const message =
          `D's input rows here have width ${inputWidth}, not one sample's ${sampleWidth} (a stabilizer listed before this one, ` +
          'packing or minibatch-std at "input", changes them); list virtual-batch-norm before it';
        if (info) refuse(info, message, 'player', 'd');
        throw new Error(message);
      }
      return withReferenceBatch(buildD({ ...spec, norm }), d, referenceRows);
    };
  }
  return { name: 'virtual-batch-norm', build };
}

/** G's reference batch: R latent vectors drawn with the run's noise spec from `info.rng`. */
function referenceNoise(info: StabilizerInfo, rows: number): Float32Array {
  const z = sampleNoise(info.noise, rows, info.rng);
  const values = z.dataSync().slice() as Float32Array;
  z.dispose();
  return values;
}

export const virtualBatchNormStabilizer = defineStabilizer({
  name: 'virtual-batch-norm',
  summary: "normalizes each example's hidden features with a fixed reference batch's statistics plus its own, in G and/or D (Salimans et al. 2016)",
  schema: z.strictObject({
    name: z.literal('virtual-batch-norm'),
    /** Whose hidden layers are normalized; the paper used it in G. */
    player: z.enum(['g', 'd', 'both']).default('g'),
    /** R: examples in the reference batch, drawn once from the seed. */
    referenceSize: z.int().min(2).default(128),
  }),
  build(p, info) {
    const players: readonly ('g' | 'd')[] = p.player === 'both' ? ['g', 'd'] : [p.player];
    const taken = players.filter((player) => info.norms[player] !== 'none');
    if (taken.length > 0) {
      const free = (['g', 'd'] as const).filter((player) => info.norms[player] === 'none');
      refuse(
        info,
        `got "${p.player}", but ${taken.map((player) => `model.${player}.norm is "${info.norms[player]}"`).join(' and ')}; a network takes one normalization: ` +
          `set ${taken.map((player) => `model.${player}.norm`).join(' and ')} to "none"${free.length === 1 ? `, or allowed here: player "${free[0]}"` : ''}`,
        'player',
        p.player,
      );
    }
    // Drawn once, in a fixed order, from this stabilizer's own stream: a run rebuilt from its
    // config has the same reference batches, so checkpoints hold only the norms' scale and offset.
    const g = players.includes('g') ? referenceNoise(info, p.referenceSize) : undefined;
    const d = players.includes('d') ? info.data.sampleArray(p.referenceSize, info.rng).x : undefined;
    return virtualBatchNormalization({ g, d }, p.referenceSize, info);
  },
});
