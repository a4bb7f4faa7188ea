import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { ConfigError, DivergenceError } from '../../src/errors.ts';
import { wasserstein } from '../../src/losses/index.ts';
import { createParam, weightOf, type Module } from '../../src/nn/module.ts';
import { optimisticSgd, sgd, type Optimizer } from '../../src/optim/index.ts';
import type { Stabilizer } from '../../src/stabilizers/index.ts';
import { bilinearSpectralRadius, bilinearTrajectory, type BilinearMethod } from '../../src/theory/index.ts';
import { consensusGradients, createSession, drawDBatch, drawGBatch, disposeStepBatch as disposeBatch, encodeCheckpoint, evaluateD, evaluateG, ganStep, playerStep, restoreCheckpoint, type GameConfig, type GanSession, type StepRecord } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';
import { runSteps, withStabilizers } from '../helpers/steps.ts';

beforeAll(() => selectTestBackend('cpu'));

const withoutTime = ({ ms: _ms, ...rest }: StepRecord) => rest;
const weights = (s: GanSession) => [...s.G.params, ...s.D.params].map((p) => Array.from(p.variable.dataSync()));
const noop: Optimizer = { name: 'noop', lr: 0, apply() {}, state: () => ({ tensors: new Map(), scalars: {} }), restore() {}, dispose() {} };

/**
 * The Dirac-GAN (Mescheder et al. 2018) with the WGAN loss and no clipping: data δ₀, G a point θ,
 * D(x) = ψ·x. D minimizes E D(G(z)) − E D(x) = ψθ and G minimizes −ψθ, so the gradients are
 * ∂/∂ψ = θ and ∂/∂θ = −ψ: plain gradient steps are ψ' = ψ − ηθ, θ' = θ + ηψ, the bilinear game
 * min_x max_y x·y with x = ψ, y = θ (`theory/bilinear-game.ts`).
 */
function diracSession(game: GameConfig, optimizer: 'sgd' | 'optimistic-sgd', lr: number, start: { theta: number; psi: number }): GanSession {
  const theta = createParam('G/theta', 'bias', Float32Array.of(start.theta), [1]);
  const psi = createParam('D/psi', 'kernel', Float32Array.of(start.psi), [1, 1]);
  const G: Module = { name: 'G', params: [theta], buffers: [], apply: (z, ctx) => tf.mul(tf.ones([z.shape[0], 1]), weightOf(theta, ctx)) };
  const D: Module = { name: 'D', params: [psi], buffers: [], apply: (x, ctx) => tf.matMul(x as tf.Tensor2D, weightOf(psi, ctx) as tf.Tensor2D) };
  const make = () => (optimizer === 'sgd' ? sgd({ lr }) : optimisticSgd({ lr }));
  const data: Dataset = { name: 'dirac0', shape: [1], sample: (n) => ({ x: tf.zeros([n, 1]) }), sampleArray: (n) => ({ x: new Float32Array(n) }) };
  return createSession({
    data,
    G,
    D,
    objective: { loss: wasserstein, penalties: [], constraints: [], discriminator: 'classifier' },
    optimizers: { g: make(), d: make() },
    noise: { dim: 1, distribution: 'normal' },
    batchSize: 4,
    dStepsPerG: 1,
    game,
    seed: 0,
  });
}

/** (x, y) = (ψ, θ) after each of `n` steps, the start first. */
async function diracPath(session: GanSession, n: number): Promise<{ x: number; y: number }[]> {
  const point = () => ({ x: session.D.params[0].variable.dataSync()[0], y: session.G.params[0].variable.dataSync()[0] });
  const path = [point()];
  for (let i = 0; i < n; i++) {
    await runSteps(session, 1);
    path.push(point());
  }
  return path;
}

const distance = (p: { x: number; y: number }) => Math.hypot(p.x, p.y);

