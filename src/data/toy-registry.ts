import { spiral, twoMoons, type SpiralParams, type TwoMoonsParams } from './continuous.ts';
import type { Dataset } from './dataset.ts';
import { grid, grid25, type GridParams } from './grid.ts';
import { mixture1d, type Mixture1dParams } from './mixture.ts';
import { ring, ring8, type RingParams } from './ring.ts';

/** Names of the built-in toy datasets, as config files spell them. */
export const TOY_DATASET_NAMES = ['mixture1d', 'ring', 'ring8', 'grid', 'grid25', 'spiral', 'two-moons'] as const;

/** A built-in toy dataset's name. */
export type ToyDatasetName = (typeof TOY_DATASET_NAMES)[number];

/** The params object each toy dataset takes; the fixed benchmarks `ring8` and `grid25` take none. */
export interface ToyDatasetParams {
  mixture1d: Mixture1dParams;
  ring: RingParams;
  ring8: Record<string, never>;
  grid: GridParams;
  grid25: Record<string, never>;
  spiral: SpiralParams;
  'two-moons': TwoMoonsParams;
}

/** A registry of toy datasets: each name maps to a factory taking that dataset's params. */
export type ToyDatasetRegistry = { readonly [K in ToyDatasetName]: (params: ToyDatasetParams[K]) => Dataset };

/**
 * The built-in toy datasets by name, so config code can build one from `{ name, params }`.
 *
 * @example
 * const data = toyDatasets.ring({ modes: 6 });
 * const same = buildToyDataset('grid', { size: 3 });
 */
export const toyDatasets: ToyDatasetRegistry = Object.freeze({
  mixture1d,
  ring,
  ring8: () => ring8(),
  grid,
  grid25: () => grid25(),
  spiral,
  'two-moons': twoMoons,
});

/**
 * Builds the toy dataset `name` with `params`, keeping the name and params types tied together.
 *
 * @example
 * buildToyDataset('mixture1d', { weights: [1, 1], means: [-1, 1], stds: [0.1, 0.1] });
 */
export function buildToyDataset<K extends ToyDatasetName>(
  name: K,
  params: ToyDatasetParams[K],
  registry: ToyDatasetRegistry = toyDatasets,
): Dataset {
  const factory: (params: ToyDatasetParams[K]) => Dataset = registry[name];
  return factory(params);
}
