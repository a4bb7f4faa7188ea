import { sampleNoise } from '../../src/data/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { CheckpointError, ConfigError } from '../../src/errors.ts';
import { LOSS_NAMES, type LossName } from '../../src/losses/index.ts';
import { STABILIZER_NAMES, type StabilizerName } from '../../src/stabilizers/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { evaluate } from '../../src/train/evaluator.ts';
import { encodeCheckpoint, ganStep, restoreCheckpoint, type GanSession, type StepRecord } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Every stabilizer at once, in an order that exercises their composition. */
const ALL = [
  { name: 'spectral-norm' },
  { name: 'feature-matching', mode: 'add', weight: 0.1 },
  { name: 'minibatch-std' },
  { name: 'minibatch-discrimination' },
  { name: 'historical-averaging' },
  { name: 'label-smoothing' },
  { name: 'instance-noise', annealSteps: 50 },
  { name: 'weight-penalty' },
  { name: 'ema', beta: 0.9 },
  { name: 'packing', m: 2 },
];

const withoutTime = ({ ms: _ms, ...rest }: StepRecord) => rest;

const configError = configErrorOf;

describe('stabilizer config', () => {
  it('fills each stabilizer’s defaults and keeps the order', () => {
    const c = tinyConfig({ stabilizers: [{ name: 'packing' }, { name: 'label-smoothing' }, { name: 'instance-noise', sigma: 0.3 }, { name: 'spectral-norm' }] });
    expect(c.stabilizers).toEqual([
      { name: 'packing', m: 2 },
      { name: 'label-smoothing', real: 0.9, fake: 0 },
      { name: 'instance-noise', sigma: 0.3, annealSteps: 1000 },
      { name: 'spectral-norm', iterations: 1 },
    ]);
    expect(tinyConfig().stabilizers).toEqual([]);
  });

  it.each([
    ['unknown name', [{ name: 'dropout' }], /stabilizers\[0\]\.name: got "dropout"; allowed: "spectral-norm", "feature-matching", "minibatch-std", "minibatch-discrimination", "historical-averaging", "label-smoothing", "instance-noise", "weight-penalty", "ema", "packing"/],
    ['unknown field', [{ name: 'ema', beta: 0.99, gamma: 1 }], /stabilizers\[0\]: unknown field 'gamma'/],
    ['beta out of range', [{ name: 'spectral-norm' }, { name: 'ema', beta: 1 }], /stabilizers\[1\]\.beta: .*(<1|less)/i],
    ['packing of 1', [{ name: 'packing', m: 1 }], /stabilizers\[0\]\.m: .*(>=2|greater|too small)/i],
    ['smoothing above 1', [{ name: 'label-smoothing', real: 1.5 }], /stabilizers\[0\]\.real: .*(<=1|less|too big)/i],
    ['fake target above real', [{ name: 'label-smoothing', real: 0.6, fake: 0.7 }], /stabilizers\[0\]\.fake: the fake target must be below the real one \(0\.6\) \(got 0\.7\)/],
    ['no player', [{ name: 'historical-averaging', players: [] }], /stabilizers\[0\]\.players: .*(>=1|at least|too small)/i],
    ['unknown player', [{ name: 'historical-averaging', players: ['e'] }], /stabilizers\[0\]\.players\[0\]: got "e"; allowed: "d", "g"/],
    ['not a list', { name: 'ema' }, /stabilizers: expected array/],
  ])('%s', (_name, stabilizers, message) => {
    const err = configError(() => tinyConfig({ stabilizers }));
    expect(err.message).toMatch(message);
    expect(err.issues.length).toBeGreaterThan(0);
  });

  it('is settable with --set', () => {
    const c = resolveConfig({ preset: 'ring8', sets: ['stabilizers=[{"name":"packing","m":4}]'] });
    expect(c.stabilizers).toEqual([{ name: 'packing', m: 4 }]);
  });
});

