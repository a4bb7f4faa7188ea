import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseOrThrow } from '../validate.ts';
import { diagnose, diagnosisContext, formatFinding, toRunRecords } from '../doctor/index.ts';
import { CheckpointError } from '../errors.ts';
import { writeFileAtomic, renderSvg, svgToPng, REPORT_FILES, RUN_FILES, readMetrics, readRunConfig, nodeRunConfigSchema } from '../node/index.ts';
import { diagnosisTimeline } from '../report/index.ts';
import type { StepRecord } from '../train/index.ts';
import { exitWithError } from './errors.ts';
import { scaleFlag } from './report.ts';

interface DoctorFlags {
  json?: boolean;
  plot: boolean;
  scale?: string;
}

/** The timeline's file name inside the run's `plots/`. */
export const TIMELINE_FILE = 'diagnosis.png';

async function doctor(runDir: string, flags: DoctorFlags): Promise<void> {
  const dir = resolve(runDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CheckpointError('no such run directory', dir);
  const stored = readRunConfig(dir);
  const config = parseOrThrow(nodeRunConfigSchema, stored.config, `config in ${join(dir, RUN_FILES.config)}`);
  const metricsPath = join(dir, RUN_FILES.metrics);
  if (!existsSync(metricsPath)) throw new CheckpointError(`no ${RUN_FILES.metrics}: the run has no records to diagnose`, dir);
  const records = toRunRecords(readMetrics(metricsPath), metricsPath);
  const findings = diagnose(records, diagnosisContext(config, records));
  const out: string[] = [`${dir}`, `${findings.length} finding${findings.length === 1 ? '' : 's'}:`, ...findings.map(formatFinding)];
  if (flags.plot) {
    const steps = records.filter((r): r is StepRecord => r.kind === 'step');
    const svg = await renderSvg(diagnosisTimeline(steps, findings));
    const path = join(dir, REPORT_FILES.plots, TIMELINE_FILE);
    writeFileAtomic(path, svgToPng(svg, { scale: scaleFlag(flags.scale) }));
    out.push(`timeline: ${path}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ findings })}\n`);
}

/** Registers `saddlepoint doctor RUN_DIR [--json]`. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('name what went wrong in a run (or that it is healthy), since when, the numbers that show it, and the --set changes to try')
    .argument('<runDir>', 'a run directory written by saddlepoint train')
    .option('--json', 'print { "findings": [...] } as the last stdout line')
    .option('--no-plot', `do not write plots/${TIMELINE_FILE}`)
    .option('--scale <n>', 'PNG pixels per chart pixel', '2')
    .addHelpText('after', '\nExample:\n  npx saddlepoint doctor runs/20261201-120000-ring8-s0 --json')
    .action((runDir: string, flags: DoctorFlags) => doctor(runDir, flags).catch(exitWithError));
}
