import type { Command } from 'commander';
import { parseOrThrow } from '../config/errors.ts';
import { runConfigSchema } from '../config/schema.ts';
import { useNodeBackend } from '../node/backends.ts';
import { loadPointsFile } from '../node/points-file.ts';
import { latestCheckpoint, readRunConfig } from '../node/run-dir.ts';
import type { BackendName } from '../tensor/backend.ts';
import { buildSession } from '../train/build.ts';
import { restoreCheckpoint } from '../train/checkpoint.ts';
import { evaluate } from '../train/evaluator.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';

interface EvalFlags {
  checkpoint?: string;
  samples?: string;
  backend: string;
  json?: boolean;
}


async function evalRun(runDir: string, flags: EvalFlags): Promise<void> {
  const stored = readRunConfig(runDir);
  const config = parseOrThrow(runConfigSchema, stored.config, `config in ${runDir}`);
  await useNodeBackend(flags.backend as BackendName);
  const session = buildSession(config, { loadPointsFile });
  const { path, checkpoint } = latestCheckpoint(runDir, positiveIntFlag('--checkpoint', flags.checkpoint));
  restoreCheckpoint(session, checkpoint, path);
  const { record } = evaluate(session, { samples: positiveIntFlag('--samples', flags.samples) ?? config.eval.samples, seed: config.seed, health: config.eval.health });
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
