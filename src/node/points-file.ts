import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DataError } from '../errors.ts';
import { parsePoints, points, type Dataset, type PointsFormat } from '../data/index.ts';

const FORMATS: Readonly<Record<string, PointsFormat>> = { '.csv': 'csv', '.json': 'json' };

/**
 * Loads the user's points from a `.csv` or `.json` file (format by extension, see `parsePoints`)
 * as an empirical {@link Dataset} named after the file.
 *
 * @example
 * const data = loadPointsFile('data/blobs.csv');
 * data.sample(256, rng); // Tensor [256, columns]
 */
export function loadPointsFile(path: string): Dataset {
  const ext = extname(path).toLowerCase();
  const format = FORMATS[ext];
  if (format === undefined) {
    const allowed = Object.keys(FORMATS).join(', ');
    throw new DataError(`unsupported file extension ${ext === '' ? '(none)' : `"${ext}"`}; allowed: ${allowed}`, path);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read points file: ${reason(err)}`, path);
  }
  const rows = parsePoints(text, format, path);
  return points(rows, rows[0].length, { name: basename(path, extname(path)) });
}

function reason(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return err instanceof Error ? err.message : String(err);
}
