/**
 * The Dirac-GAN of Mescheder, Geiger & Nowozin (2018), "Which Training Methods for GANs do
 * actually Converge?", ICML, Sec. 2.2: real data δ₀, generator δ_θ, linear discriminator
 * D_ψ(x) = ψ·x. The training objective (their eq. for L with the notation of Nagarajan & Kolter
 * 2017) is L(θ, ψ) = E[f(D_ψ(G_θ(z)))] + E_{p_D}[f(−D_ψ(x))] = f(ψθ) + f(0), minimised by the
 * generator and maximised by the discriminator. Its unique equilibrium is (θ, ψ) = (0, 0).
 *
 * Throughout, f(t) = −log(1 + e^{−t}) (the original GAN), so f'(t) = 1/(1 + eᵗ), f'(0) = ½,
 * f''(t) = −σ(t)σ(−t), f''(0) = −¼; the Wasserstein variants use f(t) = t, f'(0) = 1.
 *
 * The gradient vector field is v(θ, ψ) = (−∂L/∂θ, ∂L/∂ψ): the generator descends, the
 * discriminator ascends. Its Jacobian at (0, 0) decides local convergence of the continuous
 * dynamics (eigenvalues with negative real part ⇒ converges); for discrete steps the eigenvalues
 * of the update's Jacobian must lie inside the unit circle.
 */
import { eigenvalues2x2, type Complex, type Matrix } from './eigen.ts';

/** The training objectives and regularisers of the paper's Sec. 2–3, applied to the Dirac-GAN. */
export type DiracGanVariant =
  /** Unregularised GAN with f(t) = −log(1 + e^{−t}) (the saturating, minimax form). */
  | { readonly kind: 'minimax' }
  /** The discriminator as in `minimax`; the generator minimises −f(−ψθ) instead. */
  | { readonly kind: 'non-saturating' }
  /** WGAN: f(t) = t, with ψ clipped to [−clip, clip] after every discriminator update. */
  | { readonly kind: 'wasserstein'; readonly clip: number }
  /** WGAN-GP: f(t) = t, minus (weight/2)(|ψ| − target)² for the discriminator; target default 1. */
  | { readonly kind: 'wgan-gp'; readonly weight: number; readonly target?: number }
  /** Unregularised GAN plus the R1 penalty (weight/2)·E_{p_D}‖∇ₓD_ψ‖² = (weight/2)ψ² on the discriminator. */
  | { readonly kind: 'r1'; readonly weight: number }
  /** Unregularised GAN with Gaussian instance noise N(0, sigma²) added to real and fake samples. */
  | { readonly kind: 'instance-noise'; readonly sigma: number };

/** A Dirac-GAN parameter pair: generator position θ and discriminator slope ψ. */
export interface DiracGanPoint {
  readonly theta: number;
  readonly psi: number;
}

/** How the players move: simultaneous or alternating gradient steps, or the continuous-time flow (RK4). */
export type DiracGanMethod = 'simultaneous' | 'alternating' | 'continuous';

/** Options of {@link diracGanTrajectory} and {@link diracGanUpdateJacobian}. */
export interface DiracGanStepOptions {
  /** Learning rate h of both players, or the RK4 time step for `continuous`. */
  readonly stepSize: number;
  /** Default `simultaneous`. */
  readonly method?: DiracGanMethod;
  /** Generator updates per round of alternating GD (n_g in the paper); default 1. */
  readonly gSteps?: number;
  /** Discriminator updates per round of alternating GD (n_d in the paper); default 1. */
  readonly dSteps?: number;
}

/** Options of {@link diracGanTrajectory}. */
export interface DiracGanTrajectoryOptions extends DiracGanStepOptions {
  readonly start: DiracGanPoint;
  /** Number of updates (rounds, for alternating); the trajectory has steps + 1 points. */
  readonly steps: number;
}

/** The equilibrium (0, 0). */
export const DIRAC_GAN_EQUILIBRIUM: DiracGanPoint = { theta: 0, psi: 0 };

