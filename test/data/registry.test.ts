import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  buildToyDataset,
  ring,
  TOY_DATASET_NAMES,
  toyDatasets,
  type ToyDatasetRegistry,
} from '../../src/data/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('toyDatasets', () => {
  it('lists exactly the documented names', () => {
    expect([...TOY_DATASET_NAMES].sort()).toEqual(Object.keys(toyDatasets).sort());
    expect([...TOY_DATASET_NAMES].sort()).toEqual(['grid', 'grid25', 'mixture1d', 'ring', 'ring8', 'spiral', 'two-moons']);
  });

  it.each([
    ['ring', 8, 'ring'],
    ['ring8', 8, 'ring8'],
    ['grid', 25, 'grid'],
    ['grid25', 25, 'grid25'],
  ] as const)('builds %s with %i modes from empty params', (name, modeCount, dsName) => {
    const ds = buildToyDataset(name, {});
    expect(ds.name).toBe(dsName);
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toHaveLength(modeCount);
  });

  it('builds the continuous sets without modes', () => {
    expect(toyDatasets.spiral({}).modes).toBeUndefined();
    expect(toyDatasets['two-moons']({ noise: 0.1 }).name).toBe('two-moons');
  });

  it('passes params through', () => {
    expect(buildToyDataset('ring', { modes: 5 }).modes).toHaveLength(5);
    expect(buildToyDataset('grid', { size: 3 }).modes).toHaveLength(9);
    const mix = buildToyDataset('mixture1d', { weights: [1], means: [3], stds: [0.1] });
    expect(mix.shape).toEqual([1]);
    expect(mix.modes).toEqual([{ center: [3], std: 0.1, weight: 1 }]);
    expect(buildToyDataset('ring', { modes: 5 }).sampleArray(10, new Rng(1))).toEqual(
      ring({ modes: 5 }).sampleArray(10, new Rng(1)),
    );
  });

  it('uses a registry a test builds', () => {
    const custom: ToyDatasetRegistry = { ...toyDatasets, ring8: () => ring({ modes: 2 }) };
    expect(buildToyDataset('ring8', {}, custom).modes).toHaveLength(2);
  });

  it('cannot be changed in place', () => {
    expect(Object.isFrozen(toyDatasets)).toBe(true);
  });
});