/** Where a stabilizer cannot serve a loss, and what the refusal says. */
const REFUSALS: { stabilizer: StabilizerName; losses: LossName[]; message: RegExp }[] = [
  {
    stabilizer: 'label-smoothing',
    losses: ['least-squares', 'wasserstein', 'wgan-gp', 'hinge', 'began', 'relativistic'],
    message: /invalid config:\n {2}stabilizers\[0\]\.name: "label-smoothing" needs a loss that trains D with binary cross-entropy on logits \("minimax", "non-saturating", "dragan"\); loss "[a-z-]+" has no targets to smooth/,
  },
  { stabilizer: 'packing', losses: ['began'], message: /stabilizers\[0\]\.name: "packing" cannot serve BEGAN/ },
  { stabilizer: 'minibatch-std', losses: ['began'], message: /stabilizers\[0\]\.at: got "last", but BEGAN's autoencoder D has no output layer .*allowed here: "input"/ },
  { stabilizer: 'minibatch-discrimination', losses: ['began'], message: /stabilizers\[0\]\.name: "minibatch-discrimination" works on D's last hidden features/ },
  {
    stabilizer: 'minibatch-discrimination',
    losses: ['wgan-gp', 'dragan'],
    message: /stabilizers\[0\]\.name: "minibatch-discrimination" has a first derivative only, and (wgan-gp|dragan) differentiates D twice; use minibatch-std instead/,
  },
];

describe('every stabilizer with every loss', () => {
  const cases = STABILIZER_NAMES.flatMap((s) => LOSS_NAMES.map((l) => [s, l] as const));
  it.each(cases)('%s + %s: trains, or refuses with a ConfigError that says why', (stabilizer, loss) => {
    const build = () => sessionFromConfig(tinyConfig({ loss: { name: loss }, stabilizers: [{ name: stabilizer }] }));
    const refusal = REFUSALS.find((r) => r.stabilizer === stabilizer && r.losses.includes(loss));
    if (refusal) {
      expect(configError(build).message).toMatch(refusal.message);
      return;
    }
    const s = build();
    for (let i = 0; i < 2; i++) {
      const r = ganStep(s);
      for (const k of ['dLoss', 'gLoss', 'gradNormD', 'gradNormG', 'dReal', 'dFake'] as const) expect(Number.isFinite(r[k])).toBe(true);
    }
  });

  it('minibatch-std at the input serves BEGAN', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'began' }, stabilizers: [{ name: 'minibatch-std', at: 'input' }] }));
    expect(s.D.params[0].variable.shape[0]).toBe(3);
    expect(Number.isFinite(ganStep(s).dLoss)).toBe(true);
  });

  it('refuses a batch that does not split into packs', () => {
    expect(configError(() => sessionFromConfig(tinyConfig({ batchSize: 60, stabilizers: [{ name: 'ema' }, { name: 'packing', m: 8 }] }))).message).toMatch(
      /stabilizers\[1\]\.m: got 8; batchSize 60 must be a multiple of it/,
    );
  });

  it('refuses a feature-matching layer D does not have, listing the ones it has', () => {
    expect(configError(() => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'feature-matching', layer: 'D/dense7' }] }))).message).toMatch(
      /stabilizers\[0\]\.layer: got "D\/dense7"; allowed: one of D's recorded layers "D\/dense0", "D\/dense1", "D\/dense2", or -1 to -3/,
    );
  });

  it('warns (in session.warnings, not on stderr) about questionable combinations, and only then', () => {
    const clipped = sessionFromConfig(tinyConfig({ loss: { name: 'wasserstein' }, stabilizers: [{ name: 'spectral-norm' }] }));
    expect(clipped.warnings).toEqual([expect.stringMatching(/^stabilizers\[0\] spectral-norm with weight-clip: both bound D's Lipschitz constant/)]);
    const gp = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, stabilizers: [{ name: 'packing', m: 4 }] }));
    expect(gp.warnings).toEqual([expect.stringMatching(/^stabilizers\[0\] packing with wgan-gp: .*allows √4 per pack/)]);
    expect(sessionFromConfig(tinyConfig({ loss: { name: 'hinge' }, stabilizers: [{ name: 'spectral-norm' }] })).warnings).toEqual([]);
  });
});