describe('game schemes on the bilinear game x·y (the Dirac-GAN with the WGAN loss)', () => {
  const start = { theta: 1, psi: 0.5 };
  const d0 = Math.hypot(start.theta, start.psi);
  const cases: [string, GameConfig, 'sgd' | 'optimistic-sgd', BilinearMethod, number, number][] = [
    // [label, scheme, optimizer, theory's method, lr, steps]
    ['simultaneous GD', { name: 'simultaneous' }, 'sgd', 'simultaneous', 0.1, 200],
    ['alternating GD', { name: 'alternating' }, 'sgd', 'alternating', 0.1, 200],
    ['extragradient', { name: 'extragradient' }, 'sgd', 'extragradient', 0.3, 200],
    ['optimistic GD', { name: 'simultaneous' }, 'optimistic-sgd', 'optimistic', 0.2, 300],
    ['consensus (γ = 1)', { name: 'consensus', gamma: 1 }, 'sgd', 'consensus', 0.1, 150],
  ];

  it.each(cases)('%s follows the closed-form update step for step', async (_label, game, optimizer, method, lr, steps) => {
    const path = await diracPath(diracSession(game, optimizer, lr, start), steps);
    const theory = bilinearTrajectory(method, { lr, consensusWeight: 1 }, { x: start.psi, y: start.theta }, steps);
    path.forEach((p, i) => {
      // float32 against float64: agreement to 1e-4 of the current distance (plus an absolute floor).
      const tolerance = 1e-4 * Math.max(distance(theory[i]), 1e-3);
      expect(Math.abs(p.x - theory[i].x)).toBeLessThan(tolerance);
      expect(Math.abs(p.y - theory[i].y)).toBeLessThan(tolerance);
    });
  });

  it('simultaneous GD spirals out: the distance grows by exactly √(1 + η²) a step', async () => {
    const lr = 0.1;
    const n = 200;
    const end = distance((await diracPath(diracSession({ name: 'simultaneous' }, 'sgd', lr, start), n))[n]);
    expect(end / d0).toBeCloseTo((1 + lr * lr) ** (n / 2), 3); // 2.70…
    expect(end).toBeGreaterThan(2.5 * d0);
  });

  it.each([
    // The update matrices of extragradient and consensus are scaled rotations: the distance shrinks
    // by exactly their spectral radius ρ a step, so after n steps it is ρⁿ·d₀.
    ['extragradient', { name: 'extragradient' }, 'extragradient', 0.3, 200],
    ['consensus (γ = 1)', { name: 'consensus', gamma: 1 }, 'consensus', 0.1, 150],
  ] as const)('%s converges: the distance is ρⁿ·d₀ with ρ from the closed form', async (_label, game, method, lr, n) => {
    const rho = bilinearSpectralRadius(method, { lr, consensusWeight: 1 });
    expect(rho).toBeLessThan(1);
    const bound = rho ** n * d0;
    const end = distance((await diracPath(diracSession(game, 'sgd', lr, start), n))[n]);
    expect(end).toBeLessThan(bound * 1.001);
    expect(end).toBeGreaterThan(bound * 0.999);
    expect(end).toBeLessThan(1e-3 * d0);
  });

  it('optimistic GD converges: below the distance its 4×4 linear recursion predicts, far below the start', async () => {
    const lr = 0.2;
    const n = 300;
    const theory = bilinearTrajectory('optimistic', { lr }, { x: start.psi, y: start.theta }, n);
    const bound = distance(theory[n]) * 1.001;
    // ρ = √((1 + √(1 − 4η²))/2) ≈ 0.979 per step: ρ³⁰⁰ ≈ 1.7e-3.
    expect(bilinearSpectralRadius('optimistic', { lr }) ** n).toBeLessThan(2e-3);
    const end = distance((await diracPath(diracSession({ name: 'simultaneous' }, 'optimistic-sgd', lr, start), n))[n]);
    expect(end).toBeLessThan(bound);
    expect(end).toBeLessThan(0.01 * d0);
  });
});

