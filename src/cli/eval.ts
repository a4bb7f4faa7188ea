import type { Command } from 'commander';
import { fsRunStore, nodeDatasets, prepareData, readRunConfig, useNodeBackend } from '../node/index.ts';
import { evaluateStored } from '../run/index.ts';
import type { BackendName } from '../tensor/index.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';

interface EvalFlags {
  checkpoint?: string;
  samples?: string;
  backend: string;
  json?: boolean;
}


async function evalRun(runDir: string, flags: EvalFlags): Promise<void> {
  const step = positiveIntFlag('--checkpoint', flags.checkpoint);
  const samples = positiveIntFlag('--samples', flags.samples);
  // Refuse a directory that is not a run before choosing a backend.
  const { config } = readRunConfig(runDir);
  await prepareData((config as { data?: unknown } | null)?.data);
  await useNodeBackend(flags.backend as BackendName);
  const store = fsRunStore(runDir);
  const { location: path, record } = await evaluateStored(store, { datasets: nodeDatasets, step, samples });
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
  process.stderr.write(`${path}\n`);
  for (const [k, v] of Object.entries(record)) if (k !== 'kind') process.stderr.write(`  ${k.padEnd(12)} ${fmt(v)}\n`);
  if (flags.json) {
    const { kind: _kind, ...fields } = record;
    process.stdout.write(`${JSON.stringify(fields)}\n`);
  }
}

/** Registers `saddlepoint eval`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .argument('<runDir>', 'a run directory')
    .description('recompute the quality metrics of a run from one of its checkpoints')
    .option('--checkpoint <step>', 'checkpoint step (default: the newest)')
    .option('--samples <n>', 'generated samples to score (default: the run’s eval.samples)')
    .option('--backend <name>', 'tensor backend', 'auto')
    .option('--json', 'print { step, modes, modesTotal, highQuality, reverseKL, js, w1, … } as the last stdout line')
    .action((runDir: string, flags: EvalFlags) => evalRun(runDir, flags).catch(exitWithError));
}
