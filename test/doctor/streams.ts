import { resolveConfig } from '../../src/config/index.ts';
import { diagnosisContext, type DiagnosisContext, type RunRecord } from '../../src/doctor/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import type { EvalRecord, StepRecord } from '../../src/train/records.ts';

/** Step records of a calm run at equilibrium (logit loss): D ≈ 0.5 on both, steady gradients, batch noise; `over` changes step t. */
export function steps(n: number, over: (t: number) => Partial<StepRecord> = () => ({}), seed = 1): StepRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = i + 1;
    const noise = () => rng.normal();
    return {
      kind: 'step',
      step: t,
      dLoss: 1.38 + 0.03 * noise(),
      dPenalty: 0,
      gLoss: 0.7 + 0.03 * noise(),
      dReal: 0.52 + 0.02 * noise(),
      dFake: 0.48 + 0.02 * noise(),
      gradNormD: 1 + 0.1 * noise(),
      gradNormG: 0.5 + 0.05 * noise(),
      ms: 5,
      ...over(t),
    } satisfies StepRecord;
  });
}

/** Eval records of a run that fits ring8 well, every `every` steps up to `n`; `over` changes the eval at step t. */
export function evals(n: number, every: number, over: (t: number) => Partial<EvalRecord> = () => ({})): EvalRecord[] {
  const out: EvalRecord[] = [];
  for (let t = every; t <= n; t += every) {
    out.push({
      kind: 'eval',
      step: t,
      samples: 2500,
      modes: 8,
      modesTotal: 8,
      highQuality: 0.9,
      reverseKL: 0.02,
      w1: 0.3 / Math.sqrt(t / every),
      mmd: 0.001,
      dAccuracy: 0.55,
      dReal: 0.52,
      dFake: 0.48,
      diversityPairwise: 1.0,
      diversityNN: 1.05,
      duplicates: 2,
      duplicatesReal: 2,
      coverage: 0.95,
      precision: 0.93,
      rt: 0.1,
      dTrainGap: 0.01,
      sensitivity: 2,
      jacobianCondition: 4,
      sigmaD: 3,
      sigmaG: 2,
      ms: 50,
      ...over(t),
    });
  }
  return out;
}

/** Steps and evals as one record stream, evals after the step they measure (as a run writes them). */
export function stream(s: StepRecord[], e: EvalRecord[]): RunRecord[] {
  return [...s, ...e].sort((a, b) => a.step - b.step || (a.kind === 'step' ? -1 : 1));
}

/** A diagnosis context on ring8 with config changes (e.g. `{ loss: { name: 'minimax' } }`). */
export function context(over: Record<string, unknown> = {}, modesKnown = true): DiagnosisContext {
  const config = resolveConfig({ preset: 'ring8', files: [over] });
  return { ...diagnosisContext(config, []), modesKnown };
}

/** A geometric ramp from a (until t0) to b (from t1). */
export const ramp = (t: number, t0: number, t1: number, a: number, b: number) => (t <= t0 ? a : t >= t1 ? b : a * (b / a) ** ((t - t0) / (t1 - t0)));
