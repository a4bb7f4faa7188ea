import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng, renderSvg, svgToPixels } from '../../src/node/render.ts';
import { lossChart, scatterChart } from '../../src/report/index.ts';
import { syntheticSnapshot, syntheticSteps } from '../report/fixtures.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no size on the svg element');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Share of dark pixels (all channels < 100) in a box of an RGBA image. */
function darkShare(img: { width: number; pixels: Uint8Array }, box: { x0: number; y0: number; x1: number; y1: number }): number {
  let dark = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = 4 * (y * img.width + x);
      if (img.pixels[i] < 100 && img.pixels[i + 1] < 100 && img.pixels[i + 2] < 100) dark++;
    }
  }
  return dark / ((box.x1 - box.x0) * (box.y1 - box.y0));
}

const spec = lossChart(syntheticSteps(300, 'score'), { lossUnit: 'critic units' });

describe('renderSvg', () => {
  it('draws axis titles, legend labels and the title as text in DejaVu Sans', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['loss (critic units)', 'step (generator updates)', 'D penalty (part of D loss)', 'G loss', 'Losses']) expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).not.toMatch(/font-family="(sans-serif|Helvetica|Arial)"/);
  });

  it('forces DejaVu Sans even when a spec asks for another font', async () => {
    const other = { ...spec, config: { ...spec.config, font: 'Comic Sans MS' } } as TopLevelSpec;
    expect(await renderSvg(other)).not.toContain('Comic Sans');
  });
});

describe('renderPng', () => {
  it.each([1, 2, 1.5])('scale %d: a PNG of the SVG size × scale', async (scale) => {
    const [svg, png] = await Promise.all([renderSvg(spec), renderPng(spec, { scale })]);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const s = svgSize(svg);
    expect(pngSize(png)).toEqual({ width: Math.round(s.width * scale), height: Math.round(s.height * scale) });
  });

  it('defaults to scale 2', async () => {
    const svg = await renderSvg(spec);
    expect(pngSize(await renderPng(spec)).width).toBe(Math.round(svgSize(svg).width * 2));
  });

  it('text is drawn: the title area has glyph pixels, without any system font', async () => {
    const chart = (title: string): TopLevelSpec => ({ title, width: 200, height: 40, data: { values: [] }, mark: 'point' });
    const box = { x0: 0, y0: 0, x1: 200, y1: 36 };
    // The title sits top-left, above an empty plot: dark pixels there can only be its glyphs.
    expect(darkShare(svgToPixels(await renderSvg(chart('Mode collapse')), { scale: 2 }), box)).toBeGreaterThan(0.03);
    expect(darkShare(svgToPixels(await renderSvg(chart('')), { scale: 2 }), box)).toBe(0);
  });

  it('lays out labels with the real glyph widths: a legend entry is as wide as its text', async () => {
    const svg = await renderSvg(spec);
    // Each legend entry is a group whose background path is as wide as symbol + label.
    const entry = svg.split('class="background"').find((chunk) => chunk.includes('>D penalty (part of D loss)</text>'));
    const width = Number(/d="M0,0h([\d.]+)v/.exec(entry ?? '')?.[1]);
    // 16 px of symbol and padding + 151.4 px of DejaVu Sans 12 px text; vega's own guess
    // (0.8 em per character) would make it 16 + 249.6.
    expect(width).toBeCloseTo(16 + 151.37, 1);
  });

  it('renders a scatter over a decision surface', async () => {
    const png = await renderPng(scatterChart(syntheticSnapshot(100, 100, 2, 'logit', 100)), { scale: 1 });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png).width).toBeGreaterThan(380);
  });
});
