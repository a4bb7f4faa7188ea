/**
 * What the theory pages let a user choose, as tables over the library's own types: the x·y game's
 * methods, the Dirac-GAN's variants (each with its one parameter) and update rules, and the
 * shifted families of JS vs W1 (with the two distributions to draw). Pure: every number comes
 * from `src/theory/`; this file only names things and builds the library's inputs.
 */
import {
  gaussianDensity,
  measuredGrowthRate,
  niceExtent,
  uniformDensity,
  type BilinearMethod,
  type Density,
  type DiracGanMethod,
  type DiracGanVariant,
  type GamePoint,
  type ShiftFamily,
} from '../../../src/theory/index.ts';

/** How the x·y game's methods are named on the page (the order is the library's BILINEAR_METHODS). */
export const XY_METHOD_LABELS: Readonly<Record<BilinearMethod, string>> = {
  simultaneous: 'simultaneous GDA',
  alternating: 'alternating GDA',
  extragradient: 'extragradient',
  optimistic: 'optimistic GD',
  consensus: 'consensus optimization',
};

/** What a spectral radius means for the distance to the equilibrium. */
export type Behaviour = 'spirals out' | 'cycles' | 'converges';

/**
 * How far from 1 a spectral radius may be and still count as 1: closed forms give 1 exactly, and
 * eigenvalues of a numerically differentiated update are off by about 1e-10.
 */
export const UNIT_RADIUS_TOLERANCE = 1e-6;

/**
 * ρ > 1 spirals out (the distance grows by ×ρ a step), ρ = 1 cycles, ρ < 1 converges.
 *
 * @example
 * behaviourOf(Math.sqrt(1.04)); // 'spirals out'
 */
export function behaviourOf(rho: number): Behaviour {
  if (Math.abs(rho - 1) <= UNIT_RADIUS_TOLERANCE) return 'cycles';
  return rho > 1 ? 'spirals out' : 'converges';
}

type Kind = DiracGanVariant['kind'];

/** The one number a Dirac-GAN variant takes (a penalty weight, a clip, a noise level). */
export interface VariantParameter {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly initial: number;
}

interface VariantChoice<K extends Kind> {
  readonly label: string;
  readonly parameter?: VariantParameter;
  build(value: number): Extract<DiracGanVariant, { kind: K }>;
}

/** The Dirac-GAN variants of `src/theory/dirac-gan.ts`, in the paper's order. */
export const DIRAC_VARIANTS: { readonly [K in Kind]: VariantChoice<K> } = {
  minimax: { label: 'unregularized GAN', build: () => ({ kind: 'minimax' }) },
  'non-saturating': { label: 'non-saturating GAN', build: () => ({ kind: 'non-saturating' }) },
  wasserstein: { label: 'WGAN (clipped ψ)', parameter: { label: 'clip c on |ψ|', min: 0.05, max: 10, initial: 1 }, build: (clip) => ({ kind: 'wasserstein', clip }) },
  'wgan-gp': { label: 'WGAN-GP', parameter: { label: 'penalty weight γ', min: 0.01, max: 10, initial: 1 }, build: (weight) => ({ kind: 'wgan-gp', weight }) },
  r1: { label: 'R1 penalty', parameter: { label: 'R1 weight γ', min: 0.01, max: 10, initial: 0.5 }, build: (weight) => ({ kind: 'r1', weight }) },
  'instance-noise': { label: 'instance noise', parameter: { label: 'noise σ', min: 0.05, max: 5, initial: 1 }, build: (sigma) => ({ kind: 'instance-noise', sigma }) },
};

/** The variant kinds, in the table's order. */
export const DIRAC_VARIANT_KINDS = Object.keys(DIRAC_VARIANTS) as Kind[];

/** Each variant's parameter at its initial value (0 where it has none). */
export function initialVariantValues(): Record<Kind, number> {
  return Object.fromEntries(DIRAC_VARIANT_KINDS.map((k) => [k, DIRAC_VARIANTS[k].parameter?.initial ?? 0])) as Record<Kind, number>;
}

/**
 * The library's variant for a kind and its parameter's value (ignored by kinds without one).
 *
 * @example
 * diracVariant('r1', 0.5); // { kind: 'r1', weight: 0.5 }
 */
export function diracVariant(kind: Kind, value: number): DiracGanVariant {
  return DIRAC_VARIANTS[kind].build(value);
}

