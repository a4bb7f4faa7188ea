import { availableParallelism, cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { nodeCandidates, useNodeBackend } from '../node/index.ts';
import type { BackendName } from '../tensor/index.ts';
import { exitWithError } from './errors.ts';

async function info(flags: { backend: string; json?: boolean }): Promise<void> {
  const available: { name: string; ok: boolean; details?: Record<string, unknown>; reason?: string }[] = [];
  for (const candidate of nodeCandidates()) {
    try {
      const details = (await candidate.init()) ?? {};
      available.push({ name: candidate.name, ok: true, details });
    } catch (err) {
      available.push({ name: candidate.name, ok: false, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  const chosen = await useNodeBackend(flags.backend as BackendName);
  const facts = {
    node: process.version,
    tfjs: tf.version_core,
    cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}`,
    chosen: { name: chosen.name, ...chosen.details },
    backends: available,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(facts)}\n`);
    return;
  }
  process.stdout.write(`node ${facts.node} · tfjs ${facts.tfjs} · ${facts.cpus}\n\nbackends (auto tries them in this order):\n`);
  for (const b of available) {
    const text = b.ok ? `available${b.details && Object.keys(b.details).length ? ` (${Object.entries(b.details).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}` : `unavailable: ${b.reason}`;
    process.stdout.write(`  ${b.name.padEnd(11)} ${text}\n`);
  }
  process.stdout.write(`\nselected with --backend ${flags.backend}: ${chosen.name}\n`);
}

/** Registers `saddlepoint info`. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the tensor backends available here, the one selected, and the BLAS library and threads')
    .option('--backend <name>', 'backend to select', 'auto')
    .option('--json', 'print the facts as JSON')
    .action((flags: { backend: string; json?: boolean }) => info(flags).catch(exitWithError));
}
