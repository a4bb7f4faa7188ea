import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { writeOverlayPlot } from '../node/index.ts';
import { OVERLAY_METRIC_NAMES, type OverlayMetric } from '../report/index.ts';
import { scaleFlag } from './report.ts';
import { exitWithError } from './errors.ts';

interface PlotFlags {
  metric: string;
  out?: string;
  scale?: string;
}

function isMetric(name: string): name is OverlayMetric {
  return (OVERLAY_METRIC_NAMES as string[]).includes(name);
}

async function plot(runDirs: string[], flags: PlotFlags): Promise<void> {
  if (!isMetric(flags.metric)) throw new ConfigError(`invalid config:\n  metric: got "${flags.metric}"; allowed: ${OVERLAY_METRIC_NAMES.join(', ')}`);
  const result = await writeOverlayPlot(runDirs, flags.metric, flags.out ?? `${flags.metric}.png`, { scale: scaleFlag(flags.scale) });
  for (const name of result.leftOut) process.stderr.write(`note: ${name} has no ${flags.metric} values; left out\n`);
  process.stdout.write(`${result.path}\n`);
}

/** Registers `saddlepoint plot RUN_DIR... --metric M [--out FILE.png]`. */
export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('overlay one metric of several runs on one chart (one line per run, legend = run directory name)')
    .argument('<runDirs...>', 'run directories written by saddlepoint train')
    .requiredOption('--metric <name>', `what to plot: ${OVERLAY_METRIC_NAMES.join(', ')}`)
    .option('--out <file>', 'output file, .png or .svg (default: <metric>.png in the current folder)')
    .option('--scale <n>', 'PNG pixels per chart pixel', '2')
    .addHelpText('after', '\nExample:\n  npx saddlepoint plot runs/a runs/b --metric modes --out modes.png')
    .action((runDirs: string[], flags: PlotFlags) => plot(runDirs, flags).catch(exitWithError));
}
