import { sampleNoise } from '../../src/data/index.ts';
import { sessionFromConfig } from '../../src/run/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOSS_NAMES } from '../../src/losses/index.ts';
import type { Optimizer } from '../../src/optim/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { ganStep, type GanSession, type StepRecord } from '../../src/train/index.ts';
import { DivergenceError } from '../../src/errors.ts';
import type { Stabilizer } from '../../src/stabilizers/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { runSteps, withStabilizers } from '../helpers/steps.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Mean distance of 500 generated samples (fixed noise) from the data's single mode at (3, 0). */
function distanceToMode(session: GanSession): number {
  const pts = tf.tidy(() => session.G.apply(sampleNoise(session.noise, 500, new Rng(99)), { training: false }).arraySync() as number[][]);
  return pts.reduce((sum, [x, y]) => sum + Math.hypot(x - 3, y), 0) / pts.length;
}

const withoutTime = ({ ms: _ms, ...rest }: StepRecord) => rest;
const snapshot = (s: GanSession, who: 'G' | 'D') => s[who].params.map((p) => Array.from(p.variable.dataSync()));
const noop: Optimizer = { name: 'noop', lr: 0, apply() {}, state: () => ({ tensors: new Map(), scalars: {} }), restore() {}, dispose() {} };

describe('the GAN step', () => {
  it.each(LOSS_NAMES)('%s moves G toward the data (distance to the mode halves in 400 steps)', async (name) => {
    const session = sessionFromConfig(tinyConfig({ loss: { name } }));
    const before = distanceToMode(session);
    await runSteps(session, 400);
    const after = distanceToMode(session);
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(before / 2);
  });

  it('D’s update never moves G’s weights, and G’s never moves D’s', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, dStepsPerG: 3 }));
    s.optimizers.g.dispose();
    s.optimizers.g = noop;
    const g0 = snapshot(s, 'G');
    const d0 = snapshot(s, 'D');
    ganStep(s);
    expect(snapshot(s, 'G')).toEqual(g0);
    expect(snapshot(s, 'D')).not.toEqual(d0);

    const t = sessionFromConfig(tinyConfig({ loss: { name: 'non-saturating' } }));
    t.optimizers.d = noop;
    const tg0 = snapshot(t, 'G');
    const td0 = snapshot(t, 'D');
    ganStep(t);
    expect(snapshot(t, 'D')).toEqual(td0);
    expect(snapshot(t, 'G')).not.toEqual(tg0);
  });

  it.each(['non-saturating', 'wgan-gp', 'began'] as const)('%s: no tensor growth over 200 steps', async (name) => {
    const s = sessionFromConfig(tinyConfig({ loss: { name }, model: { d: { norm: 'batch', dropout: 0.1 } } }));
    ganStep(s); // creates the optimizers' slots
    const before = tf.memory().numTensors;
    await runSteps(s, 200);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible: the same seed gives the same records, another seed other ones', () => {
    const run = (seed: number) => {
      const s = sessionFromConfig(tinyConfig({ seed, loss: { name: 'dragan' }, model: { d: { dropout: 0.2 } } }));
      return Array.from({ length: 5 }, () => withoutTime(ganStep(s)));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('records what each step did', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, dStepsPerG: 2 }));
    const r = ganStep(s);
    expect(r.step).toBe(1);
    expect(s.optimizers.d.state().scalars.t).toBe(2);
    expect(s.optimizers.g.state().scalars.t).toBe(1);
    expect(r.dPenalty).toBeGreaterThan(0);
    for (const k of ['dLoss', 'gLoss', 'dReal', 'dFake', 'gradNormD', 'gradNormG', 'ms'] as const) expect(Number.isFinite(r[k])).toBe(true);
    const ns = ganStep(sessionFromConfig(tinyConfig()));
    expect(ns.dReal).toBeGreaterThan(0);
    expect(ns.dReal).toBeLessThan(1); // a probability for logit losses
  });

  it('calls the stabilizers’ hooks at their points, in order, and counts their terms in the record', () => {
    const calls: string[] = [];
    const spy: Stabilizer = {
      name: 'spy',
      step: {
        beforeDStep: ({ step }) => void calls.push(`beforeD@${step}`),
        dInput: (x, { source, player }) => (calls.push(`input ${source}→${player}`), x),
        dTerm: ({ dReal, dFake }) => (calls.push(`dPenalty ${dReal.shape[0]}/${dFake.shape[0]}`), tf.scalar(0.25)),
        gLoss: (loss, { real, fakeFeatures }) => (calls.push(`gObjective real=${real !== undefined} features=${[...fakeFeatures.keys()].join(',')}`), tf.add(loss, 100)),
        afterDStep: () => void calls.push('afterD'),
        afterGStep: ({ step }) => void calls.push(`afterG@${step}`),
        values: (step) => ({ spyStep: step }),
      },
    };
    const plain = sessionFromConfig(tinyConfig({ dStepsPerG: 2 }));
    const s = withStabilizers(sessionFromConfig(tinyConfig({ dStepsPerG: 2 })), [spy]);
    const a = ganStep(plain);
    const b = ganStep(s);
    expect(calls).toEqual([
      'beforeD@0',
      'input real→d',
      'input fake→d',
      'dPenalty 64/64',
      'afterD',
      'beforeD@0',
      'input real→d',
      'input fake→d',
      'dPenalty 64/64',
      'afterD',
      'input fake→g',
      'gObjective real=false features=D/dense0,D/dense1,D/dense2',
      'afterG@0',
    ]);
    expect(b.dPenalty).toBeCloseTo(0.25, 6);
    expect(b.dLoss).toBeCloseTo(a.dLoss + 0.25, 4);
    expect(b.gLoss).toBeCloseTo(a.gLoss + 100, 3);
    expect(b.extras).toEqual({ spyStep: 0 });
    expect(a.extras).toBeUndefined();
  });

  it('refuses a non-finite update before applying it', () => {
    const s = sessionFromConfig(tinyConfig({ optim: { d: { name: 'sgd', lr: 1e30 }, g: { name: 'sgd', lr: 1e30 } } }));
    let err: unknown;
    let good: number[][] = [];
    try {
      for (let i = 0; i < 20; i++) {
        good = snapshot(s, 'D');
        ganStep(s);
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/training diverged at step \d+: [DG]'s .*= (NaN|Infinity|-Infinity)/);
    // The offending update was not applied to D.
    if ((err as Error).message.includes("D's")) expect(snapshot(s, 'D')).toEqual(good);
  });
});
