import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type Pathology } from '../../src/doctor/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { context, evals, ramp, stream, steps } from './streams.ts';

const N = 400;
const pathologies = (f: Finding[]) => f.map((x) => x.pathology);
const only = (f: Finding[], p: Pathology) => {
  expect(pathologies(f)).toEqual([p]);
  return f[0];
};
/** Log-linear from a to b between steps t0 and t1, flat outside. */

describe('healthy', () => {
  it('a calm, converging run gives one healthy finding with its numbers, and nothing else', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 100)), context()), 'healthy');
    expect(f.severity).toBe('info');
    expect(f.evidence).toMatchObject({ modes: 8, modesTotal: 8, highQuality: 0.9, w1First: 0.3, coverage: 0.95 });
    expect(f.evidence.w1).toBeCloseTo(0.15, 3);
    expect(f.explanation).toContain('W1 0.3 → 0.15 (converging)');
    expect(f.remedies).toEqual([]);
    expect(f.explanation).not.toContain('not converged');
  });

  it('a healthy but young run says its samples are still off the data', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 100, () => ({ precision: 0.01, highQuality: 0.009 }))), context()), 'healthy');
    expect(f.explanation).toContain('0.9 % of samples high quality');
    expect(f.explanation).toContain('not converged yet: only 1 % of generated samples lie on the data (precision)');
  });

  it('also for records without evaluations or health fields', () => {
    expect(pathologies(diagnose(steps(N), context()))).toEqual(['healthy']);
    expect(pathologies(diagnose([], context()))).toEqual(['healthy']);
  });
});

describe('vanishing-gradients', () => {
  const saturating = (drop: number, dFake: number) =>
    steps(N, (t) => ({ gradNormG: ramp(t, 100, 200, 0.5, 0.5 / drop), dFake: ramp(t, 100, 200, 0.48, dFake), dReal: ramp(t, 100, 200, 0.52, 0.995) }));

  it('minimax with ‖∇G‖ down 1000× while D(fake) → 0.001: critical, from where the drop passes 100×, non-saturating first', () => {
    const ctx = context({ loss: { name: 'minimax' } });
    const f = diagnose(stream(saturating(1000, 0.001), evals(N, 100, (t) => (t > 100 ? { dAccuracy: 0.999 } : {}))), ctx);
    const v = f.find((x) => x.pathology === 'vanishing-gradients')!;
    expect(pathologies(f)).toEqual(['vanishing-gradients']);
    expect(v.severity).toBe('critical');
    // The rolling median (window 8) passes peak/100 about two thirds into the ramp (step ~167) plus half a window.
    expect(v.fromStep).toBeGreaterThan(160);
    expect(v.fromStep).toBeLessThan(185);
    expect(v.evidence.drop).toBeGreaterThan(900);
    expect(v.evidence.drop).toBeLessThan(1100);
    expect(v.evidence.dAccuracy).toBe(0.999);
    expect(v.explanation).toContain('log(1 − D(G(z)))');
    expect(v.remedies[0].remedy).toBe('non-saturating');
    expect(v.remedies[0].change).toBe('--set loss.name=non-saturating');
  });

  it('borderline: a 50× drop is not vanished (D overpowering is reported instead)', () => {
    const f = diagnose(stream(saturating(50, 0.001), evals(N, 100, (t) => (t > 100 ? { dAccuracy: 0.999 } : {}))), context());
    expect(pathologies(f)).toEqual(['discriminator-overpowering']);
  });

  it('minimax: D(fake) at 0.002 saturates the loss 250× even while steep D logits keep ‖∇G‖ up', () => {
    const s = steps(N, (t) => ({ dFake: ramp(t, 100, 200, 0.48, 0.002), dReal: ramp(t, 100, 200, 0.52, 0.995) }));
    const f = only(diagnose(s, context({ loss: { name: 'minimax' } })), 'vanishing-gradients');
    expect(f.evidence.lossFactorDrop).toBeCloseTo(250, 0);
    expect(f.evidence.drop).toBeLessThan(1.5);
    expect(f.explanation).toContain('∝ D(G(z)) = 0.002, 250× less than at D(G(z)) = 0.5');
    // The same numbers with the non-saturating loss, whose derivative is 1 − D(G(z)) ≈ 1, are D overpowering.
    expect(pathologies(diagnose(s, context()))).toEqual(['discriminator-overpowering']);
  });

  it('borderline: minimax at D(fake) 0.008 (62× below chance) is D overpowering, not yet saturation', () => {
    const s = steps(N, (t) => ({ dFake: ramp(t, 100, 200, 0.48, 0.008), dReal: ramp(t, 100, 200, 0.52, 0.995) }));
    expect(pathologies(diagnose(s, context({ loss: { name: 'minimax' } })))).toEqual(['discriminator-overpowering']);
  });

  it('a 1000× drop of ‖∇G‖ while D is still fooled half the time is not saturation', () => {
    const s = steps(N, (t) => ({ gradNormG: ramp(t, 100, 200, 0.5, 0.0005) }));
    expect(pathologies(diagnose(s, context({ loss: { name: 'minimax' } })))).not.toContain('vanishing-gradients');
  });

  it('with the non-saturating loss already in use, that remedy is not offered again', () => {
    const f = diagnose(saturating(1000, 0.001), context());
    expect(f[0].pathology).toBe('vanishing-gradients');
    expect(f[0].remedies.map((r) => r.remedy)).not.toContain('non-saturating');
    expect(f[0].remedies[0].remedy).toBe('wgan-gp');
  });
});

