/**
 * A POSIX ustar archive of in-memory files: how the lab hands a whole run directory to the
 * browser's download in one file (`tar -xf` unpacks it; no compression, so no dependency).
 */

/** One file of the archive: its path inside it (`/`-separated, at most 100 bytes) and its bytes. */
export interface TarFile {
  path: string;
  data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function field(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar: '${value}' does not fit in ${length} bytes`);
  header.set(bytes, offset);
}

/** An octal number, zero-padded to `length − 1` digits and NUL-terminated, as ustar writes sizes and times. */
function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function header(file: TarFile, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  if (encoder.encode(file.path).length > 100) throw new Error(`tar: path '${file.path}' is longer than 100 bytes`);
  field(h, 0, 100, file.path);
  field(h, 100, 8, octal(0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(file.data.length, 12));
  field(h, 136, 12, octal(mtime, 12));
  field(h, 156, 1, '0');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  // The checksum is the byte sum of the header with its own field read as eight spaces.
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** The archive of `files`, each padded to whole blocks, closed by two empty blocks. */
export function tar(files: readonly TarFile[], mtime = Math.floor(Date.now() / 1000)): Uint8Array<ArrayBuffer> {
  const size = files.reduce((n, f) => n + BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK, 2 * BLOCK);
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of files) {
    out.set(header(f, mtime), at);
    at += BLOCK;
    out.set(f.data, at);
    at += Math.ceil(f.data.length / BLOCK) * BLOCK;
  }
  return out;
}
