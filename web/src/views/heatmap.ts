/**
 * Real and generated samples over D's decision surface (GAN Lab's main view), drawn on a canvas
 * from the latest snapshot. In draw mode a click or drag adds points of the user's own
 * distribution, in data coordinates.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { SampleSnapshot } from '../core.ts';
import type { Manifold } from '../protocol.ts';

/** Canvas side in CSS pixels. */
export const SIDE = 440;
/** Half-width of the square view in draw mode, so drawn points stay where they were put. */
export const DRAW_HALF = 3;

const REAL = [46, 160, 67] as const;
const FAKE = [142, 68, 173] as const;
const MID = [247, 247, 247] as const;

/** The colour of a surface value in [0, 1]: 0 fake-like (purple), 1 real-like (green). */
function shade(v: number): readonly [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const [a, b, u] = t < 0.5 ? [FAKE, MID, t / 0.5] : [MID, REAL, (t - 0.5) / 0.5];
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

/**
 * The surface as values in [0, 1] where 1 reads "real": probabilities as they are; critic scores
 * rescaled over the grid; energies (BEGAN, lower is more real) rescaled and flipped.
 */
export function surfaceLevels(surface: NonNullable<SampleSnapshot['surface']>): number[][] {
  const rows = surface.d.map((row) => (Array.isArray(row) ? row : [row]));
  if (surface.output === 'logit') return rows;
  const flat = rows.flat();
  const lo = Math.min(...flat);
  const span = Math.max(...flat) - lo || 1;
  return rows.map((row) => row.map((v) => (surface.output === 'energy' ? 1 - (v - lo) / span : (v - lo) / span)));
}

/** The half-width of a square view around 0 holding every point of the snapshot, with a margin. */
export function viewHalf(snapshot: SampleSnapshot): number {
  let m = 1;
  for (const p of snapshot.real) m = Math.max(m, Math.abs(p[0]), Math.abs(p[1]));
  return Math.ceil(m * 1.3 * 2) / 2;
}

/** Arrows on up to {@link ARROWS} generated points; the longest is {@link ARROW_PX}, the rest in proportion. */
const ARROWS = 160;
const ARROW_PX = 22;

function arrows(ctx: CanvasRenderingContext2D, fake: readonly number[][], pushes: readonly number[][], px: (x: number) => number, py: (y: number) => number): void {
  const count = Math.min(ARROWS, pushes.length);
  let longest = 0;
  for (let i = 0; i < count; i++) longest = Math.max(longest, Math.hypot(pushes[i][0], pushes[i][1]));
  if (!(longest > 0)) return;
  ctx.strokeStyle = 'rgba(40,20,60,0.8)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < count; i++) {
    const [gx, gy] = pushes[i];
    const x0 = px(fake[i][0]);
    const y0 = py(fake[i][1]);
    // Screen y grows downwards.
    const dx = (gx / longest) * ARROW_PX;
    const dy = (-gy / longest) * ARROW_PX;
    const len = Math.hypot(dx, dy);
    if (len < 1.5) continue;
    const x1 = x0 + dx;
    const y1 = y0 + dy;
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    const ux = dx / len;
    const uy = dy / len;
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 4 * ux + 2.5 * uy, y1 - 4 * uy - 2.5 * ux);
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 4 * ux - 2.5 * uy, y1 - 4 * uy + 2.5 * ux);
  }
  ctx.stroke();
}

/** G's manifold as a warped grid: the images of z's grid lines (GAN Lab's view of how G folds the noise). */
function manifoldLines(ctx: CanvasRenderingContext2D, manifold: Manifold, px: (x: number) => number, py: (y: number) => number): void {
  const { grid } = manifold;
  ctx.strokeStyle = 'rgba(90,40,120,0.45)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  const line = (pts: number[][]) => pts.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p[0]), py(p[1])) : ctx.lineTo(px(p[0]), py(p[1]))));
  for (const row of grid) line(row);
  if (grid.length > 1) for (let j = 0; j < grid[0].length; j++) line(grid.map((row) => row[j]));
  ctx.stroke();
}

