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

const decoder = new TextDecoder();

/** A NUL-terminated text field of a header. */
function text(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * The regular files of a ustar (or GNU/POSIX tar, as `tar -cf` writes them) archive, with their
 * paths (ustar's prefix joined on). Directories, links and pax headers are skipped. A truncated
 * archive or a header whose checksum does not add up is refused, naming where.
 */
export function untar(archive: Uint8Array, name = 'the archive'): TarFile[] {
  const files: TarFile[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= archive.length) {
    const h = archive.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const stored = parseInt(text(h, 148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (stored !== sum) throw new Error(`${name}: not a tar archive (the header at byte ${at} has checksum ${stored}, its bytes add up to ${sum})`);
    const size = parseInt(text(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 0x30);
    const start = at + BLOCK;
    if (start + size > archive.length) throw new Error(`${name}: truncated (an entry at byte ${at} needs ${size} bytes, ${archive.length - start} are left)`);
    const data = archive.slice(start, start + size);
    if (type === 'L') longName = text(data, 0, data.length);
    else {
      const prefix = text(h, 345, 155);
      const path = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
      longName = undefined;
      if (type === '0' || type === '7') files.push({ path, data });
    }
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
