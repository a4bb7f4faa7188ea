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

/** Runs the PyTorch reference of a bench model with the same threads; returns its steps/s. */
export function torchStepsPerSecond(python: string, model: BenchModel, threads: number, seconds: number): number {
  const r = spawnSync(python, [script, '--model', model, '--threads', String(threads), '--seconds', String(seconds), '--json'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(`torch reference failed for ${model}: ${r.stderr.trim().split('\n').pop()}`);
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return (JSON.parse(last) as { stepsPerSecond: number }).stepsPerSecond;
}
