/**
 * The arithmetic of the theory pages' controls and canvases, pure: slider positions to round
 * parameter values (linear or logarithmic), round axis ticks, and the map between data and canvas
 * pixels.
 */

/**
 * A slider's positions 0…positions and the parameter values they stand for. Values are rounded
 * so that what the page shows is exactly what the library is given.
 */
export interface SliderScale {
  readonly positions: number;
  toValue(position: number): number;
  /** The nearest position; values outside the range go to its ends. */
  toPosition(value: number): number;
}

const clampPosition = (position: number, positions: number) => Math.min(positions, Math.max(0, Math.round(position)));

/**
 * Evenly spaced values min, min + step, …, max (max − min a whole number of steps).
 *
 * @example
 * linearSlider(0, 4, 0.05).toValue(31); // 1.55
 */
export function linearSlider(min: number, max: number, step: number): SliderScale {
  if (!(step > 0) || !(max > min)) throw new RangeError(`linearSlider: need min < max and step > 0, got [${min}, ${max}] by ${step}`);
  const positions = Math.round((max - min) / step);
  return {
    positions,
    // toPrecision(12) drops the binary residue of min + k·step (0.1 + 0.2 → 0.3).
    toValue: (position) => Number((min + clampPosition(position, positions) * step).toPrecision(12)),
    toPosition: (value) => clampPosition((value - min) / step, positions),
  };
}

/**
 * Values spaced evenly in log from min to max, rounded to `digits` significant digits: for
 * learning rates and penalty weights, whose effect is multiplicative.
 *
 * @example
 * logSlider(0.01, 1, 200).toValue(100); // 0.1
 */
export function logSlider(min: number, max: number, positions = 200, digits = 3): SliderScale {
  if (!(min > 0) || !(max > min)) throw new RangeError(`logSlider: need 0 < min < max, got [${min}, ${max}]`);
  if (!Number.isInteger(positions) || positions < 1) throw new RangeError(`logSlider: positions must be an integer ≥ 1, got ${positions}`);
  const span = Math.log(max / min);
  return {
    positions,
    toValue: (position) => Number((min * Math.exp((span * clampPosition(position, positions)) / positions)).toPrecision(digits)),
    toPosition: (value) => (value > 0 ? clampPosition((positions * Math.log(value / min)) / span, positions) : 0),
  };
}

/**
 * Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10ᵏ, about `count` of them.
 *
 * @example
 * niceTicks(-1.5, 1.5, 5); // [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest the raw one in log (thresholds √2, √10, √50, as d3's ticks).
  const ratio = raw / power;
  const step = (ratio >= Math.sqrt(50) ? 10 : ratio >= Math.sqrt(10) ? 5 : ratio >= Math.SQRT2 ? 2 : 1) * power;
  const ticks: number[] = [];
  // A tick within a millionth of a step of an end counts as on it (floating-point residue).
  for (let k = Math.ceil(lo / step - 1e-6); k * step <= hi + step * 1e-6; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** A rectangle in canvas pixels. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Data ↔ pixels for one plot: x grows rightwards, y upwards (canvas y grows downwards). */
export interface PlotMap {
  px(x: number): number;
  py(y: number): number;
  /** The data point under a pixel. */
  data(px: number, py: number): { x: number; y: number };
}

/**
 * The map of [xMin, xMax] × [yMin, yMax] onto `box`.
 *
 * @example
 * plotMap([-1, 1], [-1, 1], { left: 0, top: 0, width: 100, height: 100 }).py(1); // 0 (the top)
 */
export function plotMap(xDomain: readonly [number, number], yDomain: readonly [number, number], box: Box): PlotMap {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  return {
    px: (x) => box.left + ((x - x0) / (x1 - x0)) * box.width,
    py: (y) => box.top + ((y1 - y) / (y1 - y0)) * box.height,
    data: (px, py) => ({ x: x0 + ((px - box.left) / box.width) * (x1 - x0), y: y1 - ((py - box.top) / box.height) * (y1 - y0) }),
  };
}

/**
 * `value` rounded to a step of extent/100 shown to its decimals: a clicked point reads as
 * (0.42, −1.3), not (0.4213776, −1.29981).
 *
 * @example
 * roundForWindow(0.42137, 1.5); // 0.42
 */
export function roundForWindow(value: number, extent: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(extent / 100)));
  return Number(value.toFixed(decimals)) || 0;
}
