import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { dejavuFontFiles } from '../../src/node/render.ts';
import { fontMetrics } from '../../src/report/text-metrics.ts';

const file = (name: string) => dejavuFontFiles().find((f) => f.endsWith(`/${name}`))!;

/** Advance width of `ch` as resvg lays it out: ink width of 20 copies minus 10 copies, over 10. */
function resvgAdvance(ch: string, weight: string): number {
  const ink = (n: number) =>
    new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="200"><text x="10" y="100" font-family="DejaVu Sans" font-weight="${weight}" font-size="100">${ch.repeat(n)}</text></svg>`, {
      font: { fontFiles: dejavuFontFiles(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    }).getBBox()!.width;
  return (ink(20) - ink(10)) / 10;
}

describe('fontMetrics', () => {
  it.each(['W', 'i', 'm', '0', '−', '‖', '∇', 'σ'])('advance of %s matches what resvg draws (regular and bold)', (ch) => {
    expect(fontMetrics(readFileSync(file('DejaVuSans.ttf'))).width(ch, 100)).toBeCloseTo(resvgAdvance(ch, 'normal'), 3);
    expect(fontMetrics(readFileSync(file('DejaVuSans-Bold.ttf'))).width(ch, 100)).toBeCloseTo(resvgAdvance(ch, 'bold'), 3);
  });

  it('widths add over characters and scale with the font size', () => {
    const sans = fontMetrics(readFileSync(file('DejaVuSans.ttf')));
    expect(sans.width('step 1,000', 12)).toBeCloseTo([...'step 1,000'].reduce((a, c) => a + sans.width(c, 12), 0), 9);
    expect(sans.width('loss', 24)).toBeCloseTo(2 * sans.width('loss', 12), 9);
    expect(sans.width('', 12)).toBe(0);
  });

  it('rejects bytes that are not a TrueType font', () => {
    expect(() => fontMetrics(new Uint8Array(64))).toThrow(/no head table/);
  });
});
