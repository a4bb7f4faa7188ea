/**
 * The bilinear game min_x max_y f(x, y) = x·y: the smallest game on which plain gradient
 * descent-ascent fails. Its only equilibrium is (0, 0); ∂f/∂x = y and ∂f/∂y = x, so every method
 * below is a linear map, and its spectral radius says whether iterates spiral out (ρ > 1), cycle
 * (ρ = 1) or converge (ρ < 1).
 */
import { eigenvalues, type Complex, type Matrix } from './eigen.ts';
import type { GamePoint } from './growth-rate.ts';

/** The update rules of the bilinear game. */
export type BilinearMethod = 'simultaneous' | 'alternating' | 'extragradient' | 'optimistic' | 'consensus';

/** Step sizes of a bilinear-game update. */
export interface BilinearParams {
  /** Learning rate η > 0, the same for both players. */
  readonly lr: number;
  /** Weight γ ≥ 0 of the consensus term ½‖v‖² (consensus optimization only; default 1). */
  readonly consensusWeight?: number;
}

/**
 * What a step carries: the point and the gradients used at the previous step (only optimistic GD
 * reads them; the matrix of optimistic GD acts on (x, y, prevGradX, prevGradY)).
 */
export interface BilinearState extends GamePoint {
  /** ∂f/∂x = y at the previous iterate. */
  readonly prevGradX: number;
  /** ∂f/∂y = x at the previous iterate. */
  readonly prevGradY: number;
}

interface MethodDefinition {
  /** Length of the state vector the update matrix acts on. */
  readonly size: 2 | 4;
  step(s: BilinearState, eta: number, gamma: number): BilinearState;
  matrix(eta: number, gamma: number): Matrix;
  spectralRadius(eta: number, gamma: number): number;
}

const METHODS: Readonly<Record<BilinearMethod, MethodDefinition>> = {
  /**
   * Simultaneous GDA: x' = x − ηy, y' = y + ηx. M = [[1, −η], [η, 1]], λ = 1 ± iη,
   * ρ = √(1 + η²) > 1 for every η > 0: it always spirals out.
   */
  simultaneous: {
    size: 2,
    step: (s, eta) => ({ x: s.x - eta * s.y, y: s.y + eta * s.x, prevGradX: s.y, prevGradY: s.x }),
    matrix: (eta) => [
      [1, -eta],
      [eta, 1],
    ],
    spectralRadius: (eta) => Math.sqrt(1 + eta * eta),
  },
  /**
   * Alternating GDA: x' = x − ηy, then y' = y + ηx'. M = [[1, −η], [η, 1 − η²]], with det M = 1
   * and tr M = 2 − η², so λ = 1 − η²/2 ± √((1 − η²/2)² − 1). For η < 2 the pair is complex with
   * product 1: |λ| = 1 and the iterates cycle on the conserved ellipse x² − ηxy + y² = const.
   * At η = 2, λ = −1 twice (a Jordan block: linear growth); for η > 2,
   * ρ = η²/2 − 1 + √((η²/2 − 1)² − 1) > 1.
   */
  alternating: {
    size: 2,
    step: (s, eta) => {
      const x = s.x - eta * s.y;
      return { x, y: s.y + eta * x, prevGradX: s.y, prevGradY: x };
    },
    matrix: (eta) => [
      [1, -eta],
      [eta, 1 - eta * eta],
    ],
    spectralRadius: (eta) => {
      const c = (eta * eta) / 2 - 1;
      return eta <= 2 ? 1 : c + Math.sqrt(c * c - 1);
    },
  },
  /**
   * Extragradient (Korpelevich 1976): extrapolate x̃ = x − ηy, ỹ = y + ηx, then update with the
   * gradients there: x' = x − ηỹ, y' = y + ηx̃. M = [[1 − η², −η], [η, 1 − η²]],
   * λ = 1 − η² ± iη, ρ = √(1 − η² + η⁴) < 1 for 0 < η < 1.
   */
  extragradient: {
    size: 2,
    step: (s, eta) => {
      const xHalf = s.x - eta * s.y;
      const yHalf = s.y + eta * s.x;
      return { x: s.x - eta * yHalf, y: s.y + eta * xHalf, prevGradX: yHalf, prevGradY: xHalf };
    },
    matrix: (eta) => [
      [1 - eta * eta, -eta],
      [eta, 1 - eta * eta],
    ],
    spectralRadius: (eta) => Math.sqrt(1 - eta * eta + eta ** 4),
  },
  /**
   * Optimistic GDA (Daskalakis et al. 2018): x' = x − 2η∇ₓf + η∇ₓf_prev, y' = y + 2η∇_yf − η∇_yf_prev.
   * On (x, y, prevGradX, prevGradY), M = [[1, −2η, η, 0], [2η, 1, 0, −η], [0, 1, 0, 0], [1, 0, 0, 0]].
   * In z = x + iy the update is zₜ₊₁ = (1 + 2iη)zₜ − iη zₜ₋₁, so λ² − (1 + 2iη)λ + iη = 0 and
   * λ± = (1 + 2iη ± √(1 − 4η²))/2 (with their conjugates, from z̄). For η ≤ ½,
   * ρ = √((1 + √(1 − 4η²))/2) < 1; for η > ½, λ± = ½ + i(η ± √(4η² − 1)/2) and
   * ρ = √(¼ + (η + √(4η² − 1)/2)²), which is < 1 iff η < 1/√3.
   */
  optimistic: {
    size: 4,
    step: (s, eta) => ({
      x: s.x - 2 * eta * s.y + eta * s.prevGradX,
      y: s.y + 2 * eta * s.x - eta * s.prevGradY,
      prevGradX: s.y,
      prevGradY: s.x,
    }),
    matrix: (eta) => [
      [1, -2 * eta, eta, 0],
      [2 * eta, 1, 0, -eta],
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ],
    spectralRadius: (eta) => {
      const d = 1 - 4 * eta * eta;
      return d >= 0 ? Math.sqrt((1 + Math.sqrt(d)) / 2) : Math.hypot(0.5, eta + Math.sqrt(-d) / 2);
    },
  },
  /**
   * Consensus optimization (Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs"):
   * follow w = v − γ∇L with v = (−∂f/∂x, ∂f/∂y) = (−y, x) and L = ½‖v‖² = ½(x² + y²), so
   * x' = x − η(y + γx), y' = y + η(x − γy). M = [[1 − ηγ, −η], [η, 1 − ηγ]],
   * λ = 1 − ηγ ± iη, ρ = √((1 − ηγ)² + η²) < 1 iff η < 2γ/(1 + γ²).
   */
  consensus: {
    size: 2,
    step: (s, eta, gamma) => ({
      x: s.x - eta * (s.y + gamma * s.x),
      y: s.y + eta * (s.x - gamma * s.y),
      prevGradX: s.y,
      prevGradY: s.x,
    }),
    matrix: (eta, gamma) => [
      [1 - eta * gamma, -eta],
      [eta, 1 - eta * gamma],
    ],
    spectralRadius: (eta, gamma) => Math.hypot(1 - eta * gamma, eta),
  },
};

