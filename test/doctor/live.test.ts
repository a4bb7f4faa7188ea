import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { findingRecord, LiveDoctor } from '../../src/doctor/index.ts';
import type { RunRecord } from '../../src/train/index.ts';
import { evals, ramp, stream, steps } from './streams.ts';

const minimax = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'minimax' }, eval: { every: 100 } }, noRecommendations: true });
const N = 600;
/** A minimax run whose D wins between steps 100 and 200: ‖∇G‖ falls 1000×, D(fake) → 0.001. */
const saturating = stream(
  steps(N, (t) => ({ gradNormG: ramp(t, 100, 200, 0.5, 0.0005), dFake: ramp(t, 100, 200, 0.48, 0.001), dReal: ramp(t, 100, 200, 0.52, 0.995) })),
  evals(N, 100, (t) => (t > 100 ? { dAccuracy: 0.999 } : {})),
) as unknown as RunRecord[];

function feed(doctor: LiveDoctor, records: readonly RunRecord[]) {
  return records.flatMap((r) => doctor.observe(r).map((f) => ({ at: r.step, f })));
}

describe('the live doctor', () => {
  it('reports vanishing gradients once, after two looks in a row, with what the doctor would say afterwards', () => {
    const seen = feed(new LiveDoctor(minimax), saturating);
    expect(seen.map((s) => s.f.pathology)).toEqual(['vanishing-gradients']);
    const [{ at, f }] = seen;
    // Looks every 100 steps and at each eval; the drop passes 100× near step 175: confirmed at the second look after it.
    expect(at).toBeGreaterThanOrEqual(300);
    expect(at).toBeLessThanOrEqual(400);
    expect(f.fromStep).toBeGreaterThan(160);
    expect(f.remedies[0].remedy).toBe('non-saturating');
    const record = findingRecord(at, f);
    expect(record).toMatchObject({ kind: 'finding', step: at, pathology: 'vanishing-gradients', severity: 'critical', fromStep: f.fromStep });
    expect(record.remedies[0].sets).toEqual(['loss.name=non-saturating']);
  });

  it('one look is not a finding: with confirmations 1 it reports a look earlier', () => {
    const once = feed(new LiveDoctor(minimax, [], { confirmations: 1 }), saturating);
    const twice = feed(new LiveDoctor(minimax), saturating);
    expect(once[0].at).toBeLessThan(twice[0].at);
  });

  it('a healthy run gives nothing; nothing is said before the warmup', () => {
    const healthy = stream(steps(N), evals(N, 100)) as unknown as RunRecord[];
    expect(feed(new LiveDoctor(minimax), healthy)).toEqual([]);
    expect(feed(new LiveDoctor(minimax, [], { warmup: 10_000 }), saturating)).toEqual([]);
  });

  it('resumed: what a run recorded is not reported again; a run that had no doctor is reported at the next looks', () => {
    const [{ at, f }] = feed(new LiveDoctor(minimax), saturating);
    const cut = saturating.findIndex((r) => r.step > at + 50);
    const before = [...saturating.slice(0, cut), findingRecord(at, f)];
    expect(feed(new LiveDoctor(minimax, before), saturating.slice(cut))).toEqual([]);
    const withoutDoctor = feed(new LiveDoctor(minimax, saturating.slice(0, cut)), saturating.slice(cut));
    expect(withoutDoctor.map((s) => s.f.pathology)).toEqual(['vanishing-gradients']);
    expect(withoutDoctor[0].at).toBeLessThanOrEqual(at + 150);
  });
});
