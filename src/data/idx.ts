import { DataError } from '../errors.ts';

/**
 * The element types the IDX format defines, by the type byte of its magic number (LeCun's MNIST
 * page: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64;
 * multi-byte values are big-endian).
 */
export const IDX_TYPES = {
  0x08: { name: 'ubyte', bytes: 1 },
  0x09: { name: 'byte', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

/** An IDX element type's name. */
export type IdxTypeName = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** A parsed IDX file: its element type, its dimensions and its values in row-major order. */
export interface IdxArray {
  readonly type: IdxTypeName;
  /** Sizes of each dimension, outermost first, e.g. `[60000, 28, 28]`. */
  readonly dims: readonly number[];
  /**
   * The values. For `ubyte` this is a view into the input bytes (no copy: 47 MB of MNIST stays one
   * buffer); the other types are decoded from big-endian into a fresh array of their own type.
   */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses an IDX file (the format of the MNIST distribution): a magic number `0x00 0x00 type dims`,
 * `dims` big-endian uint32 sizes, then exactly `∏ sizes` values. Anything else — a wrong magic, an
 * unknown type byte, zero dims, a truncated body or trailing bytes — is a {@link DataError} naming
 * `source` and what is wrong, so a corrupt download never turns into silently shifted images.
 *
 * @example
 * const images = parseIdx(readFileSync(path), path); // { type: 'ubyte', dims: [60000, 28, 28], data }
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(`not an IDX file: ${bytes.length} byte(s), the magic number alone needs 4`, source);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      `not an IDX file: the magic number must start with 0x00 0x00, got 0x${hex(bytes[0])} 0x${hex(bytes[1])}` +
        (bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this is a gzip file; decompress it first)' : ''),
      source,
    );
  }
  const typeByte = bytes[2];
  const type = typeByte in IDX_TYPES ? IDX_TYPES[typeByte as keyof typeof IDX_TYPES] : undefined;
  if (!type) {
    throw new DataError(
      `unknown IDX data type 0x${hex(typeByte)}; allowed: 0x08 ubyte, 0x09 byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64`,
      source,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new DataError('IDX header declares 0 dimensions', source);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(`truncated IDX header: ${rank} dimension(s) need ${headerBytes} bytes, the file has ${bytes.length}`, source);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    dims.push(size);
    count *= size;
  }
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new DataError(
      `IDX file ${what}: dims [${dims.join(', ')}] of ${type.name} need ${expected} bytes, the file has ${bytes.length}`,
      source,
    );
  }
  return { type: type.name, dims: Object.freeze(dims), data: decode(view, bytes, headerBytes, count, type.name) };
}

function decode(view: DataView, bytes: Uint8Array, offset: number, count: number, type: IdxTypeName): IdxArray['data'] {
  switch (type) {
    case 'ubyte':
      return bytes.subarray(offset, offset + count);
    case 'byte':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