type Kind = DiracGanVariant['kind'];
type VariantOf<K extends Kind> = Extract<DiracGanVariant, { kind: K }>;

/** What each variant contributes: its vector field, its constraint, and the paper's closed form. */
interface Dynamics {
  field(p: DiracGanPoint): DiracGanPoint;
  /** Keeps ψ feasible after a step (WGAN clipping); identity elsewhere. */
  project(p: DiracGanPoint): DiracGanPoint;
  /** The paper's eigenvalues of the Jacobian of v at (0, 0); null where v is not differentiable there. */
  readonly equilibriumEigenvalues: readonly [Complex, Complex] | null;
  /** Why there is no Jacobian near `p`, if there is none. */
  noJacobianNear?(p: DiracGanPoint, delta: number): string | undefined;
}

/** f'(t) = σ(−t) = 1/(1 + eᵗ) for f(t) = −log(1 + e^{−t}); eᵗ → ∞ gives 0, not NaN. */
function fPrime(t: number): number {
  return 1 / (1 + Math.exp(t));
}

const F_PRIME_0 = 0.5;
const F_SECOND_0 = -0.25;

const identity = (p: DiracGanPoint): DiracGanPoint => p;

const DYNAMICS: { readonly [K in Kind]: (variant: VariantOf<K>) => Dynamics } = {
  /**
   * v = (−ψ f'(ψθ), θ f'(ψθ)). Jacobian at 0: [[0, −f'(0)], [f'(0), 0]], eigenvalues ±f'(0)i
   * (Sec. 2.2, Lemma 2.2): purely imaginary, so the flow circles (0, 0) — indeed
   * d/dt (θ² + ψ²) = 0 exactly — and simultaneous GD spirals out.
   */
  minimax: () => ({
    field: ({ theta, psi }) => {
      const fp = fPrime(psi * theta);
      return { theta: -psi * fp, psi: theta * fp };
    },
    project: identity,
    equilibriumEigenvalues: plusMinusRoot(0, -(F_PRIME_0 ** 2)),
  }),
  /**
   * v = (−ψ f'(−ψθ), θ f'(ψθ)): the generator's gradient changes away from (0, 0) but the
   * Jacobian there, and so its eigenvalues ±f'(0)i, are those of `minimax` (differentiate at 0:
   * only f'(0) survives).
   */
  'non-saturating': () => ({
    field: ({ theta, psi }) => ({ theta: -psi * fPrime(-psi * theta), psi: theta * fPrime(psi * theta) }),
    project: identity,
    equilibriumEigenvalues: plusMinusRoot(0, -(F_PRIME_0 ** 2)),
  }),
  /**
   * f(t) = t: v = (−ψ, θ), ψ clipped to [−c, c]. Inside the clip box the Jacobian at 0 is
   * [[0, −1], [1, 0]] with eigenvalues ±i, so WGAN with a finite number of discriminator steps does
   * not converge (Sec. 3.1, Lemma 3.1); clipping only bounds the orbit.
   */
  wasserstein: ({ clip }) => {
    positive('wasserstein.clip', clip);
    return {
      field: ({ theta, psi }) => ({ theta: -psi, psi: theta }),
      project: ({ theta, psi }) => ({ theta, psi: Math.min(clip, Math.max(-clip, psi)) }),
      equilibriumEigenvalues: plusMinusRoot(0, -1),
    };
  },
  /**
   * f(t) = t with the penalty (γ/2)(|ψ| − g₀)² (∇ₓD_ψ = ψ everywhere, so every interpolate sees the
   * same gradient): v = (−ψ, θ − γ(|ψ| − g₀)·sign ψ). At ψ = 0 the field jumps by 2γg₀ (sign ψ),
   * so it has no Jacobian at (0, 0) and the penalty pushes |ψ| towards g₀ instead of 0: WGAN-GP
   * with finitely many discriminator steps does not converge on the Dirac-GAN (Sec. 3, discussed
   * with WGAN; proof in the supplementary material).
   */
  'wgan-gp': ({ weight, target = 1 }) => {
    positive('wgan-gp.weight', weight);
    nonNegative('wgan-gp.target', target);
    return {
      field: ({ theta, psi }) => ({ theta: -psi, psi: theta - weight * (Math.abs(psi) - target) * Math.sign(psi) }),
      project: identity,
      equilibriumEigenvalues: null,
      noJacobianNear: ({ psi }, delta) =>
        target > 0 && Math.abs(psi) <= delta
          ? 'the WGAN-GP field jumps across ψ = 0 (the sign of ψ in its penalty gradient), so it has no Jacobian there'
          : undefined,
    };
  },
  /**
   * R1 (Sec. 3.3, Lemma 3.3): the discriminator also descends (γ/2)ψ², so
   * v = (−ψ f'(ψθ), θ f'(ψθ) − γψ), Jacobian [[0, −f'(0)], [f'(0), −γ]], eigenvalues
   * −γ/2 ± √(γ²/4 − f'(0)²): negative real part for every γ > 0.
   */
  r1: ({ weight }) => {
    positive('r1.weight', weight);
    return {
      field: ({ theta, psi }) => {
        const fp = fPrime(psi * theta);
        return { theta: -psi * fp, psi: theta * fp - weight * psi };
      },
      project: identity,
      equilibriumEigenvalues: plusMinusRoot(-weight / 2, weight ** 2 / 4 - F_PRIME_0 ** 2),
    };
  },
  /**
   * Instance noise (Sec. 3.2, Lemma 3.2): with ε, ε' ~ N(0, σ²),
   * L = E f(ψ(θ + ε)) + E f(−ψε'), so v = (−E[ψ f'(ψ(θ+ε))], E[(θ+ε) f'(ψ(θ+ε))] − E[ε' f'(−ψε')]).
   * Jacobian at 0: [[0, −f'(0)], [f'(0), 2f''(0)σ²]], eigenvalues
   * f''(0)σ² ± √(f''(0)²σ⁴ − f'(0)²): negative real part because f''(0) < 0.
   *
   * The expectations are taken by the trapezoidal rule on 289 nodes over ±9σ, renormalised: for
   * a Gaussian weight times an analytic integrand this converges exponentially, and the error stays
   * below 1e-12 for |ψ|σ ≤ 10 (the sigmoid's nearest poles are π/|ψσ| away from the real axis).
   */
  'instance-noise': ({ sigma }) => {
    positive('instance-noise.sigma', sigma);
    const { nodes, weights } = gaussianNodes(sigma);
    return {
      field: ({ theta, psi }) => {
        let vTheta = 0;
        let vPsi = 0;
        for (let j = 0; j < nodes.length; j++) {
          const eps = nodes[j];
          const fake = theta + eps;
          const fp = fPrime(psi * fake);
          vTheta -= weights[j] * psi * fp;
          vPsi += weights[j] * (fake * fp - eps * fPrime(-psi * eps));
        }
        return { theta: vTheta, psi: vPsi };
      },
      project: identity,
      equilibriumEigenvalues: plusMinusRoot(F_SECOND_0 * sigma ** 2, F_SECOND_0 ** 2 * sigma ** 4 - F_PRIME_0 ** 2),
    };
  },
};

