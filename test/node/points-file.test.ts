import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { loadPointsFile } from '../../src/node/points-file.ts';
import { Rng } from '../../src/tensor/rng.ts';

const dir = mkdtempSync(join(tmpdir(), 'saddlepoint-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether every row of `xs` (flat, `dim` wide) is one of `rows`. */
function allFrom(xs: Float32Array, dim: number, rows: number[][]): boolean {
  for (let i = 0; i < xs.length / dim; i++) {
    const row = Array.from(xs.subarray(i * dim, (i + 1) * dim));
    if (!rows.some((r) => r.every((v, d) => v === row[d]))) return false;
  }
  return true;
}

describe('loadPointsFile', () => {
  it('loads a CSV file as a dataset named after the file', () => {
    const path = join(dir, 'blobs.csv');
    writeFileSync(path, 'x,y\n0,0\n1,2\n-3,4\n');
    const ds = loadPointsFile(path);
    expect(ds.name).toBe('blobs');
    expect(ds.shape).toEqual([2]);
    const xs = ds.sampleArray(200, new Rng(1)).x;
    expect(allFrom(xs, 2, [[0, 0], [1, 2], [-3, 4]])).toBe(true);
    expect(allFrom(xs, 2, [[0, 0], [1, 2]])).toBe(false);
  });

  it('loads a JSON file, whatever the extension’s case', () => {
    const path = join(dir, 'three.JSON');
    writeFileSync(path, '[{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]');
    const ds = loadPointsFile(path);
    expect(ds.shape).toEqual([3]);
    const t = ds.sample(20, new Rng(2)).x;
    expect(t.shape).toEqual([20, 3]);
    expect(allFrom(Float32Array.from(t.dataSync()), 3, [[1, 2, 3], [4, 5, 6]])).toBe(true);
    t.dispose();
  });

  it('names the path and the reason when the file is missing', () => {
    const path = join(dir, 'nope.csv');
    expect(() => loadPointsFile(path)).toThrow(DataError);
    expect(() => loadPointsFile(path)).toThrow(`${path}: cannot read points file: file not found`);
  });

  it('names the path when it is a directory', () => {
    const path = join(dir, 'folder.csv');
    mkdirSync(path);
    expect(() => loadPointsFile(path)).toThrow(`${path}: cannot read points file: is a directory, not a file`);
  });

  it.each([
    ['points.txt', 'unsupported file extension ".txt"; allowed: .csv, .json'],
    ['points', 'unsupported file extension (none); allowed: .csv, .json'],
  ])('rejects %s, listing the allowed extensions', (file, problem) => {
    const path = join(dir, file);
    writeFileSync(path, '1,2\n');
    expect(() => loadPointsFile(path)).toThrow(DataError);
    expect(() => loadPointsFile(path)).toThrow(`${path}: ${problem}`);
  });

  it('passes parse errors through with the path', () => {
    const path = join(dir, 'broken.csv');
    writeFileSync(path, 'x,y\n1,2\n3,oops\n');
    expect(() => loadPointsFile(path)).toThrow(`${path}: line 3, column 2 is "oops", not a number`);
  });
});
