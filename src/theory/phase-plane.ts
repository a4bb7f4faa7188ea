/**
 * The phase plane of a two-player game with one scalar per player: a square window with a margin
 * and round ticks, and the arrows of the game's vector field on a grid. What the scenarios' charts
 * and the web lab's canvases both draw under a trajectory. Pure.
 */
import type { GamePoint } from './growth-rate.ts';

/** One arrow of a vector field, from (x, y) to (x2, y2). */
export interface FieldArrow {
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

/**
 * The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ at or above `value` × 1.1: the half-width
 * of a window with a margin and round ticks.
 *
 * @example
 * niceExtent(1.3); // 1.5
 */
export function niceExtent(value: number): number {
  const target = value * 1.1;
  const power = 10 ** Math.floor(Math.log10(target));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * power >= target) return Number((m * power).toPrecision(6));
  return 10 * power;
}

/**
 * Arrows of a 2-D vector field at the centres of an n × n grid over [−extent, extent]², each
 * centred on its grid point: the longest spans 80 % of a grid cell and the others scale with their
 * speed, so the picture shows where the dynamics are slow. Points where the field is not finite
 * get no arrow.
 *
 * @example
 * fieldArrows((p) => ({ x: -p.y, y: p.x }), 1.5); // the rotation field of the x·y game, 81 arrows
 */
export function fieldArrows(field: (p: GamePoint) => GamePoint, extent: number, n = 9): FieldArrow[] {
  const cell = (2 * extent) / n;
  const points: { p: GamePoint; v: GamePoint }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = { x: -extent + (i + 0.5) * cell, y: -extent + (j + 0.5) * cell };
      points.push({ p, v: field(p) });
    }
  }
  const longest = Math.max(...points.map(({ v }) => Math.hypot(v.x, v.y)).filter(Number.isFinite), 1e-300);
  const scale = (0.8 * cell) / longest;
  return points
    .filter(({ v }) => Number.isFinite(v.x) && Number.isFinite(v.y))
    .map(({ p, v }) => ({ x: p.x - (v.x * scale) / 2, y: p.y - (v.y * scale) / 2, x2: p.x + (v.x * scale) / 2, y2: p.y + (v.y * scale) / 2 }));
}