describe('consensus optimization on a tiny MLP session', () => {
  it('the regularizer’s gradient γ·∇(½‖v‖²) matches central finite differences to 1e-3', () => {
    const gamma = 0.5;
    const s = sessionFromConfig(
      tinyConfig({ batchSize: 16, model: { g: { hidden: [8], act: 'tanh' }, d: { hidden: [8], act: 'tanh' } }, optim: { game: { name: 'consensus', gamma } } }),
    );
    const dBatch = drawDBatch(s);
    const gBatch = drawGBatch(s);
    /** γ·½‖v‖² from first-order gradients only. */
    const term = (): number => {
      const d = evaluateD(s, dBatch);
      const g = evaluateG(s, gBatch);
      const total = tf.tidy(() => tf.addN([...d.grads, ...g.grads].map((t) => tf.sum(tf.square(t)))).dataSync()[0]);
      tf.dispose([...d.grads, ...g.grads]);
      return 0.5 * gamma * total;
    };
    const result = consensusGradients(s, dBatch, gBatch, gamma, true);
    expect(result.term).toBeCloseTo(term(), 4);
    const reg = result.regularizer!;
    const params = [...s.D.params, ...s.G.params];
    const analytic = [...reg.d, ...reg.g];
    const rng = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    // Directions in D's weights only, in G's only, and in both: each block of Jᵀv is checked.
    for (const [which, seed] of [['D', 1], ['G', 2], ['both', 3]] as const) {
      const next = rng(seed);
      const dirs = params.map((p, i) => {
        const inBlock = which === 'both' || (which === 'D') === i < s.D.params.length;
        return tf.tensor(Array.from({ length: p.variable.size }, () => (inBlock ? next() : 0)), p.variable.shape);
      });
      const norm = Math.sqrt(tf.tidy(() => tf.addN(dirs.map((t) => tf.sum(tf.square(t)))).dataSync()[0]));
      const h = 1e-2 / norm;
      const shift = (sign: number) => params.forEach((p, i) => p.variable.assign(tf.tidy(() => tf.add(p.variable, tf.mul(dirs[i], sign * h)))));
      shift(1);
      const plus = term();
      shift(-2);
      const minus = term();
      shift(1);
      const fd = (plus - minus) / (2 * h);
      const exact = tf.tidy(() => tf.addN(analytic.map((g, i) => tf.sum(tf.mul(g, dirs[i])))).dataSync()[0]);
      expect(Math.abs(fd - exact) / Math.abs(exact)).toBeLessThan(1e-3);
      tf.dispose(dirs);
    }
    tf.dispose([...analytic, ...result.d.grads, ...result.g.grads]);
    disposeBatch(dBatch);
    disposeBatch(gBatch);
  });
});

describe('alternating is today’s step, unchanged', () => {
  // Recorded from the step before game schemes existed (tinyConfig, cpu backend).
  const recorded = {
    default: [
      { dLoss: 1.279571771621704, gLoss: 0.5853549242019653, dReal: 0.8054694533348083, dFake: 0.6135833859443665, gradNormD: 7.344140529632568, gradNormG: 2.5574166774749756 },
      { dLoss: 1.1565134525299072, gLoss: 0.5666292309761047, dReal: 0.8238623142242432, dFake: 0.5812864303588867, gradNormD: 7.173824310302734, gradNormG: 2.1406362056732178 },
      { dLoss: 1.1175510883331299, gLoss: 0.705060601234436, dReal: 0.8413042426109314, dFake: 0.5872384905815125, gradNormD: 6.6068196296691895, gradNormG: 1.8579814434051514 },
    ],
    'wgan-gp, 2 D steps': [
      { dLoss: 0.06384468078613281, gLoss: -0.2632047235965729, dReal: 1.6240975856781006, dFake: 0.4184839427471161, gradNormD: 33.895450592041016, gradNormG: 5.627719879150391 },
      { dLoss: -0.6342581510543823, gLoss: -0.2400132119655609, dReal: 1.9865751266479492, dFake: 0.35168612003326416, gradNormD: 29.196773529052734, gradNormG: 3.240323543548584 },
      { dLoss: -1.6390867233276367, gLoss: -0.17388299107551575, dReal: 2.349700927734375, dFake: 0.25525107979774475, gradNormD: 21.94584083557129, gradNormG: 3.452436923980713 },
    ],
  };
  it.each([
    ['default', {}],
    ['wgan-gp, 2 D steps', { loss: { name: 'wgan-gp' }, dStepsPerG: 2 }],
  ] as const)('%s: the records of 3 steps are those recorded before the change', (name, over) => {
    const implicit = sessionFromConfig(tinyConfig(over));
    const explicit = sessionFromConfig(tinyConfig({ ...over, optim: { game: { name: 'alternating' } } }));
    const a = [0, 1, 2].map(() => withoutTime(ganStep(implicit)));
    const b = [0, 1, 2].map(() => withoutTime(ganStep(explicit)));
    expect(b).toEqual(a);
    a.forEach((r, i) => {
      for (const [k, v] of Object.entries(recorded[name][i])) expect(r[k as keyof typeof r]).toBeCloseTo(v, 6);
    });
  });
});

