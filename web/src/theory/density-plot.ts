/**
 * Two 1-D distributions on a canvas: densities as filled curves, point masses (Diracs) as arrows
 * of height 1. The fixed one (p, "real") in green, the shifted one (q, "generated") in purple, as
 * in the lab.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { linspace } from '../../../src/theory/index.ts';
import { clipTo, drawFrame, plotBox, prepareCanvas } from './canvas.ts';
import type { Distribution } from './choices.ts';
import type { PlotMap } from './scales.ts';

export const DENSITY_WIDTH = 430;
export const DENSITY_HEIGHT = 200;
const SAMPLES = 600;

const P_COLOR = [46, 160, 67] as const;
const Q_COLOR = [142, 68, 173] as const;
const rgba = (c: readonly number[], a: number) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

interface Props {
  testId: string;
  window: readonly [number, number];
  p: Distribution;
  q: Distribution;
}

/** Where to evaluate a density: an even grid plus both sides of each jump, so edges stay sharp. */
function samplePoints(window: readonly [number, number], d: Distribution): number[] {
  const grid = linspace(window[0], window[1], SAMPLES);
  if (d.kind !== 'density') return grid;
  const jumps = (d.density.breakpoints ?? []).flatMap((b) => [b - 1e-9, b + 1e-9]);
  return [...grid, ...jumps].filter((x) => x >= window[0] && x <= window[1]).sort((a, b) => a - b);
}

function peak(window: readonly [number, number], d: Distribution): number {
  return d.kind === 'density' ? Math.max(...samplePoints(window, d).map((x) => d.density(x))) : 1;
}

function drawDistribution(ctx: CanvasRenderingContext2D, map: PlotMap, window: readonly [number, number], d: Distribution, color: readonly number[]): void {
  ctx.lineWidth = 2;
  ctx.strokeStyle = rgba(color, 0.95);
  ctx.fillStyle = rgba(color, 0.22);
  if (d.kind === 'atom') {
    const x = map.px(d.at);
    const top = map.py(1);
    ctx.beginPath();
    ctx.moveTo(x, map.py(0));
    ctx.lineTo(x, top);
    ctx.stroke();
    ctx.fillStyle = rgba(color, 0.95);
    ctx.beginPath();
    ctx.moveTo(x, top - 2);
    ctx.lineTo(x - 5, top + 8);
    ctx.lineTo(x + 5, top + 8);
    ctx.closePath();
    ctx.fill();
    return;
  }
  const xs = samplePoints(window, d);
  ctx.beginPath();
  ctx.moveTo(map.px(xs[0]), map.py(0));
  for (const x of xs) ctx.lineTo(map.px(x), map.py(d.density(x)));
  ctx.lineTo(map.px(xs[xs.length - 1]), map.py(0));
  ctx.closePath();
  ctx.fill();
  ctx.beginPath();
  xs.forEach((x, i) => (i === 0 ? ctx.moveTo(map.px(x), map.py(d.density(x))) : ctx.lineTo(map.px(x), map.py(d.density(x)))));
  ctx.stroke();
}

/** The two distributions of a shifted family at the current shift. */
export function DensityPlot({ testId, window, p, q }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const atoms = p.kind === 'atom';
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current!, DENSITY_WIDTH, DENSITY_HEIGHT);
    const box = plotBox(DENSITY_WIDTH, DENSITY_HEIGHT);
    const top = 1.15 * Math.max(peak(window, p), peak(window, q));
    const map = drawFrame(ctx, box, { xDomain: window, yDomain: [0, top], xTitle: 'x', yTitle: atoms ? 'mass' : 'density', yTicks: 3, xTicks: 8 });
    clipTo(ctx, box);
    drawDistribution(ctx, map, window, p, P_COLOR);
    drawDistribution(ctx, map, window, q, Q_COLOR);
    ctx.restore();
  }, [window[0], window[1], p, q]);
  return html`<canvas ref=${canvas} class="densities" data-testid=${testId} style=${{ width: `${DENSITY_WIDTH}px`, height: `${DENSITY_HEIGHT}px` }}></canvas>`;
}
