/**
 * Request paths to files under one folder, for the read-only server: a path is taken apart from
 * the raw request target (before any URL normalization could fold `..` away), each segment is
 * decoded once and must then be a plain name, and the file found must resolve (symlinks and
 * all) inside the folder.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/**
 * The decoded segments of a raw request target's path (`/files/a%20b/c.json` → `files`, `a b`,
 * `c.json`), or undefined when it is refused: not starting with a single `/`; a backslash, NUL
 * or control character, raw or percent-encoded; a segment that is empty (`//`, an absolute path
 * inside the path), `.` or `..` (`%2e%2e` too), or starts with `.` (hidden files, temp files);
 * an encoded `/`; a `%` left after decoding (double encoding: `%252e`); bad percent-encoding.
 * The query string is not part of the path. `/` gives no segments.
 */
export function requestSegments(target: string): string[] | undefined {
  const path = target.split('?', 1)[0];
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  if (path === '/') return [];
  const out: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (name === '' || name.startsWith('.') || /[/\\%\u0000-\u001f\u007f]/.test(name)) return undefined;
    out.push(name);
  }
  return out;
}

/** Whether `path` is `root` or lies inside it (both already real paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `root/…segments` when it exists, is of the kind asked for and resolves inside
 * `root` (a real path itself); undefined otherwise (missing, or a symlink out of the folder).
 */
export async function resolveInside(root: string, segments: readonly string[], kind: 'file' | 'dir'): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(join(root, ...segments));
  } catch {
    return undefined;
  }
  if (!isInside(root, real)) return undefined;
  const info = await stat(real).catch(() => undefined);
  if (!info || (kind === 'file' ? !info.isFile() : !info.isDirectory())) return undefined;
  return real;
}
