/**
 * A game's trajectory in its 2-D parameter plane, with the game's vector field under it: the
 * picture of the x·y game and the Dirac-GAN. Pure.
 */
import { niceExtent, type FieldArrow } from '../theory/index.ts';
import { panelTitle, tidy, type Layer, type Panel } from './charts.ts';

/** One point of a 2-D trajectory. */
export interface PathPoint {
  readonly x: number;
  readonly y: number;
}

/** Options of {@link trajectoryPanel}. */
export interface TrajectoryOptions {
  /** One line, or several (e.g. the method, then its measured numbers). */
  readonly title: string | readonly string[];
  readonly color: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** The equilibrium, drawn as a black cross. */
  readonly equilibrium?: PathPoint;
  /** Short arrows of the game's vector field, drawn grey under the path. */
  readonly field?: readonly FieldArrow[];
  /** A symmetric window |x|, |y| ≤ extent (default: fitted to the path). */
  readonly extent?: number;
  readonly size?: number;
}

/**
 * A game's trajectory in its 2-D parameter plane: the path (in `color`), a hollow dot at the start,
 * a filled one at the end, the equilibrium as a cross, and optionally the vector field. Square,
 * with equal scales on both axes, so circles look like circles.
 */
export function trajectoryPanel(path: readonly PathPoint[], options: TrajectoryOptions): Panel {
  const finite = path.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const extent = options.extent ?? niceExtent(Math.max(...finite.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))), 1e-9));
  const domain = [-extent, extent];
  const size = options.size ?? 220;
  const axis = { tickCount: 5 };
  const x = { field: 'x', type: 'quantitative' as const, title: options.xTitle, scale: { domain, nice: false }, axis };
  const y = { field: 'y', type: 'quantitative' as const, title: options.yTitle, scale: { domain, nice: false }, axis };
  const rows = thin(finite).map((p, i) => ({ x: tidy(p.x), y: tidy(p.y), i }));
  const layer: Layer[] = [];
  if (options.field?.length) {
    layer.push({
      data: { values: options.field.map((s) => ({ x: tidy(s.x), y: tidy(s.y), x2: tidy(s.x2), y2: tidy(s.y2) })) },
      mark: { type: 'rule', color: '#b8b8b8', strokeWidth: 1.2, clip: true },
      encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } },
    });
    // Arrow heads: triangles turned to the field's direction (vega-lite rules have no heads).
    layer.push({
      data: { values: options.field.map((s) => ({ x: tidy(s.x2), y: tidy(s.y2), angle: tidy((Math.atan2(s.x2 - s.x, s.y2 - s.y) * 180) / Math.PI) })) },
      mark: { type: 'point', shape: 'triangle-up', filled: true, size: 22, color: '#a0a0a0', opacity: 1, clip: true },
      encoding: { x, y, angle: { field: 'angle', type: 'quantitative', scale: { domain: [-180, 180], range: [-180, 180] } } },
    });
  }
  layer.push({ data: { values: rows }, mark: { type: 'line', color: options.color, strokeWidth: 1.6, clip: true }, encoding: { x, y, order: { field: 'i', type: 'quantitative' } } });
  if (options.equilibrium) {
    layer.push({ data: { values: [{ x: options.equilibrium.x, y: options.equilibrium.y }] }, mark: { type: 'point', shape: 'cross', filled: true, size: 110, color: '#111111' }, encoding: { x, y } });
  }
  if (rows.length) {
    layer.push({ data: { values: [rows[0]] }, mark: { type: 'point', filled: false, size: 70, strokeWidth: 2, color: options.color, clip: true }, encoding: { x, y } });
    layer.push({ data: { values: [rows[rows.length - 1]] }, mark: { type: 'point', filled: true, size: 70, color: options.color, clip: true }, encoding: { x, y } });
  }
  return { width: size, height: size, title: panelTitle(options.title), layer } as Panel;
}

/** At most `max` points at an even stride, first and last kept: a path's shape survives, its SVG stays small. */
function thin<T>(points: readonly T[], max = 1500): T[] {
  if (points.length <= max) return [...points];
  const stride = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * stride)]);
}
