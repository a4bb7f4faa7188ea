import type { Command } from 'commander';
import { imageMetrics, readImageSet, useNodeBackend, METRIC_DATASETS, type ImageMetrics } from '../node/index.ts';
import { ConfigError } from '../errors.ts';
import type { BackendName } from '../tensor/index.ts';
import { exitWithError } from './errors.ts';
import { intFlag, positiveIntFlag } from './flags.ts';

interface MetricsFlags {
  real: string;
  fake: string;
  n?: string;
  nReal?: string;
  nFake?: string;
  seed?: string;
  channels?: string;
  backend: string;
  json?: boolean;
}

const fmt = (v: number, digits = 4) => (Number.isInteger(v) ? String(v) : v.toPrecision(digits));

function printMetrics(m: ImageMetrics): void {
  const lines = [
    `features  ${m.network} (MNIST classifier, penultimate layer)`,
    `real      ${m.real.label}`,
    `fake      ${m.fake.label}`,
    `FID       ${fmt(m.fid)}   (${m.real.n} real vs ${m.fake.n} generated; FID falls as n grows, compare at equal n)`,
    `KID       ${fmt(m.kid.value)} ± ${fmt(m.kid.standardError, 2)}   (${m.kid.subsets} subsets of ${m.kid.subsetSize})`,
    `precision ${fmt(m.precision, 3)}   recall ${fmt(m.recall, 3)}   (k = 3)`,
    `density   ${fmt(m.density, 3)}   coverage ${fmt(m.coverage, 3)}   (k = 5)`,
  ];
  if (m.classifierScore) lines.push(`classifier score  real ${fmt(m.classifierScore.real, 3)}   fake ${fmt(m.classifierScore.fake, 3)}   (of 10)`);
  if (m.stackedModes) lines.push(`digit triples     real ${m.stackedModes.real.modes} (KL ${fmt(m.stackedModes.real.kl, 3)})   fake ${m.stackedModes.fake.modes} (KL ${fmt(m.stackedModes.fake.kl, 3)})   (of 1,000)`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function metrics(flags: MetricsFlags): Promise<void> {
  const n = positiveIntFlag('--n', flags.n);
  const nReal = positiveIntFlag('--n-real', flags.nReal) ?? n;
  const nFake = positiveIntFlag('--n-fake', flags.nFake) ?? n;
  const seed = intFlag('--seed', flags.seed, { min: 0 }) ?? 0;
  const channels = intFlag('--channels', flags.channels, { min: 1 });
  if (channels !== undefined && channels !== 1 && channels !== 3) throw new ConfigError(`invalid config:\n  --channels: got "${flags.channels}"; allowed: 1, 3`);
  await useNodeBackend(flags.backend as BackendName);
  const real = await readImageSet(flags.real, { n: nReal, seed, channels: channels as 1 | 3 | undefined });
  const fake = await readImageSet(flags.fake, { n: nFake, seed, channels: channels as 1 | 3 | undefined });
  for (const set of [real, fake]) for (const s of set.skipped) process.stderr.write(`skipped ${s.file}: ${s.reason}\n`);
  const result = imageMetrics(real, fake, { seed });
  printMetrics(result);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Registers `saddlepoint metrics`. */
export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('FID, KID, precision/recall, density/coverage and the classifier score between two image sets, in the MNIST classifier’s feature space')
    .requiredOption('--real <source>', `reference images: ${METRIC_DATASETS.join(', ')} (mnist = the test split), an image folder, or a run directory`)
    .requiredOption('--fake <source>', 'images to score: a run directory (its generator at the newest checkpoint), an image folder, or a dataset')
    .option('--n <count>', 'images per set (default: all of a folder or dataset; 10,000 from a run)')
    .option('--n-real <count>', 'images of the real set (overrides --n)')
    .option('--n-fake <count>', 'images of the fake set (overrides --n), e.g. 2,000 to match a run’s evaluations')
    .option('--seed <s>', 'seed of the generated samples, Stacked MNIST draws and KID subsets', '0')
    .option('--channels <1|3>', 'read image folders as grey (1, default) or RGB (3: measured per channel, as Stacked MNIST)')
    .option('--backend <name>', 'tensor backend', 'auto')
    .option('--json', 'print the result as JSON on the last stdout line')
    .action((flags: MetricsFlags) => metrics(flags).catch(exitWithError));
}