/** How the Dirac-GAN's update rules are named on the page. */
export const DIRAC_METHOD_LABELS: Readonly<Record<DiracGanMethod, string>> = {
  simultaneous: 'simultaneous gradient steps',
  alternating: 'alternating gradient steps',
  continuous: 'continuous flow (RK4)',
};

/** The update rules, in the table's order. */
export const DIRAC_METHODS = Object.keys(DIRAC_METHOD_LABELS) as DiracGanMethod[];

/** One of the two distributions of a shifted family: a density, or a point mass (a Dirac). */
export type Distribution = { readonly kind: 'density'; readonly density: Density } | { readonly kind: 'atom'; readonly at: number };

interface FamilyChoice {
  readonly label: string;
  /** The slider's and the curve's largest shift. */
  readonly maxShift: number;
  /** The fixed distribution p and the shifted one q. */
  pair(shift: number): readonly [Distribution, Distribution];
  /** The stretch of the line where both are drawn. */
  window(shift: number): readonly [number, number];
}

const density = (d: Density): Distribution => ({ kind: 'density', density: d });

/** The shifted families of `src/theory/divergences.ts` (`divergenceCurves`), with the pairs they compare. */
export const SHIFT_FAMILIES: Readonly<Record<ShiftFamily, FamilyChoice>> = {
  gaussian: {
    label: 'Gaussians: N(0, 1) vs N(μ, 1)',
    maxShift: 12,
    pair: (mu) => [density(gaussianDensity(0, 1)), density(gaussianDensity(mu, 1))],
    window: (mu) => [Math.min(0, mu) - 4, Math.max(0, mu) + 4],
  },
  dirac: {
    label: 'Diracs: δ₀ vs δ_θ',
    maxShift: 4,
    pair: (theta) => [
      { kind: 'atom', at: 0 },
      { kind: 'atom', at: theta },
    ],
    window: (theta) => [Math.min(0, theta) - 1, Math.max(0, theta) + 1],
  },
  uniform: {
    label: 'uniforms: U[0, 1] vs U[θ, θ+1]',
    maxShift: 4,
    pair: (theta) => [density(uniformDensity(0, 1)), density(uniformDensity(theta, theta + 1))],
    window: (theta) => [Math.min(0, theta) - 0.5, Math.max(1, theta + 1) + 0.5],
  },
};

/** The shift families, in the table's order. */
export const SHIFT_FAMILY_NAMES = Object.keys(SHIFT_FAMILIES) as ShiftFamily[];

const reach = (p: GamePoint) => Math.max(Math.abs(p.x), Math.abs(p.y));

/**
 * The half-width of the square window around the equilibrium: the whole path when it stays near
 * the start, else three times the start's reach (a path that spirals out leaves the window; the
 * distance chart shows how far it went). The window depends on the start, so a click does not
 * throw the picture to another scale.
 */
export function viewExtent(path: readonly GamePoint[], start: GamePoint): number {
  const startReach = reach(start) || 1;
  const fit = Math.max(startReach, ...path.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map(reach));
  return niceExtent(Math.min(fit, 3 * startReach));
}

/**
 * How many leading points of a path to draw: up to and including the first one 1000 windows away
 * (the canvas clips the segment to it; beyond it coordinates only grow, up to ∞ and NaN).
 */
export function drawablePrefix(path: readonly GamePoint[], extent: number): number {
  const far = 1000 * extent;
  const out = path.findIndex((p) => !(reach(p) <= far));
  return out < 0 ? path.length : out + (Number.isFinite(path[out].x) && Number.isFinite(path[out].y) ? 1 : 0);
}

/**
 * The library's measured growth per step of a list of distances, or NaN where it has none (a
 * distance that reached 0 or overflowed: `measuredGrowthRate` refuses those).
 */
export function growthOf(distances: readonly number[]): number {
  return distances.length > 1 && distances.every((d) => d > 0 && Number.isFinite(d)) ? measuredGrowthRate(distances) : Number.NaN;
}

/**
 * log₁₀ of each value, for a chart of quantities spanning many decades (a linear axis of
 * exponents has round ticks however many decades it spans); non-positive and non-finite values
 * become gaps.
 */
export function log10OrNull(values: readonly number[]): (number | null)[] {
  return values.map((v) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : null));
}

/**
 * A number for the page: fixed decimals in a readable range, exponent form outside it, and the
 * signs ∞ and – (none) for infinite and NaN values.
 *
 * @example
 * formatValue(0.6931471805599453); // '0.6931'
 * formatValue(3.2e-9); // '3.20e-9'
 */
export function formatValue(v: number, digits = 4): string {
  if (Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(digits);
}
