import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { DEMO_RUNS, DEMO_SEED, runDemo } from '../node/index.ts';
import { BACKEND_NAMES } from '../tensor/index.ts';
import { progressLine } from './compare.ts';
import { exitWithError } from './errors.ts';
import { intFlag } from './flags.ts';

interface DemoFlags {
  out?: string;
  seed?: string;
  steps?: string;
  backend?: string;
}

async function demo(flags: DemoFlags): Promise<void> {
  const seed = intFlag('--seed', flags.seed) ?? DEMO_SEED;
  const steps = intFlag('--steps', flags.steps);
  if (flags.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(flags.backend)) {
    throw new ConfigError(`invalid config:\n  backend: got "${flags.backend}"; allowed: ${BACKEND_NAMES.join(', ')}`);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = flags.out ?? `runs/demo-${stamp}`;
  if (existsSync(out)) throw new ConfigError(`--out: ${out} already exists; choose another folder or remove it`);
  process.stderr.write(
    `saddlepoint demo · ring8 · seed ${seed} · ${steps ?? 2000} steps · two runs at once: ${DEMO_RUNS.map((r) => r.label).join(' vs ')}\n` +
      'about 90 s on 2 cores…\n',
  );
  const { summary, page } = await runDemo({
    out,
    seed,
    steps,
    backend: flags.backend,
    onRunEnd: (r, finished, total) => process.stderr.write(`${progressLine(r, finished, total)}\n`),
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
  });
  const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  const lines = DEMO_RUNS.map(({ remedy, label }) => {
    const r = summary.runs.find((x) => x.remedy === remedy);
    if (!r?.ok || !r.eval) return `  ${label.padEnd(36)} failed: ${r?.lastStderr ?? '?'}`;
    const e = r.eval;
    return `  ${label.padEnd(36)} ${e.modes} of ${e.modesTotal} modes · ${e.highQuality === null ? '–' : (100 * e.highQuality).toFixed(1)} % high quality · reverse KL ${e.reverseKL === null ? '–' : e.reverseKL.toFixed(3)}`;
  });
  process.stdout.write(`${lines.join('\n')}\n\nThe page with both runs' samples, the numbers and the commands: ${shown(page)}\n`);
  if (summary.failed) process.exitCode = 1;
}

/** Registers `saddlepoint demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('in about 90 s: a GAN that drops modes and the remedy that fixes it, side by side, measured, on one page')
    .option('--out <dir>', 'folder for the two runs and demo.html (default runs/demo-<date>-<time>)')
    .option('--seed <n>', `seed of both runs (default ${DEMO_SEED})`)
    .option('--steps <n>', 'generator steps of each run (default 2000)')
    .option('--backend <name>', `tensor backend: ${BACKEND_NAMES.join(', ')}`)
    .action((flags: DemoFlags) => demo(flags).catch(exitWithError));
}
