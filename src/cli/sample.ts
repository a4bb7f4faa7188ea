import type { Command } from 'commander';
import { sampleRun, useNodeBackend } from '../node/index.ts';
import type { BackendName } from '../tensor/index.ts';
import { exitWithError } from './errors.ts';
import { intFlag, positiveIntFlag } from './flags.ts';

interface SampleFlags {
  out: string;
  n?: string;
  label?: string;
  seed?: string;
  code?: string;
  input?: string;
  backend: string;
  json?: boolean;
}

async function sample(dir: string, flags: SampleFlags): Promise<void> {
  const n = positiveIntFlag('--n', flags.n);
  const label = intFlag('--label', flags.label, { min: 0 });
  const seed = intFlag('--seed', flags.seed, { min: 0 }) ?? 0;
  await useNodeBackend(flags.backend as BackendName);
  const result = await sampleRun(dir, { out: flags.out, seed, ...(n !== undefined ? { n } : {}), ...(label !== undefined ? { label } : {}), ...(flags.code !== undefined ? { code: flags.code } : {}), ...(flags.input !== undefined ? { input: flags.input } : {}) });
  const grid = result.grid;
  const which = grid
    ? grid.colsShow === 'samples' && grid.rowsShow !== 'samples'
      ? ` (rows: ${grid.rowsShow})`
      : grid.rowsShow === 'samples'
      ? `, codes ${flags.code}`
      : `: ${grid.rows} rows (${grid.rowsShow}) × ${grid.cols} columns (${grid.colsShow})`
    : result.labels
      ? label !== undefined
        ? `, all of class ${label}`
        : ', classes in turn (one per column)'
      : '';
  process.stderr.write(`${result.n} samples from ${dir} at step ${result.step}${which} → ${result.out}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Registers `saddlepoint sample`. */
export function registerSample(program: Command): void {
  program
    .command('sample')
    .description("new samples from a run's generator at its newest checkpoint: an image grid (.png) or points (.csv); --label asks a conditional run for one class, --code an InfoGAN run for its codes, --input a translation run for one image")
    .argument('<run-dir>', 'a run directory written by train')
    .requiredOption('--out <file>', 'where to write: .png for image runs, .csv for point runs')
    .option('--n <count>', 'how many samples (default 64 images or 1,000 points)')
    .option('--label <k>', "a class-conditional run's class for every sample (default: every class in turn)")
    .option('--code <spec>', "an InfoGAN run's codes: 'c1' walks continuous code 1 from −2 to 2 along each row (rows: the categories), 'cat' puts the categories in columns, 'cat=3,c2=0.5' fixes codes")
    .option('--input <image>', "a translation run's source image (PNG/JPEG), translated by G (default: held-out sources with their targets)")
    .option('--seed <s>', 'seed of the noise', '0')
    .option('--backend <name>', 'tensor backend', 'auto')
    .option('--json', 'print the result as JSON on the last stdout line')
    .action((dir: string, flags: SampleFlags) => sample(dir, flags).catch(exitWithError));
}