/** Every bilinear-game method, in a fixed order. */
export const BILINEAR_METHODS: readonly BilinearMethod[] = ['simultaneous', 'alternating', 'extragradient', 'optimistic', 'consensus'];

/**
 * The state at a start point, with the previous gradients set to the current ones — so the first
 * optimistic step is a plain simultaneous step.
 */
export function initialBilinearState(start: GamePoint): BilinearState {
  return { x: start.x, y: start.y, prevGradX: start.y, prevGradY: start.x };
}

/**
 * One update of `method` as a function of the state.
 *
 * @example
 * const step = bilinearStep('extragradient', { lr: 0.3 });
 * step(initialBilinearState({ x: 1, y: 0 })); // { x: 0.91, y: 0.3, … }
 */
export function bilinearStep(method: BilinearMethod, params: BilinearParams): (s: BilinearState) => BilinearState {
  const { eta, gamma } = checkParams(params);
  const def = METHODS[method];
  return (s) => def.step(s, eta, gamma);
}

/**
 * `steps` updates of `method` from `start`: `steps + 1` points, the start included.
 *
 * @example
 * bilinearTrajectory('simultaneous', { lr: 0.1 }, { x: 1, y: 0 }, 100); // spirals out by √1.01 a step
 */
export function bilinearTrajectory(method: BilinearMethod, params: BilinearParams, start: GamePoint, steps: number): GamePoint[] {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`bilinearTrajectory: steps must be an integer ≥ 0, got ${steps}`);
  const step = bilinearStep(method, params);
  let state = initialBilinearState(start);
  const points: GamePoint[] = [{ x: state.x, y: state.y }];
  for (let t = 0; t < steps; t++) {
    state = step(state);
    points.push({ x: state.x, y: state.y });
  }
  return points;
}

/**
 * The linear update matrix of `method`: 2×2 on (x, y), or 4×4 on (x, y, prevGradX, prevGradY)
 * for optimistic GD (see {@link bilinearStateVector}).
 *
 * @example
 * bilinearUpdateMatrix('simultaneous', { lr: 0.5 }); // [[1, -0.5], [0.5, 1]]
 */
export function bilinearUpdateMatrix(method: BilinearMethod, params: BilinearParams): Matrix {
  const { eta, gamma } = checkParams(params);
  return METHODS[method].matrix(eta, gamma);
}

/** The state as the vector {@link bilinearUpdateMatrix} acts on. */
export function bilinearStateVector(method: BilinearMethod, s: BilinearState): number[] {
  return METHODS[method].size === 4 ? [s.x, s.y, s.prevGradX, s.prevGradY] : [s.x, s.y];
}

/** Eigenvalues of the update matrix, by the general routine of `eigen.ts`. */
export function bilinearEigenvalues(method: BilinearMethod, params: BilinearParams): Complex[] {
  return eigenvalues(bilinearUpdateMatrix(method, params));
}

/**
 * The spectral radius of `method`'s update matrix in closed form (formulas on each method above):
 * √(1+η²) simultaneous, 1 alternating (η ≤ 2), √(1−η²+η⁴) extragradient,
 * √((1+√(1−4η²))/2) optimistic (η ≤ ½), √((1−ηγ)²+η²) consensus.
 *
 * @example
 * bilinearSpectralRadius('extragradient', { lr: 0.5 }); // √0.8125 ≈ 0.901
 */
export function bilinearSpectralRadius(method: BilinearMethod, params: BilinearParams): number {
  const { eta, gamma } = checkParams(params);
  return METHODS[method].spectralRadius(eta, gamma);
}

function checkParams(params: BilinearParams): { eta: number; gamma: number } {
  const eta = params.lr;
  const gamma = params.consensusWeight ?? 1;
  if (!(eta > 0) || !Number.isFinite(eta)) throw new RangeError(`lr must be a finite number > 0, got ${eta}`);
  if (!(gamma >= 0) || !Number.isFinite(gamma)) throw new RangeError(`consensusWeight must be a finite number ≥ 0, got ${gamma}`);
  return { eta, gamma };
}