function dynamicsOf<K extends Kind>(variant: VariantOf<K>): Dynamics {
  const make: (v: VariantOf<K>) => Dynamics = DYNAMICS[variant.kind];
  return make(variant);
}

/**
 * The gradient vector field v(θ, ψ) = (−∂L_G/∂θ, ∂L_D/∂ψ) of `variant` at `p`: the continuous-time
 * dynamics are dp/dt = v(p).
 *
 * @example
 * diracGanVectorField({ kind: 'minimax' }, { theta: 1, psi: 0 }); // { theta: -0, psi: 0.5 }
 */
export function diracGanVectorField(variant: DiracGanVariant, p: DiracGanPoint): DiracGanPoint {
  return dynamicsOf(variant).field(p);
}

/**
 * The trajectory of `variant` from `options.start`: `steps` simultaneous or alternating gradient
 * updates with learning rate h, or `steps` RK4 steps of the flow with time step h (`continuous`).
 * WGAN clips ψ after every update. Alternating GD moves the generator n_g times, then the
 * discriminator n_d times, each seeing the other's latest value.
 *
 * @example
 * diracGanTrajectory({ kind: 'r1', weight: 0.3 }, { start: { theta: 1, psi: 1 }, steps: 2000, stepSize: 0.1 });
 */
export function diracGanTrajectory(variant: DiracGanVariant, options: DiracGanTrajectoryOptions): DiracGanPoint[] {
  const { steps } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`diracGanTrajectory: steps must be an integer ≥ 0, got ${steps}`);
  const dynamics = dynamicsOf(variant);
  const update = updateMap(dynamics, options);
  let p = dynamics.project(options.start);
  const points = [p];
  for (let t = 0; t < steps; t++) {
    p = update(p);
    points.push(p);
  }
  return points;
}

