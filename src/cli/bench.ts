import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { BENCH_MODELS, type BenchModel } from '../bench/index.ts';
import { ConfigError } from '../errors.ts';
import { benchModel, gemmPeak, profileModel, soakModel, soakPreset, stepFlops, type BenchRow, type SoakResult, useNodeBackend, findTorch, torchBest, type TorchSplit } from '../node/index.ts';
import type { BackendName } from '../tensor/index.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';

interface BenchFlags {
  model: string;
  backend: string;
  steps?: string;
  seconds: string;
  vsTorch?: boolean;
  profile?: boolean;
  soak?: string;
  preset?: string;
  json?: boolean;
  threads?: string;
}

const BENCH_BACKENDS = ['native', 'wasm', 'cpu'] as const;

function pick<T extends string>(flag: string, value: string, allowed: readonly T[], all: readonly T[] = allowed): T[] {
  if (value === 'all') return [...all];
  const chosen = value.split(',') as T[];
  for (const v of chosen) {
    if (!allowed.includes(v)) throw new ConfigError(`${flag}: got "${v}"; allowed: ${[...allowed, 'all'].join(', ')}`);
  }
  return chosen;
}

async function bench(flags: BenchFlags): Promise<void> {
  const models = pick('--model', flags.model, BENCH_MODELS);
  const backends = pick('--backend', flags.backend, [...BENCH_BACKENDS, 'auto'] as const, BENCH_BACKENDS);
  const steps = positiveIntFlag('--steps', flags.steps);
  const seconds = Number(flags.seconds);
  const threads = Math.min(2, availableParallelism());
  const blasThreads = flags.threads === undefined || flags.threads === 'auto' ? ('auto' as const) : positiveIntFlag('--threads', flags.threads)!;
  const torch = flags.vsTorch ? findTorch() : undefined;
  if (torch && 'reason' in torch) process.stderr.write(`--vs-torch skipped: ${torch.reason}\n`);
  const torchRates = new Map<BenchModel, { best: TorchSplit; tried: TorchSplit[] }>();
  const rows: BenchRow[] = [];
  const soaks: SoakResult[] = [];
  const soakSteps = positiveIntFlag('--soak', flags.soak);
  const log = (text: string) => process.stderr.write(`${text}\n`);
  if (flags.preset !== undefined) {
    if (soakSteps === undefined) throw new ConfigError('--preset is for --soak: a preset run with its evaluations; time models with --model');
    const choice = await useNodeBackend(backends[0] as BackendName, blasThreads);
    const soak = await soakPreset(flags.preset, soakSteps, (i, mb) => log(`  ${flags.preset} ${choice.name} step ${i}: RSS ${mb.toFixed(0)} MB`));
    log(`preset ${flags.preset} ${choice.name} ${soak.steps} steps, ${soak.evaluations} evaluations: RSS ${soak.rssStartMB.toFixed(0)} → ${soak.rssEndMB.toFixed(0)} MB (${(soak.rssDrift * 100).toFixed(1)} %), tensors +${soak.tensorGrowth}`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ threads, soaks: [soak] })}\n`);
    return;
  }
  for (const backend of backends) {
    let choice;
    try {
      choice = await useNodeBackend(backend as BackendName, blasThreads);
    } catch (err) {
      log(`${backend}: unavailable (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    let peak: number | undefined;
    for (const model of models) {
      if (flags.profile) {
        const top = await profileModel(model);
        log(`\nprofile ${model} on ${tf.getBackend()} (ms per step by kernel):`);
        for (const k of top.slice(0, 12)) log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(2).padStart(9)} ms  ${(k.share * 100).toFixed(1).padStart(5)} %  ${k.calls.toFixed(0)} calls`);
        continue;
      }
      if (soakSteps !== undefined) {
        const soak = soakModel(model, soakSteps, (i, mb) => log(`  ${model} ${choice.name} step ${i}: RSS ${mb.toFixed(0)} MB`));
        soaks.push(soak);
        log(
          `${model.padEnd(12)} ${choice.name.padEnd(7)} ${soak.steps} steps: RSS ${soak.rssStartMB.toFixed(0)} → ${soak.rssEndMB.toFixed(0)} MB (${(soak.rssDrift * 100).toFixed(1)} %), tensors +${soak.tensorGrowth}`,
        );
        continue;
      }
      const row = benchModel(model, { steps, windowSeconds: seconds });
      row.threads = blasThreads;
      peak ??= gemmPeak();
      row.gflopPerStep = (await stepFlops(model)) / 1e9;
      row.gflops = row.gflopPerStep * row.stepsPerSecond;
      row.gemmPeakGflops = peak;
      if (torch && 'python' in torch) {
        if (!torchRates.has(model)) torchRates.set(model, torchBest(torch.python, model, threads, seconds));
        const { best, tried } = torchRates.get(model)!;
        row.torchStepsPerSecond = best.stepsPerSecond;
        row.torchSplit = { intra: best.intra, blas: best.blas };
        row.torchTried = tried;
        row.ratio = row.stepsPerSecond / best.stepsPerSecond;
      }
      rows.push(row);
      log(
        `${model.padEnd(12)} ${choice.name.padEnd(7)} ${row.stepsPerSecond.toFixed(2).padStart(8)} steps/s ${row.msPerStep.toFixed(1).padStart(8)} ms/step  RSS ${row.peakRssMB.toFixed(0)} MB  tensors +${row.tensorGrowth}` +
          `  ${row.gflops.toFixed(1)} GFLOP/s (${row.gflopPerStep.toFixed(3)} GFLOP a step; ${((100 * row.gflops) / peak).toFixed(0)} % of the 512³ GEMM's ${peak.toFixed(0)})` +
          (row.ratio !== undefined ? `  torch ${row.torchStepsPerSecond!.toFixed(2)} steps/s (best split ${row.torchSplit!.intra}×${row.torchSplit!.blas} intra-op×BLAS threads of ${row.torchTried!.map((t) => `${t.intra}×${t.blas}: ${t.stepsPerSecond.toFixed(1)}`).join(', ')})  ratio = ${row.ratio.toFixed(2)}` : ''),
      );
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(soakSteps === undefined ? { threads, rows } : { threads, soaks })}\n`);
}

/** Registers `saddlepoint bench`. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('time full GAN steps of the reference models on each backend (and against PyTorch)')
    .option('--model <name>', `${BENCH_MODELS.join(', ')} or all`, 'mlp-gan')
    .option('--backend <name>', `${BENCH_BACKENDS.join(', ')}, auto or all`, 'auto')
    .option('--steps <n>', 'steps per timed window (default: windows of --seconds)')
    .option('--seconds <s>', 'minimum seconds per timed window', '2')
    .option('--vs-torch', "also time bench/torch_reference.py (same models) at PyTorch's best thread split on this machine (1×1, 1×N, N×1 intra-op × BLAS threads; printed) and print the ratio")
    .option('--threads <n|auto>', "saddlepoint's OpenBLAS threads on the native backend", 'auto')
    .option('--profile', 'print the kernels that take the time instead of timing')
    .option('--soak <steps>', 'run this many steps and report RSS drift and tensor growth instead of timing')
    .option('--preset <name>', 'with --soak: soak a preset as train runs it, on its data with its evaluations (e.g. mnist-dcgan)')
    .option('--json', 'print { rows: [...] } as the last line of stdout')
    .action((flags: BenchFlags) => bench(flags).catch(exitWithError));
}
