import { sessionFromConfig } from '../../src/run/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { configErrorOf } from '../helpers/errors.ts';

beforeAll(() => selectTestBackend('cpu'));

const firstPenalty = (stabilizers: object[], loss = 'non-saturating') => ganStep(sessionFromConfig(tinyConfig({ loss: { name: loss }, stabilizers }))).dPenalty;

describe('gradient-penalty stabilizer', () => {
  it('joins the objective of any loss, after the loss’s own penalties', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'dragan' }, stabilizers: [{ name: 'gradient-penalty', kind: 'r1' }] }));
    expect(s.objective.penalties.map((p) => p.name)).toEqual(['dragan', 'r1']);
    expect(sessionFromConfig(tinyConfig({ loss: { name: 'hinge' } })).objective.penalties).toEqual([]);
  });

  it.each(['wgan-gp', 'wgan-gp-one-sided', 'dragan', 'r1', 'r2'] as const)('%s: the first step’s penalty is linear in its weight and 0 without it', (kind) => {
    // Same seed, same weights and batches at step 1: only the weight differs.
    const one = firstPenalty([{ name: 'gradient-penalty', kind, weight: 1 }]);
    const three = firstPenalty([{ name: 'gradient-penalty', kind, weight: 3 }]);
    expect(firstPenalty([])).toBe(0);
    if (kind === 'wgan-gp-one-sided' && one === 0) return; // a critic with ‖∇D‖ < 1 everywhere is not penalized
    expect(one).toBeGreaterThan(0);
    expect(three / one).toBeCloseTo(3, 5);
  });

  it('is seen by stabilizers listed before it: minibatch discrimination refuses it', () => {
    const err = configErrorOf(() => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'minibatch-discrimination' }, { name: 'gradient-penalty', kind: 'r1' }] })));
    expect(err.message).toMatch(/stabilizers\[0\]\.name: "minibatch-discrimination" has a first derivative only, and r1 differentiates D twice/);
  });

  it('warns when the loss already carries the same penalty', () => {
    const s = sessionFromConfig(tinyConfig({ loss: { name: 'wgan-gp' }, stabilizers: [{ name: 'gradient-penalty', kind: 'wgan-gp' }] }));
    expect(s.warnings).toEqual([expect.stringMatching(/^stabilizers\[0\] adds a second wgan-gp penalty/)]);
  });

  it('refuses an unknown kind, listing the allowed ones', () => {
    const err = configErrorOf(() => sessionFromConfig(tinyConfig({ stabilizers: [{ name: 'gradient-penalty', kind: 'r3' }] })));
    expect(err.message).toMatch(/stabilizers\[0\]\.kind: .*"wgan-gp".*"r2"/);
  });
});
