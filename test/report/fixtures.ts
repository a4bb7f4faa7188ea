/**
 * Synthetic run directories for the report tests, until the evaluator writes real eval records
 * and snapshots: a ring8 (2-D) or two-mode mixture (1-D) run whose generated samples move from a
 * blob at the origin onto the modes over training, with step records, eval records every
 * `evalEvery` steps, and `samples/<step>.json` snapshots with D's surface.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.ts';
import type { DOutput } from '../../src/losses/types.ts';
import { writeRunConfig } from '../../src/node/run-dir.ts';
import type { EvalRecord, SampleSnapshot, StepRecord } from '../../src/train/records.ts';

/** A seeded uniform generator (mulberry32): fixtures must be the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** Options of {@link syntheticRun}. */
export interface FixtureOptions {
  steps?: number;
  evalEvery?: number;
  dim?: 1 | 2;
  output?: DOutput;
  /** Write eval records (default true). */
  evals?: boolean;
  /** Write sample snapshots (default true). */
  snapshots?: boolean;
  /** End the run with a `diverged` record at this step. */
  divergeAt?: number;
  /** Samples per set in a snapshot. */
  samples?: number;
}

const LOSS_BY_OUTPUT: Record<DOutput, string> = { logit: 'non-saturating', score: 'wgan-gp', energy: 'began' };

function modeCentres(dim: 1 | 2): number[][] {
  if (dim === 1) return [[-2.5], [2.5]];
  return Array.from({ length: 8 }, (_, k) => [2 * Math.cos((2 * Math.PI * k) / 8), 2 * Math.sin((2 * Math.PI * k) / 8)]);
}

/** Step records whose losses settle and whose gradient norms span decades, with a few spikes. */
export function syntheticSteps(n: number, output: DOutput, seed = 1): StepRecord[] {
  const u = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = (i + 1) / n;
    const spike = u() < 0.01 ? 4 : 1;
    const dReal = output === 'logit' ? 0.5 + 0.25 * (1 - t) + 0.03 * gaussian(u) : output === 'score' ? 2 * (1 - t) + 0.2 * gaussian(u) : 0.05 + 0.1 * (1 - t);
    const dFake = output === 'logit' ? 0.5 - 0.2 * (1 - t) + 0.03 * gaussian(u) : output === 'score' ? -2 * (1 - t) + 0.2 * gaussian(u) : 0.3 * (1 - t) + 0.06;
    const dPenalty = output === 'score' ? Math.abs(0.3 * (1 - t) + 0.05 * gaussian(u)) : 0;
    return {
      kind: 'step',
      step: i + 1,
      dLoss: (output === 'logit' ? 1.1 + 0.28 * t : dFake - dReal) + dPenalty + 0.05 * gaussian(u) * spike,
      dPenalty,
      gLoss: (output === 'logit' ? 1.0 - 0.3 * t : -dFake) + 0.05 * gaussian(u) * spike,
      dReal,
      dFake,
      gradNormD: Math.exp(1.5 * (1 - t) + 0.3 * gaussian(u)) * spike,
      gradNormG: Math.exp(0.5 - 2 * t + 0.3 * gaussian(u)) * spike,
      ms: 20 + 5 * u(),
    };
  });
}

/** Generated samples at training progress `t` ∈ [0, 1]: a blob at 0 that moves onto more modes. */
function generated(dim: 1 | 2, t: number, n: number, u: () => number): number[][] {
  const centres = modeCentres(dim);
  // 1-D collapses onto one mode (the classic picture); 2-D covers one more mode every ~1/8 of the run.
  const covered = dim === 1 ? 1 : Math.max(1, Math.round(t * centres.length));
  return Array.from({ length: n }, () => {
    if (u() > t) return centres[0].map(() => 0.6 * gaussian(u));
    const c = centres[Math.floor(u() * covered) % centres.length];
    const std = 0.02 + 0.3 * (1 - t);
    return c.map((v) => v * (dim === 1 ? 1 : t) + std * gaussian(u));
  });
}

function real(dim: 1 | 2, n: number, u: () => number): number[][] {
  const centres = modeCentres(dim);
  const std = dim === 1 ? 0.5 : 0.02;
  return Array.from({ length: n }, () => centres[Math.floor(u() * centres.length)].map((v) => v + std * gaussian(u)));
}

