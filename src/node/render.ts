/**
 * Renders vega-lite specs to SVG (vega's headless view) and PNG (resvg). Text is drawn with the
 * DejaVu TTFs shipped in `dejavu-fonts-ttf`, never system fonts, so a PNG looks the same on every
 * machine, including ones with no fonts installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fontMetrics, type FontMetrics, FONT } from '../report/index.ts';

/** A text item as vega's layout measures it. */
interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

// vega exports `textMetrics` (the hook vega uses to measure text) but its typings leave it out.
declare module 'vega' {
  export const textMetrics: { width(item: TextItem, text?: unknown): number };
}

/** Options of {@link renderPng}. */
export interface PngOptions {
  /** Device pixels per CSS pixel of the chart (default 2: sharp on high-DPI screens and in print). */
  scale?: number;
}

let fontFiles: string[] | undefined;

/** The DejaVu Sans TTFs (regular, bold, oblique…): vega titles are bold, so one file is not enough. */
export function dejavuFontFiles(): string[] {
  if (!fontFiles) {
    // The package has no `exports` map or entry point; its README is a file we can resolve.
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/README.md')), 'ttf');
    fontFiles = readdirSync(dir)
      .filter((f) => /^DejaVuSans(-[A-Za-z]+)?\.ttf$/.test(f))
      .map((f) => join(dir, f));
  }
  return fontFiles;
}

let metricsInstalled = false;

/**
 * Makes vega measure text with DejaVu Sans's real advance widths (bold for bold items) instead of
 * its 0.8-em-per-character guess, so legends, titles and label-overlap checks fit the drawn text.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const files = dejavuFontFiles();
  const load = (name: string): FontMetrics => fontMetrics(readFileSync(files.find((f) => f.endsWith(`/${name}`)) ?? files[0]));
  const regular = load('DejaVuSans.ttf');
  const bold = load('DejaVuSans-Bold.ttf');
  vega.textMetrics.width = (item, text) => {
    const line = String(text ?? item.text ?? '').trim();
    const size = item.fontSize ?? 11;
    const heavy = item.fontWeight === 'bold' || (typeof item.fontWeight === 'number' && item.fontWeight >= 600);
    const width = (heavy ? bold : regular).width(line, size);
    // Vega truncates labels to `limit` with this same function: the drawn text is never wider.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  metricsInstalled = true;
}

/**
 * A vega-lite spec as an SVG string. The chart's font is forced to DejaVu Sans, the font the PNG
 * renderer has, so vega measures and places labels for the glyphs that will actually be drawn.
 *
 * @example
 * const svg = await renderSvg(lossChart(steps));
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  const withFont = { ...spec, config: { ...spec.config, font: FONT } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withFont).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A vega-lite spec as PNG bytes, `scale` device pixels per chart pixel: the PNG is
 * `round(svgWidth · scale) × round(svgHeight · scale)`.
 */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}

function rasterize(svg: string, options: PngOptions) {
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    font: { fontFiles: dejavuFontFiles(), loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
    logLevel: 'off',
  }).render();
}

/** Rasterizes an SVG (e.g. one from {@link renderSvg}) to PNG bytes with the DejaVu fonts. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  return new Uint8Array(rasterize(svg, options).asPng());
}

/** Rasterizes an SVG to RGBA pixels (row-major, 4 bytes each): for checks on what was drawn. */
export function svgToPixels(svg: string, options: PngOptions = {}): { width: number; height: number; pixels: Uint8Array } {
  const image = rasterize(svg, options);
  return { width: image.width, height: image.height, pixels: new Uint8Array(image.pixels) };
}
