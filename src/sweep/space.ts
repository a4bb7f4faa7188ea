/**
 * The values of one search dimension: every point of a grid, or one seeded draw for random search.
 */
import type { Rng } from '../tensor/index.ts';
import { DIMENSION_KINDS, type Dimension, type DimensionKind } from './spec.ts';

/** A value a dimension gives a config path. */
export type ParamValue = unknown;

/** The kind of a validated dimension (the schema guarantees exactly one). */
export function dimensionKind(d: Dimension): DimensionKind {
  const kind = DIMENSION_KINDS.find((k) => d[k] !== undefined);
  if (!kind) throw new Error(`dimension ${d.path} has no kind: validate it with sweepSpecSchema first`);
  return kind;
}

/**
 * Rounds away the float noise of `min + i·step` (0.1 + 2·0.1 = 0.30000000000000004), so a grid
 * value is the number a user would write and two runs of the same grid name the same values.
 */
function clean(x: number, digits = 12): number {
  return Number.parseFloat(x.toPrecision(digits));
}

/**
 * Significant digits a continuous draw keeps: a relative resolution of 1e-4 is finer than any
 * hyperparameter search resolves, and `lr=0.0005340` reads better in a table than 15 digits.
 */
const SAMPLE_DIGITS = 4;

/**
 * Every value of a discrete dimension, in the order a grid visits them: `values`/`choice` as
 * listed, `grid` from min to max by step (max included when it falls on the grid), `int` from min
 * to max. Continuous dimensions (`range`, `log-uniform`) have no grid.
 */
export function gridValues(d: Dimension): ParamValue[] {
  const kind = dimensionKind(d);
  switch (kind) {
    case 'values':
      return [...d.values!];
    case 'choice':
      return [...d.choice!];
    case 'grid': {
      const { min, max, step } = d.grid!;
      // The small slack keeps max on a grid whose step does not divide the span exactly in floats.
      const count = Math.floor((max - min) / step + 1e-9) + 1;
      return Array.from({ length: count }, (_, i) => clean(min + i * step));
    }
    case 'int': {
      const { min, max } = d.int!;
      return Array.from({ length: max - min + 1 }, (_, i) => min + i);
    }
    case 'range':
    case 'log-uniform':
      throw new Error(`dimension ${d.path}: a ${kind} dimension has no grid`);
  }
}

/**
 * One seeded draw: uniform over a list (or by `weights` for a choice), over a grid's points and an
 * int range's integers, uniform in [min, max] for `range`, and uniform in log space for
 * `log-uniform` (both kept to 4 significant digits). Exactly one draw of `rng` per call for every kind except a weighted choice, so a
 * spec's draws do not shift when one dimension changes kind.
 */
export function sampleValue(d: Dimension, rng: Rng): ParamValue {
  const kind = dimensionKind(d);
  switch (kind) {
    case 'values':
    case 'grid':
    case 'int': {
      const values = gridValues(d);
      return values[rng.int(values.length)];
    }
    case 'choice':
      return d.weights ? d.choice![rng.categorical(d.weights)] : d.choice![rng.int(d.choice!.length)];
    case 'range': {
      const { min, max } = d.range!;
      return clean(min + (max - min) * rng.uniform(), SAMPLE_DIGITS);
    }
    case 'log-uniform': {
      const { min, max } = d['log-uniform']!;
      return clean(Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * rng.uniform()), SAMPLE_DIGITS);
    }
  }
}
