import { DataError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import { batchTensors, type ArrayBatch, type Dataset, type Mode } from './dataset.ts';

/** What a dataset built by {@link arrayDataset} says about itself, and how it draws. */
export interface ArrayDatasetSpec {
  name: string;
  shape: readonly number[];
  /** Omitted for continuous sets, so `modes` is absent rather than present-and-undefined. */
  modes?: readonly Mode[];
  /** The number of label classes, for data whose draws carry labels. */
  classes?: number;
  /** `n` samples, flat and row-major (with labels when the data has them); `n` has already been checked. */
  draw(n: number, rng: Rng): Float32Array | ArrayBatch;
}

/**
 * A {@link Dataset} whose tensors are built from its flat draws, so `sample(n, rng)` and
 * `sampleArray(n, rng)` give the same numbers for the same rng state.
 */
export function arrayDataset(spec: ArrayDatasetSpec): Dataset {
  const { name, draw } = spec;
  const shape = Object.freeze([...spec.shape]);
  const sampleArray = (n: number, rng: Rng): ArrayBatch => {
    if (!Number.isInteger(n) || n < 0) {
      throw new DataError(`sample count must be an integer ≥ 0, got ${String(n)}`, name);
    }
    const drawn = draw(n, rng);
    return drawn instanceof Float32Array ? { x: drawn } : drawn;
  };
  const base: Dataset = {
    name,
    shape,
    sampleArray,
    sample: (n: number, rng: Rng) => batchTensors(sampleArray(n, rng), shape),
    ...(spec.classes !== undefined ? { classes: spec.classes } : {}),
  };
  // Callers get copies: editing a reported mode must not change what the sampler draws.
  return spec.modes ? { ...base, modes: Object.freeze(spec.modes.map(copyMode)) } : base;
}

function copyMode(mode: Mode): Mode {
  return { center: [...mode.center], std: mode.std, weight: mode.weight };
}
