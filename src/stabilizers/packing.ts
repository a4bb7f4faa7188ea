import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineStabilizer, refuse, type Stabilizer } from './types.ts';

/**
 * Concatenates each run of m consecutive samples along their last axis: flat samples
 * `[n, d]` → `[n/m, m·d]`; images `[n, H, W, C]` → `[n/m, H, W, m·C]` (the packed images stacked
 * as channels, as PacGAN's convolutional D sees them).
 */
export function pack(x: tf.Tensor, m: number): tf.Tensor {
  const [n, ...sample] = x.shape;
  if (n % m !== 0) throw new RangeError(`packing: a batch of ${n} samples cannot be packed in groups of m = ${m}`);
  if (sample.length <= 1) return tf.reshape(x, [n / m, -1]);
  const last = sample.length + 1;
  // [n/m, m, ...s, C] → [n/m, ...s, m, C]: sample k's channels come k-th.
  const grouped = tf.reshape(x, [n / m, m, ...sample]);
  const order = [0, ...sample.map((_, i) => i + 2).slice(0, -1), 1, last];
  return tf.reshape(tf.transpose(grouped, order), [n / m, ...sample.slice(0, -1), m * sample[sample.length - 1]]);
}

/** The shape of a packed input: the last axis m times as long. */
export function packedShape(shape: readonly number[], m: number): number[] {
  return [...shape.slice(0, -1), shape[shape.length - 1] * m];
}

/**
 * PacGAN packing (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
 * networks"): D judges m samples at once — m consecutive samples of a batch, all real or all
 * generated, concatenated into one input of width m·dim — so a G that drops modes produces packs
 * that look unlike real packs. D's output has n/m rows; batches must hold a multiple of m samples.
 * Gradient penalties see per-sample slices of the packed input's gradient.
 */
export function packing(m: number): Stabilizer {
  return {
    name: 'packing',
    build: {
      wrapD(build, spec) {
        const D = build({ ...spec, inputShape: packedShape(spec.inputShape, m) });
        return { name: D.name, params: D.params, buffers: D.buffers, apply: (x, ctx) => D.apply(pack(x, m), ctx) };
      },
    },
    evaluation: { packing: m },
  };
}

export const packingStabilizer = defineStabilizer({
  name: 'packing',
  summary: 'PacGAN: D sees m samples concatenated, real or generated together (Lin et al. 2018)',
  schema: z.strictObject({
    name: z.literal('packing'),
    /** Samples per pack (PacGAN's degree m; pac2, pac4 in the paper). */
    m: z.int().min(2).default(2),
  }),
  build(p, info) {
    if (info.objective.discriminator !== 'classifier') {
      refuse(info, "\"packing\" cannot serve BEGAN: its autoencoder D scores each sample by how well it reconstructs it, and the balance k_t assumes per-sample energies", 'name', p.name);
    }
    if (info.batchSize % p.m !== 0) refuse(info, `got ${p.m}; batchSize ${info.batchSize} must be a multiple of it`, 'm', p.m);
    if (info.objective.penalties.length > 0) {
      info.warn(
        `${info.field} packing with ${info.objective.penalties.map((q) => q.name).join(', ')}: the penalty is on each sample's slice of the packed gradient, ` +
          `so a 1-Lipschitz target per slice allows √${p.m} per pack`,
      );
    }
    return packing(p.m);
  },
});