interface Props {
  snapshot?: SampleSnapshot;
  /** G's manifold, drawn under the samples when given. */
  manifold?: Manifold;
  /** A file dropped on the canvas (a points CSV or JSON to train on). */
  onDropFile?(file: File): void;
  /** Half-width of the square data region shown. */
  half: number;
  /** Per generated point, the direction G's loss pushes it (drawn as arrows when given). */
  pushes?: number[][];
  drawing: boolean;
  drawn: number[][];
  onDraw(point: [number, number]): void;
}

/** The decision-surface canvas. */
export function Heatmap({ snapshot, manifold, pushes, half, drawing, drawn, onDraw, onDropFile }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lastDraw = useRef<[number, number] | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = SIDE * dpr;
    el.height = SIDE * dpr;
    const ctx = el.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = 'rgb(247,247,247)';
    ctx.fillRect(0, 0, SIDE, SIDE);
    const px = (x: number) => ((x + half) / (2 * half)) * SIDE;
    const py = (y: number) => ((half - y) / (2 * half)) * SIDE;
    const surface = snapshot?.surface;
    if (surface?.y && !drawing) {
      const levels = surfaceLevels(surface);
      const nx = surface.x.length;
      const ny = surface.y.length;
      const image = new ImageData(nx, ny);
      // Row 0 of the image is the top of the canvas: the largest y.
      for (let i = 0; i < ny; i++)
        for (let j = 0; j < nx; j++) {
          const [r, g, b] = shade(levels[ny - 1 - i][j]);
          image.data.set([r, g, b, 255], (i * nx + j) * 4);
        }
      const tile = new OffscreenCanvas(nx, ny);
      tile.getContext('2d')!.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      const x0 = px(surface.x[0]);
      const x1 = px(surface.x[nx - 1]);
      const y0 = py(surface.y[ny - 1]);
      const y1 = py(surface.y[0]);
      ctx.drawImage(tile, x0, y0, x1 - x0, y1 - y0);
    }
    ctx.strokeStyle = 'rgba(0,0,0,0.12)';
    ctx.beginPath();
    ctx.moveTo(px(0), 0);
    ctx.lineTo(px(0), SIDE);
    ctx.moveTo(0, py(0));
    ctx.lineTo(SIDE, py(0));
    ctx.stroke();
    const dots = (pts: readonly number[][], fill: string, stroke: string, r: number) => {
      ctx.fillStyle = fill;
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 0.8;
      for (const p of pts) {
        ctx.beginPath();
        ctx.arc(px(p[0]), py(p[1]), r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    };
    if (drawing) dots(drawn, 'rgba(46,160,67,0.9)', 'rgba(0,60,20,0.9)', 3.5);
    else if (snapshot) {
      if (manifold) manifoldLines(ctx, manifold, px, py);
      dots(snapshot.real, 'rgba(46,160,67,0.75)', 'rgba(0,80,20,0.6)', 2.2);
      dots(snapshot.fake, 'rgba(142,68,173,0.75)', 'rgba(60,20,80,0.6)', 2.2);
      if (pushes?.length) arrows(ctx, snapshot.fake, pushes, px, py);
    }
  }, [snapshot, manifold, pushes, half, drawing, drawn]);

  const toData = (e: PointerEvent): [number, number] => {
    const rect = canvas.current!.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * 2 * half - half;
    const y = half - ((e.clientY - rect.top) / rect.height) * 2 * half;
    return [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
  };
  const add = (e: PointerEvent) => {
    if (!drawing) return;
    const p = toData(e);
    const last = lastDraw.current;
    // While dragging, a point every ~0.08 data units: a stroke, not a pile.
    if (last && e.type === 'pointermove' && Math.hypot(p[0] - last[0], p[1] - last[1]) < 0.08) return;
    lastDraw.current = p;
    onDraw(p);
  };

  return html`<canvas
    ref=${canvas}
    data-testid="heatmap"
    class=${drawing ? 'heatmap drawing' : 'heatmap'}
    style=${{ width: `${SIDE}px`, height: `${SIDE}px` }}
    onPointerDown=${(e: PointerEvent) => {
      lastDraw.current = null;
      add(e);
    }}
    onPointerMove=${(e: PointerEvent) => e.buttons === 1 && add(e)}
    onDragOver=${(e: DragEvent) => onDropFile && e.preventDefault()}
    onDrop=${(e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!onDropFile || !file) return;
      e.preventDefault();
      onDropFile(file);
    }}
  ></canvas>`;
}
