/**
 * Text widths from a TrueType font's own advance widths. Vega lays out labels, legends and titles
 * from text widths; in a browser it asks a canvas, but headless it guesses 0.8 em per character,
 * which leaves wide gaps in legends and off-centre titles. Reading `cmap`/`hmtx` of the TTF that
 * will draw the text gives the real widths (kerning aside). Pure: bytes in, numbers out.
 */

/** Advance widths of one font, in em (multiply by the font size for pixels). */
export interface FontMetrics {
  /** Width of `text` at `fontSize` pixels. */
  width(text: string, fontSize: number): number;
}

function tableOffsets(view: DataView): Map<string, number> {
  const tables = new Map<string, number>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    tables.set(tag, view.getUint32(at + 8));
  }
  return tables;
}

/** The offset of the Unicode BMP (format 4) character map, the one every TTF has. */
function bmpCmap(view: DataView, cmap: number): number {
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + view.getUint32(cmap + 8 + 8 * i);
    if ((platform === 3 && encoding === 1) || platform === 0) {
      if (view.getUint16(sub) === 4) return sub;
    }
  }
  throw new Error('font has no format-4 Unicode cmap');
}

function glyphIndex(view: DataView, sub: number, code: number): number {
  if (code > 0xffff) return 0;
  const segCount = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  for (let i = 0; i < segCount; i++) {
    if (view.getUint16(ends + 2 * i) < code) continue;
    const start = view.getUint16(starts + 2 * i);
    if (start > code) return 0;
    const delta = view.getInt16(deltas + 2 * i);
    const rangeOffset = view.getUint16(rangeOffsets + 2 * i);
    if (rangeOffset === 0) return (code + delta) & 0xffff;
    const glyph = view.getUint16(rangeOffsets + 2 * i + rangeOffset + 2 * (code - start));
    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  }
  return 0;
}

/**
 * Reads a TTF's advance widths.
 *
 * @example
 * const sans = fontMetrics(readFileSync('DejaVuSans.ttf'));
 * sans.width('step', 12); // ≈ 26.9
 */
export function fontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = tableOffsets(view);
  const need = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font has no ${tag} table`);
    return at;
  };
  const unitsPerEm = view.getUint16(need('head') + 18);
  const metricsCount = view.getUint16(need('hhea') + 34);
  const hmtx = need('hmtx');
  const cmap = bmpCmap(view, need('cmap'));
  const cache = new Map<number, number>();
  const advance = (code: number): number => {
    let em = cache.get(code);
    if (em === undefined) {
      const glyph = Math.min(glyphIndex(view, cmap, code), metricsCount - 1);
      em = view.getUint16(hmtx + 4 * glyph) / unitsPerEm;
      cache.set(code, em);
    }
    return em;
  };
  return {
    width(text, fontSize) {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0) ?? 0);
      return em * fontSize;
    },
  };
}
