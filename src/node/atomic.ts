import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RunIOError } from '../errors.ts';

/**
 * The file-system calls the run directory makes, gathered in one object so every one goes
 * through {@link guard} and tests can inject faults (`vi.spyOn(io, 'writeSync')`) without
 * mocking `node:fs` itself.
 */
export const io = {
  openSync: fs.openSync,
  writeSync: fs.writeSync,
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  ftruncateSync: fs.ftruncateSync,
  fstatSync: fs.fstatSync,
  renameSync: fs.renameSync,
  mkdirSync: fs.mkdirSync,
  rmSync: fs.rmSync,
  readFileSync: fs.readFileSync,
  readdirSync: fs.readdirSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  unlinkSync: fs.unlinkSync,
  linkSync: fs.linkSync,
  existsSync: fs.existsSync,
};

/** What a user can do about each OS error a run directory meets. */
const HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full; free some space (or pick another --out) and resume the run with --resume',
  EDQUOT: 'the disk quota is used up; free some space (or pick another --out) and resume the run with --resume',
  EFBIG: 'the file is larger than this process may write (see `ulimit -f`); raise the limit and resume the run with --resume',
  EROFS: 'the file system is read-only; pick a writable folder with --out',
  EACCES: "permission denied; check the folder's owner and mode, or pick another folder with --out",
  EPERM: "the operation is not permitted; check the folder's owner and mode, or pick another folder with --out",
  EISDIR: 'a folder is where a file should be; move that folder away',
  ENOTDIR: 'a file is where a folder should be (this path or one of its parents); move that file away',
  ENOENT: 'it does not exist; check the path (was the run directory moved or deleted?)',
  EEXIST: 'it already exists; remove it or pick another name',
  EMFILE: 'too many open files; close other programs or raise `ulimit -n`',
  EIO: 'the device reported an I/O error; check the disk',
};

/** The OS error code of `err` (`ENOSPC`, …), if it is a system error. */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * Runs `fn`; an OS error becomes a {@link RunIOError} naming `path`, `operation` and what to do.
 * Errors that are not system errors (our own typed ones included) pass through unchanged.
 *
 * @example
 * guard(path, 'append to the metrics file', () => io.writeSync(fd, line));
 */
export function guard<T>(path: string, operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asRunIOError(err, path, operation);
  }
}

/** `err` as a {@link RunIOError} when it is an OS error, else `err` itself. */
export function asRunIOError(err: unknown, path: string, operation: string): unknown {
  const code = errorCode(err);
  if (code === undefined || err instanceof RunIOError) return err;
  return new RunIOError(path, operation, code, HINTS[code] ?? `the operating system refused (${err instanceof Error ? err.message : String(err)})`);
}

/** A temporary name beside `path`, unique to this process and call; {@link isTempName} knows it. */
let counter = 0;
export function tempPath(path: string): string {
  counter += 1;
  return join(dirname(path), `${TEMP_PREFIX}${process.pid}-${counter}-${basename(path)}`);
}

/** Every temp file and folder this module creates starts with this. */
export const TEMP_PREFIX = '.tmp-';

/** Whether a file name is one of {@link tempPath}'s. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

/**
 * fsyncs a directory, so a rename into it survives a power loss. Platforms that cannot open a
 * directory for fsync (Windows: EPERM/EISDIR; some file systems: EINVAL) skip it.
 */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch (err) {
    const code = errorCode(err);
    if (code !== 'EPERM' && code !== 'EISDIR' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF') throw asRunIOError(err, dir, 'flush the folder to disk');
  } finally {
    if (fd !== undefined) io.closeSync(fd);
  }
}

/**
 * Writes a file atomically: a temp file in the same folder, fsync, rename over `path`, fsync the
 * folder. A failure removes the temp file and throws a {@link RunIOError}; `path` is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  guard(dir, 'create the folder', () => io.mkdirSync(dir, { recursive: true }));
  const tmp = tempPath(path);
  try {
    const fd = guard(tmp, 'create a temporary file', () => io.openSync(tmp, 'wx'));
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      // writeSync may write less than asked (a signal, a pipe); loop until all bytes are out.
      while (written < bytes.byteLength) written += guard(tmp, `write ${basename(path)}`, () => io.writeSync(fd, bytes, written, bytes.byteLength - written));
      guard(tmp, `flush ${basename(path)} to disk`, () => io.fsyncSync(fd));
    } finally {
      io.closeSync(fd);
    }
    guard(path, 'replace the file', () => io.renameSync(tmp, path));
  } catch (err) {
    try {
      io.rmSync(tmp, { force: true });
    } catch {
      // The temp file is cleaned on the next start (cleanTempFiles); the first error is the one to report.
    }
    throw err;
  }
  fsyncDir(dir);
}

/** Writes JSON atomically, pretty-printed. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