describe('discriminator-overpowering', () => {
  const strongD = (real: number, fake: number) => steps(N, (t) => (t > 100 ? { dReal: real, dFake: fake } : {}));

  it('D(real) 0.99 and D(fake) 0.01 with held-out accuracy 0.99, G still getting a gradient', () => {
    const f = only(diagnose(stream(strongD(0.99, 0.01), evals(N, 100, (t) => (t > 100 ? { dAccuracy: 0.99 } : {}))), context()), 'discriminator-overpowering');
    expect(f.fromStep).toBeGreaterThan(100);
    expect(f.fromStep).toBeLessThan(110);
    expect(f.evidence).toMatchObject({ dAccuracy: 0.99 });
    expect(f.remedies.map((r) => r.remedy)).toEqual(['lower-lr-d', 'instance-noise', 'label-smoothing', 'dropout', 'spectral-norm']);
    expect(f.remedies[0].sets).toEqual(['optim.d={"name":"adam","lr":0.000125}']);
  });

  it('borderline: D(real) 0.94 is short of outright', () => {
    expect(pathologies(diagnose(strongD(0.94, 0.01), context()))).toEqual(['healthy']);
  });

  it('a held-out accuracy below 0.95 overrules the training batches', () => {
    expect(pathologies(diagnose(stream(strongD(0.99, 0.01), evals(N, 100, () => ({ dAccuracy: 0.9 }))), context()))).toEqual(['healthy']);
  });

  it('hinge: a real–fake gap past both margins; Wasserstein critics have no scale to judge and are left alone', () => {
    const hinge = steps(N, (t) => (t > 100 ? { dReal: 1.5, dFake: -1.5 } : {}));
    expect(pathologies(diagnose(hinge, context({ loss: { name: 'hinge' } })))).toEqual(['discriminator-overpowering']);
    expect(pathologies(diagnose(hinge, context({ loss: { name: 'wgan-gp' } })))).toEqual(['healthy']);
  });
});

describe('generator-overpowering', () => {
  const lagging = (gap: number) => steps(N, (t) => (t > 50 ? { dReal: 0.5 - gap / 2, dFake: 0.5 + gap / 2 } : {}));

  it('D(fake) above D(real) by 0.2 for most of the run: TTUR first', () => {
    const f = only(diagnose(lagging(0.2), context()), 'generator-overpowering');
    expect(f.evidence.gap).toBeCloseTo(0.2, 1);
    expect(f.remedies.map((r) => r.remedy)).toEqual(['ttur', 'k5']);
    expect(f.remedies[0].sets).toEqual(['optim.d={"name":"adam","lr":0.002}']);
  });

  it('borderline: a gap of 0.06 (inside batch noise of the equilibrium) is not reported', () => {
    expect(pathologies(diagnose(lagging(0.06), context()))).toEqual(['healthy']);
  });
});

