import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModel } from '../bench/index.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'torch_reference.py');

/** Python interpreters to try, Debian's first (its python3-torch installs there). */
const PYTHONS = ['/usr/bin/python3', 'python3'];

/** The first python3 that can `import torch`, or why none can. */
export function findTorch(): { python: string; version: string } | { reason: string } {
  if (!existsSync(script)) return { reason: `${script} is missing` };
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return { reason: 'no python3 with PyTorch found (Debian: apt-get install -y python3-torch)' };
}

/** Runs the PyTorch reference of a bench model with `intra` intra-op threads and `blas` OpenBLAS threads; returns its steps/s. */
export function torchStepsPerSecond(python: string, model: BenchModel, threads: number, seconds: number, blas = threads): number {
  const r = spawnSync(python, [script, '--model', model, '--threads', String(threads), '--seconds', String(seconds), '--json'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(blas) },
  });
  if (r.status !== 0) throw new Error(`torch reference failed for ${model}: ${r.stderr.trim().split('\n').pop()}`);
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return (JSON.parse(last) as { stepsPerSecond: number }).stepsPerSecond;
}

/** A PyTorch thread split: intra-op threads × OpenBLAS threads. */
export interface TorchSplit {
  intra: number;
  blas: number;
  stepsPerSecond: number;
}

/**
 * PyTorch at its best on this machine, as a user who tunes it would run it: every sensible split
 * of `cores` between intra-op and BLAS threads (1×1, 1×c, c×1 — never more threads than cores,
 * which oversubscribes), the fastest first.
 */
export function torchBest(python: string, model: BenchModel, cores: number, seconds: number): { best: TorchSplit; tried: TorchSplit[] } {
  const splits = [...new Map([[1, 1], [1, cores], [cores, 1]].map(([intra, blas]) => [`${intra}x${blas}`, { intra, blas }])).values()];
  const tried = splits.map(({ intra, blas }) => ({ intra, blas, stepsPerSecond: torchStepsPerSecond(python, model, intra, seconds, blas) }));
  tried.sort((a, b) => b.stepsPerSecond - a.stepsPerSecond);
  return { best: tried[0], tried };
}