/**
 * The Jacobian of the vector field at `at` (default the equilibrium), by central differences with
 * step δ = 1e-5 (truncation and rounding errors both near 1e-10 for these smooth fields). Throws
 * for WGAN-GP near ψ = 0, where the field jumps.
 *
 * @example
 * diracGanJacobian({ kind: 'minimax' }); // ≈ [[0, -0.5], [0.5, 0]]
 */
export function diracGanJacobian(variant: DiracGanVariant, at: DiracGanPoint = DIRAC_GAN_EQUILIBRIUM): Matrix {
  const dynamics = dynamicsOf(variant);
  return jacobianOf(dynamics, (p) => dynamics.field(p), at);
}

/**
 * Eigenvalues of {@link diracGanJacobian} at the equilibrium, computed (not quoted): compare them
 * with {@link diracGanPaperEigenvalues}.
 */
export function diracGanEquilibriumEigenvalues(variant: DiracGanVariant): [Complex, Complex] {
  return eigenvalues2x2(diracGanJacobian(variant));
}

/**
 * The paper's closed-form eigenvalues of the Jacobian at (0, 0) (formulas on each variant):
 * ±f'(0)i for minimax and non-saturating, ±i for WGAN, −γ/2 ± √(γ²/4 − f'(0)²) for R1,
 * f''(0)σ² ± √(f''(0)²σ⁴ − f'(0)²) for instance noise; null for WGAN-GP, whose field is not
 * differentiable there.
 */
export function diracGanPaperEigenvalues(variant: DiracGanVariant): readonly [Complex, Complex] | null {
  return dynamicsOf(variant).equilibriumEigenvalues;
}

/**
 * The Jacobian of one discrete update (one round, for alternating) at `at` (default the
 * equilibrium), by central differences. Its eigenvalues decide convergence of the discrete
 * iteration: for simultaneous GD they are 1 + hλ (Sec. 2.2, Lemma 2.3: 1 ± h f'(0)i unregularised);
 * for alternating GD on the unregularised GAN, 1 − α²/2 ± √((1 − α²/2)² − 1) with
 * α = √(n_g n_d)·h·f'(0) (Lemma 2.4), on the unit circle for α ≤ 2.
 */
export function diracGanUpdateJacobian(variant: DiracGanVariant, options: DiracGanStepOptions, at: DiracGanPoint = DIRAC_GAN_EQUILIBRIUM): Matrix {
  const dynamics = dynamicsOf(variant);
  return jacobianOf(dynamics, updateMap(dynamics, options), at);
}

/** √(θ² + ψ²): the distance to the equilibrium. */
export function distanceToEquilibrium(p: DiracGanPoint): number {
  return Math.hypot(p.theta, p.psi);
}

const JACOBIAN_DELTA = 1e-5;

