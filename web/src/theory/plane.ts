/**
 * A two-player game's parameter plane on a canvas: the vector field as grey arrows, the
 * trajectory in colour (hollow dot at the start, filled dot at the end), the equilibrium as a
 * cross. A click sets the start. Draws what it is given; computes nothing of the game.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { FieldArrow, GamePoint } from '../../../src/theory/index.ts';
import { clipTo, drawFrame, plotBox, prepareCanvas } from './canvas.ts';
import { drawablePrefix } from './choices.ts';
import { plotMap, roundForWindow, type PlotMap } from './scales.ts';

/** Canvas size in CSS pixels: the plotting area inside the margins is square. */
export const PLANE_WIDTH = 430;
export const PLANE_HEIGHT = 418;

interface Props {
  testId: string;
  /** The window is [−extent, extent]² around the equilibrium (0, 0). */
  extent: number;
  path: readonly GamePoint[];
  arrows: readonly FieldArrow[];
  color: string;
  xTitle: string;
  yTitle: string;
  /** A click on the plotting area, in data coordinates rounded to the window's scale. */
  onPick(start: GamePoint): void;
}

function drawArrows(ctx: CanvasRenderingContext2D, map: PlotMap, arrows: readonly FieldArrow[]): void {
  ctx.strokeStyle = '#b4b4b4';
  ctx.lineWidth = 1.1;
  ctx.beginPath();
  for (const a of arrows) {
    const x0 = map.px(a.x);
    const y0 = map.py(a.y);
    const x1 = map.px(a.x2);
    const y1 = map.py(a.y2);
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len < 2) continue;
    const ux = (x1 - x0) / len;
    const uy = (y1 - y0) / len;
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 5 * ux + 3 * uy, y1 - 5 * uy - 3 * ux);
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 5 * ux - 3 * uy, y1 - 5 * uy + 3 * ux);
  }
  ctx.stroke();
}

function drawPath(ctx: CanvasRenderingContext2D, map: PlotMap, path: readonly GamePoint[], color: string): void {
  if (path.length === 0) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(map.px(path[0].x), map.py(path[0].y));
  for (const p of path.slice(1)) ctx.lineTo(map.px(p.x), map.py(p.y));
  ctx.stroke();
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, color: string, filled: boolean): void {
  ctx.beginPath();
  ctx.arc(x, y, 5, 0, 2 * Math.PI);
  ctx.lineWidth = 2;
  ctx.strokeStyle = color;
  ctx.fillStyle = filled ? color : '#ffffff';
  ctx.fill();
  ctx.stroke();
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.strokeStyle = '#111';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x - 6, y - 6);
  ctx.lineTo(x + 6, y + 6);
  ctx.moveTo(x - 6, y + 6);
  ctx.lineTo(x + 6, y - 6);
  ctx.stroke();
}

/** The plane canvas. */
export function Plane({ testId, extent, path, arrows, color, xTitle, yTitle, onPick }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = plotBox(PLANE_WIDTH, PLANE_HEIGHT);
  const drawn = path.slice(0, drawablePrefix(path, extent));

  useEffect(() => {
    const ctx = prepareCanvas(canvas.current!, PLANE_WIDTH, PLANE_HEIGHT);
    const map = drawFrame(ctx, box, { xDomain: [-extent, extent], yDomain: [-extent, extent], xTitle, yTitle });
    clipTo(ctx, box);
    drawArrows(ctx, map, arrows);
    drawPath(ctx, map, drawn, color);
    cross(ctx, map.px(0), map.py(0));
    const first = drawn[0];
    const last = drawn[drawn.length - 1];
    if (last && drawn.length === path.length) dot(ctx, map.px(last.x), map.py(last.y), color, true);
    if (first) dot(ctx, map.px(first.x), map.py(first.y), color, false);
    ctx.restore();
  }, [extent, path, arrows, color, xTitle, yTitle]);

  const pick = (e: PointerEvent) => {
    const el = canvas.current!;
    const rect = el.getBoundingClientRect();
    // Inside the border: the drawing starts at clientLeft/clientTop.
    const px = ((e.clientX - rect.left - el.clientLeft) / el.clientWidth) * PLANE_WIDTH;
    const py = ((e.clientY - rect.top - el.clientTop) / el.clientHeight) * PLANE_HEIGHT;
    if (px < box.left || px > box.left + box.width || py < box.top || py > box.top + box.height) return;
    const p = plotMap([-extent, extent], [-extent, extent], box).data(px, py);
    onPick({ x: roundForWindow(p.x, extent), y: roundForWindow(p.y, extent) });
  };

  const end = path[path.length - 1];
  return html`<canvas
    ref=${canvas}
    class="plane"
    data-testid=${testId}
    data-extent=${extent}
    data-points=${path.length}
    data-drawn=${drawn.length}
    data-end=${end ? `${end.x},${end.y}` : ''}
    title="click to start the trajectory here"
    style=${{ width: `${PLANE_WIDTH}px`, height: `${PLANE_HEIGHT}px` }}
    onPointerDown=${pick}
  ></canvas>`;
}
