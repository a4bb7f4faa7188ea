/**
 * Canvas plumbing shared by the theory pages' plots: a crisp canvas at the device's pixel ratio,
 * and a framed plotting area with round ticks, grid lines and axis titles.
 */
import { niceTicks, plotMap, type Box, type PlotMap } from './scales.ts';

/** Space around the plotting area for tick labels and axis titles, in CSS pixels. */
export const MARGIN = { left: 50, right: 12, top: 10, bottom: 40 } as const;

const FONT = '11px system-ui, sans-serif';
const TITLE_FONT = '12px system-ui, sans-serif';

/** Sizes `el` to width × height CSS pixels at the device pixel ratio; returns a context in CSS pixels. */
export function prepareCanvas(el: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  el.width = Math.round(width * dpr);
  el.height = Math.round(height * dpr);
  const ctx = el.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/** The plotting area of a width × height canvas, inside {@link MARGIN}. */
export function plotBox(width: number, height: number): Box {
  return { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: height - MARGIN.top - MARGIN.bottom };
}

/** What {@link drawFrame} draws around a plot. */
export interface FrameOptions {
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTitle: string;
  readonly yTitle: string;
  /** Tick counts to aim for (default 5 each). */
  readonly xTicks?: number;
  readonly yTicks?: number;
}

/**
 * The frame of a plot: light grid lines at round ticks, the axes through 0 a little darker, tick
 * labels and axis titles. Returns the data ↔ pixel map of the plotting area.
 */
export function drawFrame(ctx: CanvasRenderingContext2D, box: Box, options: FrameOptions): PlotMap {
  const map = plotMap(options.xDomain, options.yDomain, box);
  const xs = niceTicks(options.xDomain[0], options.xDomain[1], options.xTicks ?? 5);
  const ys = niceTicks(options.yDomain[0], options.yDomain[1], options.yTicks ?? 5);
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  ctx.fillStyle = '#fcfcfc';
  ctx.fillRect(box.left, box.top, box.width, box.height);
  ctx.lineWidth = 1;
  const rule = (x0: number, y0: number, x1: number, y1: number, color: string) => {
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  };
  for (const x of xs) rule(map.px(x), box.top, map.px(x), bottom, x === 0 ? 'rgba(0,0,0,0.3)' : 'rgba(0,0,0,0.07)');
  for (const y of ys) rule(box.left, map.py(y), right, map.py(y), y === 0 ? 'rgba(0,0,0,0.3)' : 'rgba(0,0,0,0.07)');
  ctx.strokeStyle = '#999';
  ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.width - 1, box.height - 1);

  ctx.fillStyle = '#444';
  ctx.font = FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const x of xs) ctx.fillText(tickLabel(x), map.px(x), bottom + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const y of ys) ctx.fillText(tickLabel(y), box.left - 5, map.py(y));

  ctx.fillStyle = '#222';
  ctx.font = TITLE_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(options.xTitle, box.left + box.width / 2, bottom + 36);
  ctx.save();
  ctx.translate(12, box.top + box.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(options.yTitle, 0, 0);
  ctx.restore();
  return map;
}

/** Restricts drawing to the plotting area until the matching `ctx.restore()`. */
export function clipTo(ctx: CanvasRenderingContext2D, box: Box): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();
}

/** A tick value as short text: −1.5, 0, 0.25, 1e+3. */
function tickLabel(v: number): string {
  const text = Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(0) : String(v);
  return text.replace('-', '−');
}
