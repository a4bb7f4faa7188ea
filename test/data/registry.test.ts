import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { runConfigSchemaFor } from '../../src/config/index.ts';
import { arrayDataset, datasetRegistry, defineDataset, disposeBatch, extendDatasets, ring, TOY_DATASETS, TOY_DATASET_NAMES, toyDatasets } from '../../src/data/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('toyDatasets', () => {
  it('lists exactly the documented names, each declared once', () => {
    expect([...TOY_DATASET_NAMES].sort()).toEqual([...toyDatasets.kinds].sort());
    expect([...TOY_DATASET_NAMES].sort()).toEqual(['grid', 'grid25', 'mixture1d', 'ring', 'ring8', 'spiral', 'two-moons']);
    expect(TOY_DATASETS.map((d) => d.kind)).toEqual(toyDatasets.kinds);
  });

  it.each([
    ['ring', 8, 'ring'],
    ['ring8', 8, 'ring8'],
    ['grid', 25, 'grid'],
    ['grid25', 25, 'grid25'],
  ] as const)('builds %s with %i modes from empty params', (kind, modeCount, dsName) => {
    const ds = toyDatasets.build({ kind });
    expect(ds.name).toBe(dsName);
    expect(ds.shape).toEqual([2]);
    expect(ds.modes).toHaveLength(modeCount);
  });

  it('builds the continuous sets without modes', () => {
    expect(toyDatasets.build({ kind: 'spiral' }).modes).toBeUndefined();
    expect(toyDatasets.build({ kind: 'two-moons', noise: 0.1 }).name).toBe('two-moons');
  });

  it('passes params through', () => {
    expect(toyDatasets.build({ kind: 'ring', modes: 5 }).modes).toHaveLength(5);
    expect(toyDatasets.build({ kind: 'grid', size: 3 }).modes).toHaveLength(9);
    const mix = toyDatasets.build({ kind: 'mixture1d', weights: [1], means: [3], stds: [0.1] });
    expect(mix.shape).toEqual([1]);
    expect(mix.modes).toEqual([{ center: [3], std: 0.1, weight: 1 }]);
    expect(toyDatasets.build({ kind: 'ring', modes: 5 }).sampleArray(10, new Rng(1)).x).toEqual(ring({ modes: 5 }).sampleArray(10, new Rng(1)).x);
  });

  it('names the allowed kinds for an unknown one', () => {
    expect(() => toyDatasets.build({ kind: 'mnist' })).toThrow(ConfigError);
    expect(() => toyDatasets.get('mnist')).toThrow('data.kind: got "mnist"; allowed: "ring8", "ring", "grid25", "grid", "mixture1d", "spiral", "two-moons"');
  });

  it('is a value: a registry a test builds, extended with a kind of its own, validates and builds it', () => {
    const tiny = defineDataset({
      kind: 'tiny',
      summary: 'two labelled points',
      schema: z.strictObject({ kind: z.literal('tiny'), gap: z.number().default(1) }),
      build: ({ gap }) =>
        arrayDataset({ name: 'tiny', shape: [1], classes: 2, draw: (n, rng) => {
          const labels = Int32Array.from({ length: n }, () => rng.int(2));
          return { x: Float32Array.from(labels, (c) => c * gap), labels };
        } }),
    });
    const registry = extendDatasets(toyDatasets, [tiny]);
    expect(registry.kinds).toEqual([...toyDatasets.kinds, 'tiny']);
    expect(toyDatasets.kinds).not.toContain('tiny');
    const config = runConfigSchemaFor(registry).parse({ data: { kind: 'tiny' } });
    expect(config.data).toEqual({ kind: 'tiny', gap: 1 });
    expect(() => runConfigSchemaFor(toyDatasets).parse({ data: { kind: 'tiny' } })).toThrow();
    const data = registry.build({ kind: 'tiny', gap: 3 });
    expect(data.classes).toBe(2);
    const batch = data.sample(6, new Rng(4));
    expect(batch.labels?.dtype).toBe('int32');
    expect(batch.x.shape).toEqual([6, 1]);
    // Labels and samples come from the same draws: x = 3·label.
    expect(Array.from(batch.x.dataSync())).toEqual(Array.from(batch.labels!.dataSync(), (c) => 3 * c));
    expect(data.sampleArray(6, new Rng(4)).labels).toEqual(Int32Array.from(batch.labels!.dataSync()));
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('refuses a kind declared twice', () => {
    expect(() => datasetRegistry([...TOY_DATASETS, TOY_DATASETS[0]])).toThrow("data kind 'ring8' is registered twice");
  });
});