/** D's output where real modes are uncovered (high) and where generated mass sits off the data (low). */
function surfaceAt(point: number[], dim: 1 | 2, t: number, output: DOutput): number {
  const centres = modeCentres(dim);
  const covered = dim === 1 ? 1 : Math.max(1, Math.round(t * centres.length));
  const bump = (c: number[], s: number) => Math.exp(-c.reduce((acc, v, k) => acc + (point[k] - v) ** 2, 0) / (2 * s * s));
  let v = -3 * (1 - t) * bump(centres[0].map(() => 0), 0.8);
  centres.forEach((c, k) => {
    v += (k < covered ? 1 : 3) * bump(c, dim === 1 ? 0.8 : 0.5);
  });
  if (output === 'energy') return Math.max(0.01, 0.5 - 0.15 * v);
  // Like the evaluator: logit surfaces are stored as probabilities, the units of the records.
  return output === 'logit' ? 1 / (1 + Math.exp(-(2 * v - 1))) : v;
}

/** A snapshot at `step` of `steps`, with D's surface on a grid. */
export function syntheticSnapshot(step: number, steps: number, dim: 1 | 2, output: DOutput, samples = 400): SampleSnapshot {
  const u = seeded(step + 7);
  const t = step / steps;
  const lin = (lo: number, hi: number, k: number) => Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1));
  if (dim === 1) {
    const x = lin(-6, 6, 121);
    return { step, dim, real: real(1, samples, u), fake: generated(1, t, samples, u), surface: { x, d: x.map((v) => surfaceAt([v], 1, t, output)), output } };
  }
  const x = lin(-3, 3, 41);
  const y = lin(-3, 3, 41);
  return {
    step,
    dim,
    real: real(2, samples, u),
    fake: generated(2, t, samples, u),
    surface: { x, y, d: y.map((yv) => x.map((xv) => surfaceAt([xv, yv], 2, t, output))), output },
  };
}

/** Eval records whose mode coverage and distances improve over training. */
export function syntheticEvals(steps: number, evalEvery: number, dim: 1 | 2): EvalRecord[] {
  const out: EvalRecord[] = [];
  for (let step = evalEvery; step <= steps; step += evalEvery) {
    const t = step / steps;
    const total = dim === 1 ? 2 : 8;
    const modes = dim === 1 ? 1 : Math.max(1, Math.round(t * total));
    out.push({
      kind: 'eval',
      step,
      samples: 2000,
      modes,
      modesTotal: total,
      highQuality: Math.min(0.98, 0.1 + 0.9 * t),
      reverseKL: Math.log(total / modes),
      js: Math.LN2 * (1 - 0.85 * t),
      w1: 2 * (1 - 0.9 * t),
      ms: 40,
    });
  }
  return out;
}

/** Everything a synthetic run holds. */
export interface SyntheticRun {
  steps: StepRecord[];
  evals: EvalRecord[];
  snapshots: SampleSnapshot[];
}

/** A synthetic run's records and snapshots (see the module comment). */
export function syntheticRun(options: FixtureOptions = {}): SyntheticRun {
  const n = options.divergeAt ?? options.steps ?? 400;
  const every = options.evalEvery ?? 100;
  const dim = options.dim ?? 2;
  const output = options.output ?? 'logit';
  const evals = options.evals === false ? [] : syntheticEvals(n, every, dim).filter((e) => e.step <= n);
  const snapshots = options.snapshots === false ? [] : evals.map((e) => syntheticSnapshot(e.step, options.steps ?? 400, dim, output, options.samples));
  return { steps: syntheticSteps(n, output), evals, snapshots };
}

/**
 * Writes a synthetic run directory at `dir` (config.json, metrics.jsonl with step and eval
 * records interleaved as the trainer writes them, samples/) and returns what it wrote.
 */
export function writeFixtureRun(dir: string, options: FixtureOptions = {}): SyntheticRun {
  const dim = options.dim ?? 2;
  const output = options.output ?? 'logit';
  const config = resolveConfig({ preset: dim === 1 ? 'mixture1d' : 'ring8', flags: { steps: options.steps ?? 400, loss: { name: LOSS_BY_OUTPUT[output] } } });
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  writeRunConfig(dir, config, { backend: 'cpu', saddlepoint: '0.1.0' });
  const run = syntheticRun(options);
  const lines: string[] = [];
  for (const s of run.steps) {
    lines.push(JSON.stringify(s));
    const e = run.evals.find((r) => r.step === s.step);
    if (e) lines.push(JSON.stringify(e));
  }
  if (options.divergeAt !== undefined) lines.push(JSON.stringify({ kind: 'diverged', step: options.divergeAt + 1, message: 'dLoss is NaN at step ' + (options.divergeAt + 1) }));
  writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
  if (run.snapshots.length) {
    mkdirSync(join(dir, 'samples'), { recursive: true });
    for (const s of run.snapshots) writeFileSync(join(dir, 'samples', `${s.step}.json`), JSON.stringify(s));
  }
  return run;
}