describe('discriminator-overfitting', () => {
  it('r_t 0.8 and a 0.9-logit train/held-out gap over the last evaluations', () => {
    const e = evals(N, 50, (t) => (t >= 250 ? { rt: 0.8, dTrainGap: 0.9 } : {}));
    const f = only(diagnose(stream(steps(N), e), context()), 'discriminator-overfitting');
    expect(f.fromStep).toBe(250);
    expect(f.toStep).toBeUndefined();
    expect(f.evidence).toMatchObject({ rt: 0.8, dTrainGap: 0.9 });
    expect(f.remedies[0].remedy).toBe('instance-noise');
    expect(f.remedies[0].sets).toEqual(['stabilizers=[{"name":"instance-noise","sigma":0.1,"annealSteps":2000}]']);
  });

  it('a strong D without a train/held-out gap (infinite data) is not overfitting; one mid-run blip is not a finding', () => {
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ rt: 0.9, dTrainGap: 0.3 }))), context()))).toEqual(['healthy']);
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, (t) => (t === 200 ? { rt: 0.9, dTrainGap: 2 } : {}))), context()))).toEqual(['healthy']);
  });

  it('an episode that ended is reported with its end', () => {
    const f = diagnose(stream(steps(N), evals(N, 50, (t) => (t >= 150 && t <= 250 ? { rt: 0.7, dTrainGap: 0.6 } : {}))), context());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ pathology: 'discriminator-overfitting', fromStep: 150, toStep: 250 });
  });
});

describe('mode-collapse vs mode-dropping', () => {
  const collapse = (t: number) => (t >= 200 ? { diversityNN: 0.05, diversityPairwise: 0.1, duplicates: 800, duplicatesReal: 3, sensitivity: 0.05, modes: 1, highQuality: 0.95 } : {});

  it('NN distances at 5 % of real and 800 near-duplicates (real: 3), sensitivity down 40×: collapse, critical', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 50, collapse)), context()), 'mode-collapse');
    expect(f.severity).toBe('critical');
    expect(f.fromStep).toBe(200);
    expect(f.evidence).toMatchObject({ diversityNN: 0.05, duplicates: 800, duplicatesReal: 3, sensitivity: 0.05, sensitivityPeak: 2 });
    expect(f.explanation).toContain("sensitivity ‖∂G/∂z‖ fell from 2 to 0.05");
    expect(f.remedies[0].remedy).toBe('unrolled');
  });

  it('borderline: NN ratio 0.25, or duplicates only 9× the real ones, is not collapse', () => {
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, (t) => (t >= 200 ? { diversityNN: 0.25, duplicates: 800 } : {}))), context()))).toEqual(['healthy']);
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, (t) => (t >= 200 ? { diversityNN: 0.05, duplicates: 27, duplicatesReal: 3 } : {}))), context()))).toEqual(['healthy']);
  });

  it('known modes: 5 of 8 covered at 90 % high quality with fine diversity is dropping, not collapse', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 50, (t) => (t >= 100 ? { modes: 5, diversityNN: 0.8, coverage: 0.6 } : {}))), context()), 'mode-dropping');
    expect(f.fromStep).toBe(100);
    expect(f.explanation).toContain('G covers 5 of 8 modes while 90 % of its samples are high quality');
    expect(f.remedies.map((r) => r.remedy).slice(0, 2)).toEqual(['pac2', 'minibatch-std']);
  });

  it('known modes: missing modes with poor samples (HQ 30 %) is not dropping', () => {
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ modes: 5, highQuality: 0.3 }))), context()))).toEqual(['healthy']);
  });

  it('unknown modes: coverage 0.5 at precision 0.9 is dropping; at precision 0.3 it is poor samples, not dropping', () => {
    const noModes = (over: object) => evals(N, 50, () => ({ modes: undefined, modesTotal: undefined, highQuality: undefined, ...over }));
    const f = only(diagnose(stream(steps(N), noModes({ coverage: 0.5, precision: 0.9 })), context({}, false)), 'mode-dropping');
    expect(f.explanation).toContain('G covers 50 % of the real samples');
    expect(f.remedies.map((r) => r.remedy)).not.toContain('curriculum');
    expect(pathologies(diagnose(stream(steps(N), noModes({ coverage: 0.5, precision: 0.3 })), context({}, false)))).toEqual(['healthy']);
    // Borderline: coverage 0.76 is above the 0.75 line.
    expect(pathologies(diagnose(stream(steps(N), noModes({ coverage: 0.76, precision: 0.9 })), context({}, false)))).toEqual(['healthy']);
  });
});