describe('one player alone (the lab\'s "step D" / "step G")', () => {
  it('on x·y with SGD: D\'s update is ψ − ηθ with θ held, G\'s θ + ηψ with ψ held, and the step count stays', () => {
    const eta = 0.1;
    const session = diracSession({ name: 'alternating' }, 'sgd', eta, { theta: 1, psi: 0.5 });
    const point = () => [session.D.params[0].variable.dataSync()[0], session.G.params[0].variable.dataSync()[0]];
    const d = playerStep(session, 'd');
    expect(d.player).toBe('d');
    expect(point()[0]).toBeCloseTo(0.5 - eta * 1, 6);
    expect(point()[1]).toBeCloseTo(1, 6);
    const [psi] = point();
    const g = playerStep(session, 'g');
    expect(g.player).toBe('g');
    expect(point()[0]).toBeCloseTo(psi, 6);
    expect(point()[1]).toBeCloseTo(1 + eta * psi, 6);
    expect(session.step).toBe(0);
  });

  it('a D update then a G update is one alternating step: the same weights and numbers as ganStep', () => {
    const a = sessionFromConfig(tinyConfig({}));
    const b = sessionFromConfig(tinyConfig({}));
    const record = ganStep(a);
    const d = playerStep(b, 'd');
    const g = playerStep(b, 'g');
    expect(weights(b)).toEqual(weights(a));
    if (d.player !== 'd' || g.player !== 'g') throw new Error('players swapped');
    expect([d.stats.dLoss, d.stats.gradNormD, g.stats.gLoss, g.stats.gradNormG]).toEqual([record.dLoss, record.gradNormD, record.gLoss, record.gradNormG]);
    expect(b.step).toBe(0);
  });

  it('refuses a non-finite update before any weight changes', () => {
    const session = diracSession({ name: 'alternating' }, 'sgd', 0.1, { theta: Number.NaN, psi: 0.5 });
    const psi = session.D.params[0].variable.dataSync()[0];
    expect(() => playerStep(session, 'd')).toThrow(DivergenceError);
    expect(session.D.params[0].variable.dataSync()[0]).toBe(psi);
  });
});

