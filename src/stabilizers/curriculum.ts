import { z } from 'zod';
import { batchTensors, gaussianMixture, type ArrayBatch, type Dataset, type Mode } from '../data/index.ts';
import type { Rng } from '../tensor/index.ts';
import { instanceNoiseSigma } from './instance-noise.ts';
import { defineStabilizer, refuse, type Stabilizer } from './types.ts';

/**
 * Modes in a curriculum after `step` completed steps: `start` at step 0, growing linearly (a new
 * mode every `until / (total − start)` steps) to all `total` modes at step `until` and after.
 */
export function curriculumModes(step: number, start: number, total: number, until: number): number {
  if (step >= until) return total;
  return Math.min(total, start + Math.floor(((total - start) * step) / until));
}

/** σ of a noise curriculum's blur after `step` completed steps: σ0·(1 − step/until), 0 from `until` on. */
export function curriculumSigma(step: number, sigma0: number, until: number): number {
  return instanceNoiseSigma(step, sigma0, until);
}

/**
 * The mixture of the first `m` of `modes` (isotropic Gaussians in `dim` dimensions), their weights
 * renormalized to sum to 1.
 */
export function firstModes(name: string, dim: number, modes: readonly Mode[], m: number): Dataset {
  const kept = modes.slice(0, m);
  const total = kept.reduce((s, mode) => s + mode.weight, 0);
  if (!(total > 0)) throw new RangeError(`${name}: the first ${m} modes have no weight`);
  return gaussianMixture(`${name}[first ${m} modes]`, dim, kept.map((mode) => ({ ...mode, weight: mode.weight / total })));
}

/** A dataset whose draws come from `sampleArray`; its tensors are built from them. */
function scheduledDataset(name: string, shape: readonly number[], sampleArray: (n: number, rng: Rng) => ArrayBatch): Dataset {
  return { name, shape, sampleArray, sample: (n, rng) => batchTensors(sampleArray(n, rng), shape) };
}

/** Options of {@link modesCurriculum}. */
export interface ModesCurriculumOptions {
  /** The true data's modes, in the order they join. */
  modes: readonly Mode[];
  /** Modes in at step 0. */
  start: number;
  /** Step from which all modes are in (and batches come from the data itself). */
  until: number;
}

/**
 * A curriculum over modes: real training batches come from the data's first m(t) modes only
 * ({@link curriculumModes}, weights renormalized), then, from step `until` on, from the data
 * itself. The modes are drawn from their Gaussians as the dataset describes them — exactly the
 * toy mixtures' distribution (ring, grid, mixture1d). G only ever has to match what D sees, so
 * targets widen as training goes; evaluation keeps measuring against every mode.
 */
export function modesCurriculum({ modes, start, until }: ModesCurriculumOptions): Stabilizer {
  const count = (step: number) => curriculumModes(step, start, modes.length, until);
  return {
    name: 'curriculum',
    build: { wrapData(data, clock) {
      const dim = data.shape.reduce((a, b) => a * b, 1);
      const prefixes = new Map<number, Dataset>();
      const current = (): Dataset => {
        const m = count(clock());
        if (m >= modes.length) return data;
        let prefix = prefixes.get(m);
        if (!prefix) prefixes.set(m, (prefix = firstModes(data.name, dim, modes, m)));
        return prefix;
      };
      return scheduledDataset(`curriculum(${data.name})`, data.shape, (n, rng) => current().sampleArray(n, rng));
    } },
    step: { values: (step) => ({ curriculumModes: count(step) }) },
  };
}

/** Options of {@link noiseCurriculum}. */
export interface NoiseCurriculumOptions {
  /** σ0: the blur's standard deviation at step 0. */
  sigma: number;
  /** Step at which σ reaches 0. */
  until: number;
}

/**
 * A curriculum over sharpness: real training batches are blurred with N(0, σ(t)²) per coordinate,
 * σ annealed linearly from σ0 to 0 at step `until` ({@link curriculumSigma}), so the target starts
 * smooth and sharpens. Unlike instance noise it changes only the data G must match, not G's samples
 * nor what D sees of them. The blur is drawn from the same stream as the batch.
 */
export function noiseCurriculum({ sigma, until }: NoiseCurriculumOptions): Stabilizer {
  return {
    name: 'curriculum',
    build: { wrapData(data, clock) {
      return scheduledDataset(`curriculum(${data.name})`, data.shape, (n, rng) => {
        const drawn = data.sampleArray(n, rng);
        const s = curriculumSigma(clock(), sigma, until);
        if (s === 0) return drawn;
        // A copy: a dataset may hand out views of what it holds.
        const blurred = Float32Array.from(drawn.x);
        for (let i = 0; i < blurred.length; i++) blurred[i] += s * rng.normal();
        return drawn.labels ? { x: blurred, labels: drawn.labels } : { x: blurred };
      });
    } },
    step: { values: (step) => ({ curriculumSigma: curriculumSigma(step, sigma, until) }) },
  };
}

/** Fields only one kind takes, for the schema's error messages. */
const KIND_FIELDS = { modes: ['start'], noise: ['sigma'] } as const;

export const curriculumStabilizer = defineStabilizer({
  name: 'curriculum',
  summary: "schedules the real data G must match: first modes first (kind modes), or blurred then sharpening (kind noise), until step `until`",
  schema: z
    .strictObject({
      name: z.literal('curriculum'),
      /** `modes`: batches from the first m(t) modes; `noise`: batches blurred with N(0, σ(t)²). */
      kind: z.enum(['modes', 'noise']).default('modes'),
      /** kind modes: modes in at step 0 (default 1). */
      start: z.int().min(1).optional(),
      /** kind noise: σ0, the blur's standard deviation at step 0 (default 0.5). */
      sigma: z.number().positive().optional(),
      /** Step from which the data is whole and sharp. */
      until: z.int().positive().default(1000),
    })
    .superRefine((c, ctx) => {
      const other = c.kind === 'modes' ? 'noise' : 'modes';
      for (const field of KIND_FIELDS[other]) {
        if (c[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `applies to kind "${other}" only; kind "${c.kind}" takes ${[...KIND_FIELDS[c.kind], 'until'].join(' and ')}` });
        }
      }
    })
    .transform((c) =>
      c.kind === 'modes'
        ? { name: c.name, kind: c.kind, start: c.start ?? 1, until: c.until }
        : { name: c.name, kind: c.kind, sigma: c.sigma ?? 0.5, until: c.until },
    ),
  build(p, info) {
    if (p.kind === 'noise') return noiseCurriculum(p);
    const { modes } = info.data;
    if (!modes) {
      refuse(
        info,
        `got "modes", but data "${info.data.name}" has no known modes (ring, ring8, grid, grid25, mixture1d and points files that list modes have them); allowed here: "noise"`,
        'kind',
        p.kind,
      );
    }
    if (p.start > modes.length) refuse(info, `got ${p.start}, but data "${info.data.name}" has ${modes.length} modes; allowed: 1 to ${modes.length}`, 'start', p.start);
    if (!(modes.slice(0, p.start).reduce((s, m) => s + m.weight, 0) > 0)) {
      refuse(info, `got ${p.start}, but the first ${p.start} modes of data "${info.data.name}" have weight 0; start with more modes`, 'start', p.start);
    }
    return modesCurriculum({ modes, start: p.start, until: p.until });
  },
});