describe('class-collapse (conditional runs)', () => {
  const recall = (low: number[]) => Array.from({ length: 8 }, (_, k) => (low.includes(k) ? 0.01 : 0.6));

  it('class accuracy at 14 % from the second evaluation on: G ignores the class, critical, projection first', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 50, () => ({ classAccuracy: 0.14 }))), context({ model: { condition: 'concat', embedDim: 2 } })), 'class-collapse');
    expect(f.severity).toBe('critical');
    // The first evaluation (step 50) may precede any learning: the finding starts at the second.
    expect(f.fromStep).toBe(100);
    expect(f.explanation).toContain('only 14 % of its samples are of that class');
    expect(f.remedies.map((r) => r.remedy)).toEqual(['projection-d', 'wider-embedding']);
    expect(f.remedies[0].change).toBe('--set model.condition=projection');
    expect(f.remedies[1].change).toBe('--set model.embedDim=8');
  });

  it('ACGAN with classes 2 and 5 at 1 % recall against the best class\'s 60 %: collapsed within, a warning, the lighter classifier term first', () => {
    const f = only(diagnose(stream(steps(N), evals(N, 50, (t) => ({ classAccuracy: 0.97, ...(t >= 200 ? { classRecall: recall([2, 5]) } : {}) }))), context({ model: { condition: 'acgan' } })), 'class-collapse');
    expect(f).toMatchObject({ severity: 'warning', fromStep: 200 });
    expect(f.evidence).toMatchObject({ recall2: 0.01, recall5: 0.01, bestClassRecall: 0.6 });
    expect(f.explanation).toContain('classes 2, 5 collapsed within');
    expect(f.explanation).toContain("ACGAN's classifier term");
    expect(f.remedies.map((r) => r.remedy)).toEqual(['lower-aux-weight', 'projection-d', 'minibatch-std']);
    expect(f.remedies[0].change).toBe('--set model.auxWeight=0.1');
  });

  it('borderline: accuracy 0.31, or every class at low recall (a young run, not one class), is not class collapse; an unconditional run is never read', () => {
    const ctx = context({ model: { condition: 'projection' } });
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ classAccuracy: 0.31 }))), ctx))).toEqual(['healthy']);
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ classAccuracy: 0.9, classRecall: recall([0, 1, 2, 3, 4, 5, 6, 7]) }))), ctx))).toEqual(['healthy']);
    // Borderline: 3 % recall is above the 2 % line.
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ classAccuracy: 0.9, classRecall: recall([]).map((v, k) => (k === 3 ? 0.03 : v)) }))), ctx))).toEqual(['healthy']);
    expect(pathologies(diagnose(stream(steps(N), evals(N, 50, () => ({ classAccuracy: 0.05 }))), context()))).toEqual(['healthy']);
  });
});