describe('stabilized sessions', () => {
  it('no tensor growth over 100 steps with every stabilizer on (and dropout, batch norm in G)', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: ALL, model: { d: { dropout: 0.1 }, g: { norm: 'batch' } } }));
    ganStep(s); // creates the optimizers' slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) ganStep(s);
    expect(tf.memory().numTensors).toBe(before);
    const evalBefore = tf.memory().numTensors;
    evaluate(s, { samples: 300, seed: 1, surfaceResolution: 8 });
    expect(tf.memory().numTensors).toBe(evalBefore);
  });

  it('checkpoints round-trip stabilizer state: a restored session continues exactly', async () => {
    const config = tinyConfig({ stabilizers: ALL });
    const a = sessionFromConfig(config);
    for (let i = 0; i < 5; i++) ganStep(a);
    const ckpt = await encodeCheckpoint(a);
    const names = ckpt.manifest.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toContain('stabilizers/0-spectral-norm/D/dense0/kernel/u');
    expect(names).toContain('stabilizers/0-spectral-norm/D/mbdisc0/T/v');
    expect(names).toContain('stabilizers/4-historical-averaging/g/G/dense0/kernel');
    expect(names).toContain('stabilizers/8-ema/G/dense2/bias');
    expect(ckpt.manifest.state.stabilizers).toEqual({
      '4-historical-averaging': { countD: 6, countG: 6 },
      '6-instance-noise': { rng: expect.objectContaining({ s: expect.any(Array) }) },
    });
    const b = sessionFromConfig(config);
    restoreCheckpoint(b, ckpt, 'memory');
    const tensors = (s: GanSession) => s.stabilizers!.flatMap((st) => [...(st.state?.variables() ?? [])].map(([k, v]) => [k, Array.from(v.dataSync())]));
    expect(tensors(b)).toEqual(tensors(a));
    expect(b.step).toBe(5);
    const next = (s: GanSession) => Array.from({ length: 3 }, () => withoutTime(ganStep(s)));
    expect(next(b)).toEqual(next(a));
  });

  it('refuses a checkpoint written without the stabilizers, naming the missing tensor', async () => {
    const plain = sessionFromConfig(tinyConfig());
    const ckpt = await encodeCheckpoint(plain);
    const stabilized = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'spectral-norm' }] }));
    expect(() => restoreCheckpoint(stabilized, ckpt, 'here')).toThrow(CheckpointError);
    expect(() => restoreCheckpoint(stabilized, ckpt, 'here')).toThrow(/here: tensor 'stabilizers\/0-spectral-norm\/D\/dense0\/kernel\/u' is missing/);
    const noisy = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'instance-noise' }] }));
    expect(() => restoreCheckpoint(noisy, ckpt, 'here')).toThrow(/here: the checkpoint has no state for stabilizer '0-instance-noise'/);
  });

  it('the evaluator generates with EMA weights when present, and with the live ones on request', () => {
    const s = sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'ema', beta: 0.9 }] }));
    for (let i = 0; i < 20; i++) ganStep(s);
    const ema = s.stabilizers![0];
    const expected = (weights: boolean) =>
      tf.tidy(() => {
        const z = sampleNoise(s.noise, 50, new Rng(4).fork('eval').fork('noise'));
        const weight = weights ? (p: (typeof s.G.params)[number]) => ema.evaluation!.generatorWeight!(p) ?? p.variable : undefined;
        return s.G.apply(z, { training: false, weight }).arraySync() as number[][];
      });
    const withEma = evaluate(s, { samples: 50, seed: 4, snapshotPoints: 50 }).snapshot.fake;
    const live = evaluate(s, { samples: 50, seed: 4, snapshotPoints: 50, ema: false }).snapshot.fake;
    const close = (a: number[][], b: number[][]) => a.every((row, i) => row.every((v, j) => Math.abs(v - b[i][j]) < 1e-5));
    expect(close(withEma, expected(true))).toBe(true);
    expect(close(live, expected(false))).toBe(true);
    expect(close(withEma, live)).toBe(false);
  });

  it('the evaluator scores packs with a packed D and draws its surface on packs of copies', () => {
    const s = sessionFromConfig(tinyConfig({ data: { kind: 'ring8' }, stabilizers: [{ name: 'packing', m: 3 }], batchSize: 63 }));
    ganStep(s);
    const { record, snapshot } = evaluate(s, { samples: 500, seed: 1, surfaceResolution: 10 });
    expect(Number.isFinite(record.dAccuracy)).toBe(true);
    expect(record.dReal!).toBeGreaterThan(0);
    expect(record.dReal!).toBeLessThan(1);
    expect(snapshot.surface!.d).toHaveLength(10);
    expect((snapshot.surface!.d as number[][]).every((row) => row.length === 10 && row.every((v) => v > 0 && v < 1))).toBe(true);
  });
});
