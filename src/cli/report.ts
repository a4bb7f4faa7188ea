import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { writeReport } from '../node/index.ts';
import { exitWithError } from './errors.ts';

/** `--scale` as a positive number: PNG pixels per chart pixel. */
export function scaleFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0 && n <= 8)) throw new ConfigError(`invalid config:\n  scale: got "${value}"; expected a number in (0, 8]`);
  return n;
}

async function report(runDir: string, flags: { scale?: string }): Promise<void> {
  const result = await writeReport(runDir, { scale: scaleFlag(flags.scale) });
  for (const s of result.skipped) process.stderr.write(`note: ${s.plot} not drawn: ${s.reason}\n`);
  for (const path of result.plots) process.stdout.write(`${path}\n`);
  process.stdout.write(`${result.html}\n`);
}

/** Registers `saddlepoint report RUN_DIR`. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('draw a run\'s plots (plots/*.png, plots/*.svg) and write a self-contained report.html; prints the paths')
    .argument('<runDir>', 'a run directory written by saddlepoint train')
    .option('--scale <n>', 'PNG pixels per chart pixel', '2')
    .addHelpText('after', '\nExample:\n  npx saddlepoint report runs/20261123-131228-ring8-s0')
    .action((runDir: string, flags: { scale?: string }) => report(runDir, flags).catch(exitWithError));
}
