import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { parsePoints, type PointsFormat } from '../../src/data/index.ts';

describe('parsePoints, csv', () => {
  it('reads rows without a header', () => {
    expect(parsePoints('0,1\n2.5,-3e-1\n', 'csv', 'a.csv')).toEqual([
      [0, 1],
      [2.5, -0.3],
    ]);
  });

  it('skips a header row of names', () => {
    expect(parsePoints('x,y\n0,1\n2,3', 'csv', 'a.csv')).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('tolerates CRLF, blank lines, a byte-order mark, quotes and spaces', () => {
    const text = '\uFEFF"x", "y"\r\n\r\n 1 , "2"\r\n.5,+4.\r\n\r\n';
    expect(parsePoints(text, 'csv', 'a.csv')).toEqual([
      [1, 2],
      [0.5, 4],
    ]);
  });

  it('reads a single column', () => {
    expect(parsePoints('value\n1\n-2\n', 'csv', 'a.csv')).toEqual([[1], [-2]]);
  });
});

describe('parsePoints, json', () => {
  it('reads an array of arrays', () => {
    expect(parsePoints('[[0, 1], [2.5, -3]]', 'json', 'a.json')).toEqual([
      [0, 1],
      [2.5, -3],
    ]);
  });

  it('reads an array of objects in the first object’s key order', () => {
    expect(parsePoints('[{"x": 0, "y": 1}, {"y": 3, "x": 2}]', 'json', 'a.json')).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

describe('parsePoints, bad input', () => {
  const source = 'data/pts.file';
  it.each<[string, PointsFormat, string]>([
    ['x,y\n1,2\n3,abc\n', 'csv', 'line 3, column 2 is "abc", not a number'],
    ['1,abc\n', 'csv', 'line 1, column 2 is "abc", not a number'],
    ['1,2\n3,\n', 'csv', 'line 2, column 2 is empty'],
    ['1,Infinity\n', 'csv', 'line 1, column 2 is "Infinity", not a number'],
    ['x,y\n1,2\n\n3\n', 'csv', 'line 4 has 1 column, expected 2 as on line 1'],
    ['', 'csv', 'CSV has no data rows'],
    ['x,y\n\n', 'csv', 'CSV has a header but no data rows'],
    ['[[1, 2]', 'json', 'invalid JSON: '],
    ['{"x": [1]}', 'json', 'expected a JSON array of points, got an object'],
    ['[]', 'json', 'JSON array has no points'],
    ['[1, 2]', 'json', '[0] must be an array of numbers or an object with numeric fields, got 1'],
    ['[[1, 2], [3]]', 'json', '[1] has 1 coordinate, expected 2 as in [0]'],
    ['[[]]', 'json', '[0] is an empty array; a point needs at least one coordinate'],
    ['[[1, "a"]]', 'json', '[0][1] must be a finite number, got "a"'],
    ['[[1e999]]', 'json', '[0][0] must be a finite number, got Infinity'],
    ['[[1], {"x": 1}]', 'json', '[1] is an object, but [0] is an array; all points must have the same form'],
    ['[{"x": 1, "y": 2}, {"x": 1, "z": 2}]', 'json', '[1] has fields [x, z], expected [x, y] as in [0]'],
    ['[{"x": 1, "y": null}]', 'json', '[0].y must be a finite number, got null'],
    ['[{}]', 'json', '[0] is an empty object; a point needs at least one numeric field'],
  ])('%j (%s) → %s', (text, format, problem) => {
    let caught: unknown;
    try {
      parsePoints(text, format, source);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    if (!(caught instanceof DataError)) return;
    const err = caught;
    expect(err.path).toBe(source);
    expect(err.message.startsWith(`${source}: ${problem}`)).toBe(true);
    if (!problem.endsWith(': ')) expect(err.message).toBe(`${source}: ${problem}`);
  });

  it('rejects an unknown format', () => {
    // What untyped callers (JavaScript, a hand-edited config) could pass.
    const format = 'yaml' as PointsFormat;
    expect(() => parsePoints('', format, 'a.yaml')).toThrow('a.yaml: unknown points format "yaml"; expected "csv" or "json"');
  });
});
