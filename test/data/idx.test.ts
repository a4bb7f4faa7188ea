import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/data/index.ts';
import { DataError } from '../../src/errors.ts';

/** An IDX file: magic 0x00 0x00 type rank, big-endian uint32 dims, then `body`. */
function idx(type: number, dims: number[], body: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('reads ubyte dims and values as a view into the input', () => {
    const bytes = idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
    const parsed = parseIdx(bytes, 'a.idx');
    expect(parsed.type).toBe('ubyte');
    expect(parsed.dims).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(parsed.data.buffer).toBe(bytes.buffer);
  });

  it('decodes big-endian int16, int32, float32, float64 and signed bytes', () => {
    expect(Array.from(parseIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00]), 's').data)).toEqual([-2, 256]);
    expect(Array.from(parseIdx(idx(0x0c, [1], [0x00, 0x01, 0x00, 0x02]), 'i').data)).toEqual([65538]);
    expect(Array.from(parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0x00, 0x00]), 'f').data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idx(0x0e, [1], [0xc0, 0x04, 0, 0, 0, 0, 0, 0]), 'd').data)).toEqual([-2.5]);
    expect(Array.from(parseIdx(idx(0x09, [2], [0xff, 0x7f]), 'b').data)).toEqual([-1, 127]);
  });

  it.each([
    ['wrong magic', Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 1, 7), 'x.idx: not an IDX file: the magic number must start with 0x00 0x00, got 0x01 0x00'],
    ['gzip', Uint8Array.of(0x1f, 0x8b, 8, 0, 0), 'x.idx: not an IDX file: the magic number must start with 0x00 0x00, got 0x1f 0x8b (this is a gzip file; decompress it first)'],
    ['too short', Uint8Array.of(0, 0), 'x.idx: not an IDX file: 2 byte(s), the magic number alone needs 4'],
    ['unknown type', idx(0x0a, [1], [1]), 'x.idx: unknown IDX data type 0x0a; allowed: 0x08 ubyte, 0x09 byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64'],
    ['rank 0', Uint8Array.of(0, 0, 8, 0), 'x.idx: IDX header declares 0 dimensions'],
    ['truncated header', Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2), 'x.idx: truncated IDX header: 3 dimension(s) need 16 bytes, the file has 8'],
    ['truncated body', idx(0x08, [2, 2], [1, 2, 3]), 'x.idx: IDX file truncated: dims [2, 2] of ubyte need 16 bytes, the file has 15'],
    ['extra bytes', idx(0x08, [2, 2], [1, 2, 3, 4, 5]), 'x.idx: IDX file has trailing bytes: dims [2, 2] of ubyte need 16 bytes, the file has 17'],
    ['truncated int32', idx(0x0c, [2], [0, 0, 0, 1, 0, 0]), 'x.idx: IDX file truncated: dims [2] of int32 need 16 bytes, the file has 14'],
  ])('rejects %s with a DataError naming the file', (_, bytes, message) => {
    let caught: unknown;
    try {
      parseIdx(bytes, 'x.idx');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as DataError).message).toBe(message);
    expect((caught as DataError).path).toBe('x.idx');
  });
});
