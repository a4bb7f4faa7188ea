import { ConfigError } from '../errors.ts';
import type { RunConfig } from './schema.ts';

/** One part of a run's memory, estimated from the config field that drives it. */
export interface SizeEstimate {
  /** The config field to change to make it smaller, e.g. `batchSize`. */
  field: string;
  /** The field's value, as the user wrote it. */
  value: number;
  /** What the memory holds. */
  what: string;
  /** Estimated peak bytes. */
  bytes: number;
}

const F32 = 4;
/**
 * Copies of each activation alive during a step: forward value, its gradient, tfjs's tape entry,
 * and D applied to a real and a generated batch (twice again with a gradient penalty's
 * interpolates). Measured peaks of the MLP presets stay under this on cpu.
 */
const STEP_COPIES = 8;
/** A JavaScript mode object (centre array, std, weight) plus the mixture's cumulative weight. */
const BYTES_PER_MODE = 160;
/** Evaluation copies per sample and coordinate: generated, real, the packing reshape, sliced-W1 sorting. */
const EVAL_COPIES = 6;
/** Projections of the sliced Wasserstein distance (evaluator). */
const W1_PROJECTIONS = 100;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A data parameter the schema has already validated as a number (data configs are typed by their kind's schema). */
const numberOf = (v: unknown): number => (typeof v === 'number' ? v : 0);

function dataDims(config: RunConfig): { dim: number; modes: number; modesField?: { field: string; value: number } } {
  const d = config.data;
  switch (d.kind) {
    case 'ring8':
      return { dim: 2, modes: 8 };
    case 'grid25':
      return { dim: 2, modes: 25 };
    case 'ring':
      return { dim: 2, modes: numberOf(d.modes), modesField: { field: 'data.modes', value: numberOf(d.modes) } };
    case 'grid':
      return { dim: 2, modes: numberOf(d.size) ** 2, modesField: { field: 'data.size', value: numberOf(d.size) } };
    case 'mixture1d':
      return { dim: 1, modes: Array.isArray(d.weights) ? d.weights.length : 0 };
    default:
      // Points files hold their own size (they are read whole); two columns is the common case.
      return { dim: 2, modes: 0 };
  }
}

/**
 * The memory a config's sizes imply, one estimate per field that drives it: the training batch
 * (with packing), evaluation samples, a virtual-batch-norm reference batch, and the dataset's
 * modes. Pure; the estimates are upper-bound rules of thumb, not measurements.
 */
export function estimateSizes(config: RunConfig): SizeEstimate[] {
  const { dim, modes, modesField } = dataDims(config);
  const packs = config.stabilizers.flatMap((s) => (s.name === 'packing' ? [s.m] : []));
  const m = packs.length ? Math.max(...packs) : 1;
  const gWidth = config.model.noiseDim + sum(config.model.g.hidden) + dim;
  const dWidth = dim * m + sum(config.model.d.hidden) + 1;
  const perSample = (gWidth * m + dWidth) * F32 * STEP_COPIES * config.dStepsPerG;
  const out: SizeEstimate[] = [{ field: 'batchSize', value: config.batchSize, what: 'activations of one training step', bytes: config.batchSize * perSample }];
  if (config.eval.every > 0) {
    const n = config.eval.samples;
    const perEval = (dim * EVAL_COPIES + W1_PROJECTIONS * 2 + sum(config.model.g.hidden) + sum(config.model.d.hidden)) * F32;
    out.push({ field: 'eval.samples', value: n, what: 'one evaluation', bytes: n * perEval });
  }
  for (const [i, s] of config.stabilizers.entries()) {
    if (s.name === 'virtual-batch-norm') {
      const r = s.referenceSize;
      out.push({ field: `stabilizers[${i}].referenceSize`, value: r, what: 'the reference batch, forwarded every step', bytes: r * (gWidth + dWidth) * F32 * STEP_COPIES });
    }
  }
  if (modesField) out.push({ ...modesField, what: `${modes} modes of the dataset`, bytes: modes * BYTES_PER_MODE });
  return out;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 2 ** 10)} KB`;
}

/**
 * Refuses, before anything is built or written, a config whose sizes do not fit: any single
 * estimate, or their sum, above `availableBytes`; and evaluation samples that do not fill one
 * pack of a packing stabilizer. The error names each field at fault with its estimate.
 *
 * @example
 * checkSizes(config, os.freemem());
 */
export function checkSizes(config: RunConfig, availableBytes: number): SizeEstimate[] {
  const estimates = estimateSizes(config);
  const lines: string[] = [];
  for (const [i, s] of config.stabilizers.entries()) {
    if (s.name === 'packing' && config.eval.every > 0 && config.eval.samples < s.m) {
      lines.push(`eval.samples: got ${config.eval.samples}; packing (stabilizers[${i}].m = ${s.m}) needs at least ${s.m} samples for one pack`);
    }
  }
  const total = sum(estimates.map((e) => e.bytes));
  if (total > availableBytes) {
    const worst = [...estimates].sort((a, b) => b.bytes - a.bytes).filter((e, i) => i === 0 || e.bytes > availableBytes / 4);
    for (const e of worst) lines.push(`${e.field}: ${e.value} needs about ${formatBytes(e.bytes)} for ${e.what}, but about ${formatBytes(availableBytes)} of memory is available; use a smaller ${e.field}`);
  }
  if (lines.length) throw new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  return estimates;
}
