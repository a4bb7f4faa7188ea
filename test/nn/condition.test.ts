import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation, conditionEmbedding, dense, sequential, variablesOf } from '../../src/nn/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

const labels = (ids: number[]) => tf.tensor1d(ids, 'int32');

describe('conditioned modules', () => {
  it('a conditional MLP: the class changes the output, the same class gives the same output', () => {
    const G = sequential('G', [3], [conditionEmbedding(10, 4), dense(8), activation('relu'), dense(2)], new Rng(1));
    expect(G.params.map((p) => p.name)).toContain('G/embed0/embedding');
    const z = tf.tile(tf.tensor2d([[0.3, -0.1, 0.7]]), [3, 1]);
    const out = G.apply(z, { training: false, condition: { labels: labels([2, 2, 7]) } }).arraySync() as number[][];
    expect(out[0]).toEqual(out[1]);
    expect(Math.hypot(out[0][0] - out[2][0], out[0][1] - out[2][1])).toBeGreaterThan(1e-3);
  });

  it('appends exactly the embedding row of each label (flat features)', () => {
    const layer = conditionEmbedding(3, 2).build([1], new Rng(2), 'c');
    const table = layer.params[0].variable.arraySync() as number[][];
    const y = layer.apply(tf.tensor2d([[5], [6]]), { training: false, condition: { labels: labels([2, 0]) } }).arraySync() as number[][];
    expect(layer.outputShape).toEqual([3]);
    expect(y[0][0]).toBe(5);
    expect(y[0].slice(1)).toEqual(table[2].map((v) => Math.fround(v)));
    expect(y[1].slice(1)).toEqual(table[0].map((v) => Math.fround(v)));
  });

  it('on feature maps, the embedding becomes constant channels', () => {
    const layer = conditionEmbedding(4, 2).build([3, 3, 1], new Rng(3), 'c');
    expect(layer.outputShape).toEqual([3, 3, 3]);
    const y = layer.apply(tf.zeros([2, 3, 3, 1]), { training: false, condition: { labels: labels([1, 3]) } });
    expect(y.shape).toEqual([2, 3, 3, 3]);
    const table = layer.params[0].variable.arraySync() as number[][];
    const v = y.arraySync() as number[][][][];
    for (const [i, c] of [[0, 1], [1, 3]] as const) for (const row of v[i]) for (const px of row) expect(px.slice(1)).toEqual(table[c].map(Math.fround));
  });

  it('gradients reach only the rows of the labels used', () => {
    const G = sequential('G', [2], [conditionEmbedding(5, 3), dense(1)], new Rng(4));
    const { grads } = tf.variableGrads(() => tf.sum(G.apply(tf.ones([2, 2]), { training: true, condition: { labels: labels([1, 1]) } })) as tf.Scalar, variablesOf(G));
    const g = grads[G.params[0].variable.name].arraySync() as number[][];
    g.forEach((row, c) => (c === 1 ? expect(row.some((v) => v !== 0)).toBe(true) : expect(row).toEqual([0, 0, 0])));
  });

  it('refuses a call without labels, naming the layer', () => {
    const G = sequential('G', [2], [conditionEmbedding(5, 3)], new Rng(5));
    expect(() => G.apply(tf.ones([2, 2]), { training: false })).toThrow('G/embed0: this network is conditioned on class labels');
  });
});
