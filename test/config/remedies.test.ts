import { describe, expect, it } from 'vitest';
import { applyRemedy, mergeRemedyPatch, parseRemedyList, REMEDIES, REMEDY_NAMES, type RemedyRegistry } from '../../src/config/remedies.ts';
import { resolveConfig } from '../../src/config/resolve.ts';
import { runConfigSchema } from '../../src/config/schema.ts';
import { configErrorOf } from '../helpers/errors.ts';

const base = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'non-saturating' } } });

describe('remedy registry', () => {
  it.each(REMEDY_NAMES)('%s on ring8 + non-saturating passes the schema and leaves the base untouched', (name) => {
    const before = structuredClone(base);
    const config = applyRemedy(base, name);
    expect(runConfigSchema.parse(config)).toEqual(config);
    expect(base).toEqual(before);
    expect(config.data).toEqual({ kind: 'ring8' });
  });

  it.each([
    ['none', {}],
    ['spectral-norm', { stabilizers: [{ name: 'spectral-norm', iterations: 1 }] }],
    ['pac2', { stabilizers: [{ name: 'packing', m: 2 }] }],
    ['pac4', { stabilizers: [{ name: 'packing', m: 4 }] }],
    ['label-smoothing', { stabilizers: [{ name: 'label-smoothing', real: 0.9, fake: 0 }] }],
    ['instance-noise', { stabilizers: [{ name: 'instance-noise', sigma: 0.1, annealSteps: 2000 }] }],
    ['ema', { stabilizers: [{ name: 'ema', beta: 0.995 }] }],
    ['r1', { stabilizers: [{ name: 'gradient-penalty', kind: 'r1', weight: 10, c: 0.5 }] }],
    ['dropout', { model: { ...base.model, d: { ...base.model.d, dropout: 0.3 } } }],
    ['wgan-gp', { loss: { name: 'wgan-gp', lambda: 10, oneSided: false } }],
    ['hinge', { loss: { name: 'hinge' } }],
    ['least-squares', { loss: { name: 'least-squares', a: 0, b: 1, c: 1 } }],
    ['ttur', { optim: { ...base.optim, d: { ...base.optim.d, lr: 2e-3 } } }],
    ['k5', { dStepsPerG: 5 }],
  ])('%s changes exactly %j', (name, change) => {
    expect(applyRemedy(base, name)).toEqual({ ...base, ...change });
  });

  it('reads the base where the fix is relative to it: TTUR from G’s rate, EMA and instance noise from the run length', () => {
    const short = resolveConfig({ preset: 'ring8', sets: ['steps=50', 'optim.g.lr=1e-4'] });
    expect(applyRemedy(short, 'ttur').optim.d).toEqual({ name: 'adam', lr: 4e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
    expect(applyRemedy(short, 'ema').stabilizers).toEqual([{ name: 'ema', beta: 0.9 }]);
    expect(applyRemedy(short, 'instance-noise').stabilizers).toEqual([{ name: 'instance-noise', sigma: 0.1, annealSteps: 50 }]);
    const long = resolveConfig({ preset: 'ring8', sets: ['steps=100000'] });
    expect(applyRemedy(long, 'ema').stabilizers).toEqual([{ name: 'ema', beta: 0.999 }]);
  });

  it('a combination merges both patches, appending stabilizers to the base’s instead of replacing them', () => {
    const withPenalty = resolveConfig({ preset: 'ring8', files: [{ stabilizers: [{ name: 'weight-penalty', weight: 1e-3 }] }] });
    expect(applyRemedy(withPenalty, 'spectral-norm+pac2').stabilizers).toEqual([
      { name: 'weight-penalty', weight: 1e-3 },
      { name: 'spectral-norm', iterations: 1 },
      { name: 'packing', m: 2 },
    ]);
    const mixed = applyRemedy(base, 'hinge+pac4+k5');
    expect(mixed).toEqual({ ...base, loss: { name: 'hinge' }, stabilizers: [{ name: 'packing', m: 4 }], dStepsPerG: 5 });
    expect(mergeRemedyPatch(withPenalty, { stabilizers: [{ name: 'ema' }], model: { d: { dropout: 0.1 } } })).toMatchObject({
      stabilizers: [{ name: 'weight-penalty', weight: 1e-3 }, { name: 'ema' }],
      model: { d: { dropout: 0.1, hidden: [128, 128, 128] } },
    });
  });

  it('refuses an unknown remedy with a message listing every name', () => {
    const allowed = `${REMEDY_NAMES.join(', ')} (join with +, e.g. spectral-norm+pac2)`;
    expect(configErrorOf(() => applyRemedy(base, 'spectral-nrom')).message).toBe(`invalid config:\n  remedies: got "spectral-nrom"; allowed: ${allowed}`);
    expect(configErrorOf(() => parseRemedyList('none,pac2+pac3')).message).toBe(`invalid config:\n  remedies: got "pac3" in "pac2+pac3"; allowed: ${allowed}`);
  });

  it.each([
    ['none,,pac2', /expected names separated by commas/],
    ['pac2+', /"pac2\+" has an empty part/],
    ['pac2+pac2', /"pac2\+pac2" lists pac2 twice/],
    ['none, pac2,none', /none is listed twice/],
  ])('refuses the list %j', (text, message) => {
    expect(configErrorOf(() => parseRemedyList(text)).message).toMatch(message);
  });

  it('parses a list into trimmed remedies in order', () => {
    expect(parseRemedyList(' none, spectral-norm + pac2 ,wgan-gp')).toEqual(['none', 'spectral-norm+pac2', 'wgan-gp']);
  });

  it('a patch the schema refuses fails with the config error naming the remedy', () => {
    const registry: RemedyRegistry = { ...REMEDIES, 'no-steps': { summary: 'broken on purpose', patch: () => ({ dStepsPerG: 0 }) } };
    expect(configErrorOf(() => applyRemedy(base, 'no-steps', registry)).message).toBe('invalid config with remedy "no-steps":\n  dStepsPerG: Too small: expected number to be >0 (got 0)');
    expect(configErrorOf(() => applyRemedy(base, 'pac2+no-steps', registry)).message).toMatch(/^invalid config with remedy "pac2\+no-steps" \(at "no-steps"\):\n  dStepsPerG: /);
  });
});