function jacobianOf(dynamics: Dynamics, map: (p: DiracGanPoint) => DiracGanPoint, at: DiracGanPoint): Matrix {
  const reason = dynamics.noJacobianNear?.(at, JACOBIAN_DELTA);
  if (reason) throw new RangeError(`no Jacobian at (θ, ψ) = (${at.theta}, ${at.psi}): ${reason}`);
  const d = JACOBIAN_DELTA;
  const dTheta = difference(map({ theta: at.theta + d, psi: at.psi }), map({ theta: at.theta - d, psi: at.psi }), 2 * d);
  const dPsi = difference(map({ theta: at.theta, psi: at.psi + d }), map({ theta: at.theta, psi: at.psi - d }), 2 * d);
  return [
    [dTheta.theta, dPsi.theta],
    [dTheta.psi, dPsi.psi],
  ];
}

function difference(a: DiracGanPoint, b: DiracGanPoint, width: number): DiracGanPoint {
  return { theta: (a.theta - b.theta) / width, psi: (a.psi - b.psi) / width };
}

type UpdateMap = (p: DiracGanPoint) => DiracGanPoint;

const METHODS: Readonly<Record<DiracGanMethod, (d: Dynamics, h: number, gSteps: number, dSteps: number) => UpdateMap>> = {
  simultaneous: (d, h) => (p) => {
    const v = d.field(p);
    return d.project({ theta: p.theta + h * v.theta, psi: p.psi + h * v.psi });
  },
  alternating: (d, h, gSteps, dSteps) => (p) => {
    let q = p;
    for (let i = 0; i < gSteps; i++) q = d.project({ theta: q.theta + h * d.field(q).theta, psi: q.psi });
    for (let i = 0; i < dSteps; i++) q = d.project({ theta: q.theta, psi: q.psi + h * d.field(q).psi });
    return q;
  },
  continuous: (d, h) => (p) => {
    const shift = (q: DiracGanPoint, k: DiracGanPoint, s: number): DiracGanPoint => ({ theta: q.theta + s * k.theta, psi: q.psi + s * k.psi });
    const k1 = d.field(p);
    const k2 = d.field(shift(p, k1, h / 2));
    const k3 = d.field(shift(p, k2, h / 2));
    const k4 = d.field(shift(p, k3, h));
    return d.project({
      theta: p.theta + (h / 6) * (k1.theta + 2 * k2.theta + 2 * k3.theta + k4.theta),
      psi: p.psi + (h / 6) * (k1.psi + 2 * k2.psi + 2 * k3.psi + k4.psi),
    });
  },
};

function updateMap(dynamics: Dynamics, options: DiracGanStepOptions): UpdateMap {
  const { stepSize, method = 'simultaneous', gSteps = 1, dSteps = 1 } = options;
  positive('stepSize', stepSize);
  for (const [name, n] of [['gSteps', gSteps], ['dSteps', dSteps]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${n}`);
  }
  return METHODS[method](dynamics, stepSize, gSteps, dSteps);
}

/** center ± √disc as complex numbers (a conjugate pair when disc < 0), larger real/imaginary part first. */
function plusMinusRoot(center: number, disc: number): [Complex, Complex] {
  if (disc < 0) {
    const im = Math.sqrt(-disc);
    return [
      { re: center, im },
      { re: center, im: -im },
    ];
  }
  const root = Math.sqrt(disc);
  return [
    { re: center + root, im: 0 },
    { re: center - root, im: 0 },
  ];
}

const NODE_SPACING = 1 / 16;
const NODE_RANGE = 9;

/** Trapezoid nodes and normalised weights for E over N(0, σ²). */
function gaussianNodes(sigma: number): { nodes: Float64Array; weights: Float64Array } {
  const half = Math.round(NODE_RANGE / NODE_SPACING);
  const nodes = new Float64Array(2 * half + 1);
  const weights = new Float64Array(2 * half + 1);
  let total = 0;
  for (let j = -half; j <= half; j++) {
    const u = j * NODE_SPACING;
    nodes[j + half] = sigma * u;
    weights[j + half] = Math.exp(-0.5 * u * u);
    total += weights[j + half];
  }
  for (let j = 0; j < weights.length; j++) weights[j] /= total;
  return { nodes, weights };
}

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}

function nonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
}
