import { DataError } from '../errors.ts';
import type { EvalRecord, StepRecord } from '../train/index.ts';
import type { RunRecord } from './types.ts';

const STEP_NUMBERS = ['dLoss', 'dPenalty', 'gLoss', 'dReal', 'dFake', 'gradNormD', 'gradNormG', 'ms'] as const satisfies readonly (keyof StepRecord)[];

/** Every numeric eval field (the health fields included); `spectra` is read apart. */
const EVAL_NUMBERS = [
  'modes', 'modesTotal', 'highQuality', 'reverseKL', 'kl', 'reverseKl', 'js', 'w1', 'mmd', 'dAccuracy', 'dReal', 'dFake', 'criticGap',
  'diversityPairwise', 'diversityNN', 'duplicates', 'duplicatesReal', 'coverage', 'precision', 'rt', 'dTrainGap', 'sensitivity', 'jacobianCondition', 'sigmaD', 'sigmaG',
  'fid', 'classAccuracy', 'auxAccuracy', 'codeAccuracy', 'miCategorical',
] as const satisfies readonly (keyof EvalRecord)[];

/** The per-class eval fields, lists of numbers. */
const EVAL_LISTS = ['classFid', 'classPrecision', 'classRecall'] as const satisfies readonly (keyof EvalRecord)[];

/** JSON writes NaN and ±Infinity as `null`: read them back as NaN, so "non-finite" stays visible to the detectors. */
const numberOf = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);

/**
 * Parsed `metrics.jsonl` lines as typed records for {@link diagnose}: step fields as numbers (null →
 * NaN), eval fields kept as written (null → NaN), `diverged` records with their message; kinds the
 * doctor does not read are dropped. A record without a numeric `step` is a {@link DataError} naming
 * `source` and the line.
 */
export function toRunRecords(raw: readonly Record<string, unknown>[], source: string): RunRecord[] {
  const out: RunRecord[] = [];
  raw.forEach((r, i) => {
    if (r.kind !== 'step' && r.kind !== 'eval' && r.kind !== 'diverged') return;
    if (typeof r.step !== 'number') throw new DataError(`record ${i + 1} (kind "${String(r.kind)}") has no numeric "step"`, source);
    if (r.kind === 'diverged') out.push({ kind: 'diverged', step: r.step, message: String(r.message ?? 'non-finite values') });
    else if (r.kind === 'step') {
      const s: StepRecord = { kind: 'step', step: r.step, dLoss: 0, dPenalty: 0, gLoss: 0, dReal: 0, dFake: 0, gradNormD: 0, gradNormG: 0, ms: 0 };
      for (const k of STEP_NUMBERS) s[k] = numberOf(r[k]);
      out.push(s);
    } else {
      const e: EvalRecord = { kind: 'eval', step: r.step, samples: numberOf(r.samples), ms: numberOf(r.ms) };
      // Absent fields stay absent: "not measured" differs from "measured NaN".
      for (const k of EVAL_NUMBERS) if (k in r) e[k] = numberOf(r[k]);
      for (const k of EVAL_LISTS) if (Array.isArray(r[k])) e[k] = (r[k] as unknown[]).map(numberOf);
      if (r.spectra && typeof r.spectra === 'object') e.spectra = Object.fromEntries(Object.entries(r.spectra).map(([k, v]) => [k, numberOf(v)]));
      out.push(e);
    }
  });
  return out;
}
