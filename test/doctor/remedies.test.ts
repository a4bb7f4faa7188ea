import { sessionFromConfig } from '../../src/run/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type RunConfig } from '../../src/config/index.ts';
import { DOCTOR_REMEDIES, diagnosisContext, offerRemedies, type DoctorRemedyName } from '../../src/doctor/index.ts';
import { disposeSession } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

beforeAll(() => selectTestBackend('cpu'));

const BASES: [string, RunConfig][] = [
  ['ring8 minimax', resolveConfig({ preset: 'ring8', flags: { loss: { name: 'minimax' } } })],
  ['mixture1d wgan-gp with k = 5', resolveConfig({ preset: 'mixture1d', flags: { loss: { name: 'wgan-gp' }, dStepsPerG: 5 } })],
  ['tiny ring, packed, spectral norm, sgd', tinyConfig({ stabilizers: [{ name: 'spectral-norm' }, { name: 'packing', m: 2 }], optim: { d: { name: 'sgd', lr: 0.01 } } })],
];
const NAMES = Object.keys(DOCTOR_REMEDIES) as DoctorRemedyName[];

describe.each(BASES)('remedies offered for %s', (_name, base) => {
  const ctx = diagnosisContext(base, []);
  const offered = NAMES.map((name) => [name, offerRemedies([[name, 'because']], ctx)[0]] as const);

  it.each(offered.filter(([, o]) => o !== undefined).map(([name, o]) => [name, o!] as const))('%s: its --set strings resolve to the remedy applied to the run, and it changes the run', (name, offer) => {
    const viaSets = resolveConfig({ files: [{ ...base }], sets: offer.sets });
    // The same remedy applied as `compare` applies it: the patch, then the settings it recommends where the run leaves a field open.
    const direct = resolveConfig({ files: [{ ...base }], remedy: name, remedies: DOCTOR_REMEDIES });
    expect(viaSets).toEqual(direct);
    expect(viaSets).not.toEqual(base);
    expect(offer.change).toBe(offer.sets.map((s) => `--set ${/^[\w.,=:/+@%-]+$/.test(s) ? s : `'${s}'`}`).join(' '));
    expect(offer.why).toBe('because');
  });

  it('offers only what applies: no stabilizer twice, no no-op, no label smoothing outside BCE', () => {
    const skipped = offered.filter(([, o]) => o === undefined).map(([n]) => n);
    expect(skipped).toContain('none');
    for (const s of base.stabilizers) expect(skipped).toContain(s.name === 'packing' ? 'pac2' : s.name);
    if (base.loss.name !== 'minimax' && base.loss.name !== 'non-saturating') expect(skipped).toContain('label-smoothing');
    if (base.dStepsPerG === 1) expect(skipped).toContain('one-d-step');
    else expect(skipped).not.toContain('one-d-step');
  });
});

describe('remedy strings', () => {
  it('keep the run\'s own stabilizers before the added one, and quote JSON for the shell', () => {
    const base = tinyConfig({ stabilizers: [{ name: 'spectral-norm' }] });
    const [offer] = offerRemedies([['pac2', 'x']], diagnosisContext(base, []));
    expect(offer.sets).toEqual(['stabilizers=[{"name":"spectral-norm","iterations":1},{"name":"packing","m":2}]']);
    expect(offer.change).toBe(`--set 'stabilizers=[{"name":"spectral-norm","iterations":1},{"name":"packing","m":2}]'`);
  });

  it('every remedy offered for a tiny run also builds a session', () => {
    const base = tinyConfig({ loss: { name: 'minimax' }, dStepsPerG: 2 });
    const offers = offerRemedies(NAMES.map((n) => [n, 'x'] as const), diagnosisContext(base, []));
    expect(offers.length).toBeGreaterThan(20);
    for (const o of offers) {
      const s = sessionFromConfig(resolveConfig({ files: [{ ...base }], sets: o.sets }));
      disposeSession(s);
    }
  });
});
