import { DataError } from '../errors.ts';
import { show } from './validate.ts';

/** The text formats {@link parsePoints} reads. */
export type PointsFormat = 'csv' | 'json';

/**
 * Parses user points from text, checking every row; errors are {@link DataError}s that name
 * `source` (the file path) and say where and what is wrong.
 *
 * - `csv`: comma-separated numbers, one point a line; blank lines are skipped. The first line is a
 *   header when none of its cells is a number; any other non-numeric cell is an error.
 * - `json`: an array of arrays of numbers (`[[0, 1], [2, 3]]`), or an array of objects with the
 *   same numeric fields (`[{ "x": 0, "y": 1 }]`; columns follow the first object's key order).
 *
 * All rows must have the same length ≥ 1, and there must be at least one.
 *
 * @example
 * parsePoints('x,y\n0,1\n2,3\n', 'csv', 'pts.csv'); // [[0, 1], [2, 3]]
 */
export function parsePoints(text: string, format: PointsFormat, source: string): number[][] {
  if (format === 'csv') return parseCsv(text, source);
  if (format === 'json') return parseJson(text, source);
  throw new DataError(`unknown points format ${show(format)}; expected "csv" or "json"`, source);
}

/** A decimal number as people write them; `Number()` alone would also take "", "0x1f" and "Infinity". */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a finite double stays finite as float32 (points are trained on as float32 tensors). */
function fitsFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

function parseCell(cell: string): number | undefined {
  return NUMBER.test(cell) ? Number(cell) : undefined;
}

function parseCsv(text: string, source: string): number[][] {
  // A byte-order mark, as spreadsheet exports write, would otherwise make the first cell non-numeric.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const rows: number[][] = [];
  let width: number | undefined;
  let widthLine = 0;
  let header = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',').map(unquote);
    const first = width === undefined;
    if (first) {
      width = cells.length;
      widthLine = lineNo;
      if (cells.every((c) => parseCell(c) === undefined)) {
        header = true;
        continue;
      }
    }
    if (cells.length !== width) {
      throw new DataError(`line ${lineNo} has ${count(cells.length, 'column')}, expected ${width} as on line ${widthLine}`, source);
    }
    rows.push(
      cells.map((cell, c) => {
        const value = parseCell(cell);
        if (value === undefined || !Number.isFinite(value)) {
          const what = cell === '' ? 'is empty' : `is ${JSON.stringify(cell)}, not a number`;
          throw new DataError(`line ${lineNo}, column ${c + 1} ${what}`, source);
        }
        if (!fitsFloat32(value)) throw new DataError(`line ${lineNo}, column ${c + 1} is ${cell}, beyond float32's range (±3.4e38) that training uses`, source);
        return value;
      }),
    );
  }
  if (rows.length === 0) {
    throw new DataError(header ? 'CSV has a header but no data rows' : 'CSV has no data rows', source);
  }
  return rows;
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function parseJson(text: string, source: string): number[][] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DataError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`, source);
  }
  if (!Array.isArray(data)) {
    throw new DataError(`expected a JSON array of points, got ${show(data)}`, source);
  }
  if (data.length === 0) throw new DataError('JSON array has no points', source);
  const first: unknown = data[0];
  if (Array.isArray(first)) return data.map((item: unknown, i) => arrayRow(item, i, first.length, source));
  if (isRecord(first)) {
    const keys = Object.keys(first);
    return data.map((item: unknown, i) => objectRow(item, i, keys, source));
  }
  throw new DataError(`[0] must be an array of numbers or an object with numeric fields, got ${show(first)}`, source);
}

function arrayRow(item: unknown, i: number, width: number, source: string): number[] {
  if (!Array.isArray(item)) {
    throw new DataError(`[${i}] is ${show(item)}, but [0] is an array; all points must have the same form`, source);
  }
  if (item.length === 0) throw new DataError(`[${i}] is an empty array; a point needs at least one coordinate`, source);
  if (item.length !== width) {
    throw new DataError(`[${i}] has ${count(item.length, 'coordinate')}, expected ${width} as in [0]`, source);
  }
  return item.map((v: unknown, d) => finite(v, `[${i}][${d}]`, source));
}

function objectRow(item: unknown, i: number, keys: readonly string[], source: string): number[] {
  if (!isRecord(item)) {
    throw new DataError(`[${i}] is ${show(item)}, but [0] is an object; all points must have the same form`, source);
  }
  const own = Object.keys(item);
  if (own.length === 0) throw new DataError(`[${i}] is an empty object; a point needs at least one numeric field`, source);
  if (own.length !== keys.length || own.some((k) => !keys.includes(k))) {
    throw new DataError(`[${i}] has fields [${own.join(', ')}], expected [${keys.join(', ')}] as in [0]`, source);
  }
  return keys.map((k) => finite(item[k], `[${i}].${k}`, source));
}

function finite(value: unknown, at: string, source: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DataError(`${at} must be a finite number, got ${show(value)}`, source);
  }
  if (!fitsFloat32(value)) throw new DataError(`${at} is ${value}, beyond float32's range (±3.4e38) that training uses`, source);
  return value;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
