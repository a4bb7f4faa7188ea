/**
 * InfoGAN's codes set by hand (`--code`): the spec's parsing and refusals, and the grid of G
 * inputs — which column of z each continuous code is, what is held fixed along a row, and what the
 * rows and columns are.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { codeGrid, disposeSession, parseCodeSpec, TRAVERSAL_RANGE, type GanSession } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const session = (codes: Record<string, number> | null): GanSession =>
  sessionFromConfig(resolveConfig({ preset: 'ring8', files: [{ model: { noiseDim: 4, codes, g: { hidden: [8] }, d: { hidden: [8] } } }], datasets: nodeDatasets, noRecommendations: true }));

describe('parseCodeSpec', () => {
  const s = session({ categorical: 3, continuous: 2 });
  it('reads one varied code and fixed values', () => {
    expect(parseCodeSpec('c2', s)).toEqual({ vary: 'c2', fixed: {} });
    expect(parseCodeSpec('cat=2, c1=-0.5', s)).toEqual({ fixed: { cat: 2, c1: -0.5 } });
    expect(parseCodeSpec('c1,cat=0', s)).toEqual({ vary: 'c1', fixed: { cat: 0 } });
  });

  it.each([
    ['c3', "'c3' is not a code of this run: give cat, c1, c2"],
    ['cat=1.5', 'the categorical code is an integer in 0 … 2'],
    ['c1=abc', "'c1=abc': the value must be a number"],
    ['c1=', "'c1=': the value must be a number"],
    ['c1,c1=2', "'c1' is given twice"],
    ['c1,c2', "only one code can vary across the grid; 'c1' already does"],
  ])('refuses %s, naming --code', (text, message) => {
    const err = configErrorOf(() => parseCodeSpec(text, s));
    expect(err.issues[0].field).toBe('--code');
    expect(err.message).toContain(message);
  });

  it('refuses a run without codes', () => {
    const plain = session(null);
    expect(configErrorOf(() => parseCodeSpec('c1', plain)).message).toContain('this run has no latent codes');
    disposeSession(plain);
  });
});

describe('codeGrid', () => {
  const s = session({ categorical: 3, continuous: 2 });
  // z is 4 noise coordinates then c1, c2.
  const dim = 6;
  const row = (z: Float32Array, i: number) => Array.from(z.subarray(i * dim, (i + 1) * dim));

  it('walks c2 from −2 to 2 across 10 columns; the rows are the categories, from one shared noise vector', () => {
    const g = codeGrid(s, { vary: 'c2', fixed: {} }, new Rng(1));
    expect([g.rows, g.cols, g.vary]).toEqual([3, 10, true]);
    expect(Array.from(g.labels!)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 10)));
    const c2 = Array.from({ length: 10 }, (_, c) => g.z[c * dim + 5]);
    expect(c2[0]).toBeCloseTo(TRAVERSAL_RANGE[0], 6);
    expect(c2[9]).toBeCloseTo(TRAVERSAL_RANGE[1], 6);
    c2.slice(1).forEach((v, c) => expect(v - c2[c]).toBeCloseTo(4 / 9, 5));
    // Everything but c2 is one vector for all 30 inputs.
    for (let i = 1; i < 30; i++) expect(row(g.z, i).slice(0, 5)).toEqual(row(g.z, 0).slice(0, 5));
  });

  it('with the category fixed, the rows are fresh noise; fixed codes are written into z', () => {
    const g = codeGrid(s, { vary: 'c1', fixed: { cat: 2, c2: 0.25 } }, new Rng(1));
    expect([g.rows, g.cols, g.rowsShow]).toEqual([8, 10, 'fresh noise']);
    expect(new Set(g.labels)).toEqual(new Set([2]));
    for (let i = 0; i < 80; i++) expect(g.z[i * dim + 5]).toBe(0.25);
    expect(row(g.z, 0).slice(0, 4)).toEqual(row(g.z, 9).slice(0, 4));
    expect(row(g.z, 0).slice(0, 4)).not.toEqual(row(g.z, 10).slice(0, 4));
  });

  it('varying the category puts the categories in columns; nothing varied gives n samples with the fixed codes', () => {
    const g = codeGrid(s, { vary: 'cat', fixed: {} }, new Rng(1));
    expect([g.rows, g.cols]).toEqual([8, 3]);
    expect(Array.from(g.labels!.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    const free = codeGrid(s, { fixed: { c1: -1 } }, new Rng(1), 20);
    expect(free.z.length).toBe(20 * dim);
    expect(free.vary).toBe(false);
    for (let i = 0; i < 20; i++) expect(free.z[i * dim + 4]).toBe(-1);
    // The category is drawn: all three appear among 20.
    expect(new Set(free.labels)).toEqual(new Set([0, 1, 2]));
  });
});