describe('oscillation', () => {
  it('D loss swinging with a period of 40 steps', () => {
    const s = steps(N, (t) => ({ dLoss: 1.38 + 0.3 * Math.sin((2 * Math.PI * t) / 40) + 0.03 * Math.cos(t * 12.9898) }));
    const f = only(diagnose(s, context()), 'oscillation');
    expect(f.evidence.period).toBe(40);
    expect(f.evidence.strength).toBeGreaterThan(0.6);
    expect(f.fromStep).toBe(201);
    expect(f.remedies[0]).toMatchObject({ remedy: 'lower-lr', sets: ['optim.g={"name":"adam","lr":0.00005}', 'optim.d={"name":"adam","lr":0.00005}'] });
  });

  it('growing swings of G\'s loss (×6 from the second to the last quarter)', () => {
    const s = steps(N, (t) => ({ gLoss: 0.7 + 0.03 * (1 + 5 * Math.max(0, (t - 200) / 100)) * Math.sin(t * 2.1) }));
    const f = only(diagnose(s, context()), 'oscillation');
    expect(f.evidence.swingGrowth).toBeGreaterThan(4);
    expect(f.evidence.period).toBeUndefined();
  });

  it('borderline: a weak swing buried in noise (amplitude 0.02 under noise 0.03) is not an oscillation', () => {
    // Its autocorrelation at the period is about (0.02²/2) / (0.02²/2 + 0.03²) ≈ 0.18.
    const rng = new Rng(9);
    const s = steps(N, (t) => ({ dLoss: 1.38 + 0.02 * Math.sin((2 * Math.PI * t) / 40) + 0.03 * rng.normal() }));
    expect(pathologies(diagnose(s, context()))).toEqual(['healthy']);
  });
});

describe('non-convergence', () => {
  const w1At = (values: number[]) => evals(N, 100, (t) => ({ w1: values[t / 100 - 1] }));

  it('W1 to the data more than doubling from its best over the last evaluations: moving away, not converging', () => {
    const f = only(diagnose(stream(steps(N), w1At([0.4, 0.5, 1.1, 1.25])), context()), 'oscillation');
    expect(f).toMatchObject({ fromStep: 300, evidence: { w1Best: 0.4, w1: 1.25 } });
    expect(f.explanation).toContain('W1 to the data rose from its best 0.4 to 1.25 (3.125×) since step 300');
  });

  it('borderline: 1.9× its best is not reported; nor is a doubling the run recovered from', () => {
    expect(pathologies(diagnose(stream(steps(N), w1At([0.4, 0.5, 0.7, 0.76])), context()))).toEqual(['healthy']);
    expect(pathologies(diagnose(stream(steps(N), w1At([0.4, 0.9, 1.0, 0.5])), context()))).toEqual(['healthy']);
  });
});

describe('divergence', () => {
  it('a diverged record: critical at its step, lower learning rates first', () => {
    const records = [...steps(150), { kind: 'diverged' as const, step: 151, message: 'non-finite gLoss (NaN) at step 151\nlast good checkpoint: x' }];
    const f = only(diagnose(records, context()), 'divergence');
    expect(f).toMatchObject({ severity: 'critical', fromStep: 151, evidence: { step: 151 } });
    expect(f.explanation).toContain('non-finite gLoss (NaN) at step 151');
    expect(f.explanation).not.toContain('last good checkpoint: x');
    expect(f.remedies.map((r) => r.remedy)).toEqual(['lower-lr', 'spectral-norm', 'r1']);
  });

  it('D gradient norms growing 10⁴× without NaN yet: a warning', () => {
    const f = only(diagnose(steps(N, (t) => ({ gradNormD: ramp(t, 150, 300, 1, 1e4) })), context()), 'divergence');
    expect(f.severity).toBe('warning');
    expect(f.evidence.growth).toBeGreaterThan(5000);
    // 10³× is crossed three quarters into the ramp (step 262), plus half the rolling window.
    expect(f.fromStep).toBeGreaterThan(260);
    expect(f.fromStep).toBeLessThan(275);
  });

  it('borderline: 500× growth is not exploding', () => {
    expect(pathologies(diagnose(steps(N, (t) => ({ gradNormD: ramp(t, 150, 300, 1, 500) })), context()))).toEqual(['healthy']);
  });
});