describe('every scheme in the GAN step', () => {
  const schemes: GameConfig[] = [{ name: 'simultaneous' }, { name: 'extragradient' }, { name: 'consensus', gamma: 1 }];

  it.each(schemes)('$name: calls the stabilizers’ hooks at their points, once per evaluation', (game) => {
    const calls: string[] = [];
    const spy: Stabilizer = {
      name: 'spy',
      step: {
        beforeDStep: ({ step }) => void calls.push(`beforeD@${step}`),
        dInput: (x, { source, player }) => (calls.push(`input ${source}→${player}`), x),
        dTerm: () => (calls.push('dPenalty'), tf.scalar(0.25)),
        gLoss: (loss, { dOptimizer }) => (calls.push(`gObjective dOptimizer=${dOptimizer?.name}`), loss),
        afterDStep: () => void calls.push('afterD'),
        afterGStep: ({ step }) => void calls.push(`afterG@${step}`),
      },
    };
    const s = withStabilizers(sessionFromConfig(tinyConfig({ optim: { game } })), [spy]);
    const r = ganStep(s);
    const evaluation = ['input real→d', 'input fake→d', 'dPenalty', 'input fake→g', 'gObjective dOptimizer=adam'];
    const evaluations = game.name === 'extragradient' ? [...evaluation, ...evaluation] : evaluation;
    expect(calls).toEqual(['beforeD@0', ...evaluations, 'afterD', 'afterG@0']);
    expect(r.dPenalty).toBeCloseTo(0.25, 6);
    if (game.name === 'consensus') expect(r.extras?.consensusTerm).toBeGreaterThan(0);
    else expect(r.extras).toBeUndefined();
  });

  it.each(schemes)('$name: D’s update never moves G’s weights, and nothing leaks over 20 steps', async (game) => {
    const s = sessionFromConfig(tinyConfig({ optim: { game }, model: { d: { norm: 'batch' } } }));
    s.optimizers.g.dispose();
    s.optimizers.g = noop;
    const g0 = s.G.params.map((p) => Array.from(p.variable.dataSync()));
    ganStep(s); // creates D's optimizer slots
    const before = tf.memory().numTensors;
    await runSteps(s, 20);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.G.params.map((p) => Array.from(p.variable.dataSync()))).toEqual(g0);
  });

  it('simultaneous: G’s gradient is taken before D’s update, unlike alternating’s', () => {
    // Same batches in the same order: D's numbers agree, G's differ (D moved in between).
    const alt = withoutTime(ganStep(sessionFromConfig(tinyConfig())));
    const sim = withoutTime(ganStep(sessionFromConfig(tinyConfig({ optim: { game: { name: 'simultaneous' } } }))));
    expect(sim.dLoss).toBe(alt.dLoss);
    expect(sim.gradNormD).toBe(alt.gradNormD);
    expect(sim.gLoss).not.toBe(alt.gLoss);
  });

  it.each(schemes)('$name: refuses a non-finite update before any weight changes', (game) => {
    const s = sessionFromConfig(tinyConfig({ optim: { game, d: { name: 'sgd', lr: 1e30 }, g: { name: 'sgd', lr: 1e30 } } }));
    let err: unknown;
    let good: number[][] = [];
    try {
      for (let i = 0; i < 20; i++) {
        good = weights(s);
        ganStep(s);
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/training diverged at step \d+: [DG]'s .*= (NaN|Infinity|-Infinity).*weights were not updated/);
    expect(weights(s)).toEqual(good);
  });

  it('extragradient: an extrapolated point that overflows is undone before the error', () => {
    // At lr 1e30 the first gradients are finite, the ones at the extrapolated weights are not.
    const s = sessionFromConfig(tinyConfig({ optim: { game: { name: 'extragradient' }, d: { name: 'sgd', lr: 1e30 }, g: { name: 'sgd', lr: 1e30 } } }));
    const before = weights(s);
    expect(() => ganStep(s)).toThrow(DivergenceError);
    expect(weights(s)).toEqual(before);
    expect(s.step).toBe(0);
  });
});

describe('resume', () => {
  it.each([
    ['optimistic Adam, extragradient, cosine with warmup', { optim: { game: { name: 'extragradient' }, schedule: { name: 'cosine', warmup: 2 }, d: { name: 'optimistic-adam', lr: 1e-3 }, g: { name: 'optimistic-adam', lr: 1e-3 } } }],
    // Consensus' gradients are ~25× plain ones on this net at γ = 1 (Jᵀv): γ = 0.1 keeps SGD at lr 1e-2 stable.
    ['optimistic GD, consensus, linear', { optim: { game: { name: 'consensus', gamma: 0.1 }, schedule: { name: 'linear', final: 0.2 }, d: { name: 'optimistic-sgd' }, g: { name: 'optimistic-sgd' } } }],
    ['optimistic Adam, simultaneous, wgan-gp', { loss: { name: 'wgan-gp' }, optim: { game: { name: 'simultaneous' }, d: { name: 'optimistic-adam' }, g: { name: 'adam' } } }],
  ])('%s: N steps straight equal N/2, checkpoint, restore into a new session, N/2', async (_name, over) => {
    const config = tinyConfig({ ...over, steps: 8 });
    const whole = sessionFromConfig(config);
    const a = [...Array(8)].map(() => withoutTime(ganStep(whole)));
    const first = sessionFromConfig(config);
    const b = [...Array(4)].map(() => withoutTime(ganStep(first)));
    const checkpoint = await encodeCheckpoint(first);
    const names = checkpoint.manifest.weightsManifest[0].weights.map((w) => w.name);
    if (config.optim.d.name === 'optimistic-adam') expect(names).toContain('optim/d/D/dense0/kernel/prevStep');
    if (config.optim.d.name === 'optimistic-sgd') expect(names).toContain('optim/d/D/dense0/kernel/prevGrad');
    const resumed = sessionFromConfig(config);
    restoreCheckpoint(resumed, checkpoint, 'memory');
    b.push(...[...Array(4)].map(() => withoutTime(ganStep(resumed))));
    expect(b).toEqual(a);
    expect(weights(resumed)).toEqual(weights(whole));
  });
});

describe('game config', () => {
  it('defaults to alternating; consensus defaults to γ = 10', () => {
    expect(tinyConfig().optim.game).toEqual({ name: 'alternating' });
    expect(tinyConfig({ optim: { game: { name: 'consensus' } } }).optim.game).toEqual({ name: 'consensus', gamma: 10 });
  });

  it.each([
    ['unknown scheme', { optim: { game: { name: 'gda' } } }, /optim\.game\.name: got "gda"; allowed: "alternating", "simultaneous", "extragradient", "consensus"/],
    ['negative gamma', { optim: { game: { name: 'consensus', gamma: -1 } } }, /optim\.game\.gamma: .*(>0|positive|greater)/i],
    ['gamma on another scheme', { optim: { game: { name: 'extragradient', gamma: 1 } } }, /optim\.game: unknown field 'gamma'/],
    ['unknown optimizer', { optim: { d: { name: 'ogd' } } }, /optim\.d\.name: got "ogd"; allowed: "adam", "rmsprop", "sgd", "optimistic-sgd", "optimistic-adam"/],
  ])('%s is refused with the field and what is allowed', (_name, over, message) => {
    const err = configErrorOf(() => resolveConfig({ preset: 'ring8', files: [over] }));
    expect(err.message).toMatch(message);
    expect(err.issues.length).toBeGreaterThan(0);
  });

  it.each(['simultaneous', 'extragradient', 'consensus'] as const)('%s with dStepsPerG > 1 is refused, naming both fields', (name) => {
    const config = resolveConfig({ preset: 'ring8', files: [{ dStepsPerG: 3, optim: { game: { name } } }] });
    const err = configErrorOf(() => sessionFromConfig(config));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `invalid config:\n  optim.game.name: '${name}' updates each player once per step, but dStepsPerG is 3; set dStepsPerG to 1 or optim.game.name to 'alternating'`,
    );
    expect(err.issues).toEqual([{ field: 'optim.game.name', message: expect.stringContaining('dStepsPerG is 3'), received: name }]);
    // A session built by hand is refused by the step itself.
    const s = sessionFromConfig(tinyConfig({ optim: { game: { name } } }));
    expect(() => createSession({ ...s, seed: 0, dStepsPerG: 2 })).toThrow(/optim\.game\.name: .*dStepsPerG is 2/);
  });
});
