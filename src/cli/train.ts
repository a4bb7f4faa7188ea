import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { describeApplied, PRESET_NAMES, parseConfigText, REMEDY_NAMES, resolveConfig, type ConfigSources, type RunConfig } from '../config/index.ts';
import type { FindingRecord, GanSession, InterventionRecord } from '../train/index.ts';
import { formatFinding, type Finding } from '../doctor/index.ts';
import { AUTOPILOT_MAX_INTERVENTIONS } from '../run/index.ts';
import { ConfigError, DivergenceError } from '../errors.ts';
import { LOSSES, LOSS_NAMES } from '../losses/index.ts';
import { checkSizes } from '../config/index.ts';
import { nodeDatasets, exitWithParent, acquireRunLock, availableMemory, cleanTempFiles, readRunConfig, runTraining, useNodeBackend, validateResume, writeReport, writeRunConfig, type RunLock } from '../node/index.ts';
import { BACKEND_NAMES, type BackendName } from '../tensor/index.ts';
import { intFlag, positiveIntFlag } from './flags.ts';
import { onInterrupt } from './interrupt.ts';
import { exitWithError } from './errors.ts';
import { TrainProgress } from './progress.ts';

interface TrainFlags {
  preset?: string;
  config: string[];
  set: string[];
  loss?: string;
  data?: string;
  remedy?: string;
  /** commander's negation of --no-recommended. */
  recommended?: boolean;
  steps?: string;
  seed?: string;
  backend?: string;
  out: string;
  name?: string;
  resume?: string;
  json?: boolean;
  allowChangedConfig?: boolean;
  /** commander's negation of --no-report. */
  report: boolean;
  doctor?: boolean;
  /** true, or the maximum number of interventions. */
  autopilot?: boolean | string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The folder `train` writes run directories to unless `--out` says otherwise (and `serve` reads). */
export const DEFAULT_RUNS_DIR = 'runs';

function readConfigFile(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config file: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseConfigText(text, path);
}

/** The config a `train` invocation describes (preset → files → --set → flags → --remedy), with the recommended settings it brings. */
export function configFromFlags(flags: TrainFlags): RunConfig {
  return resolveConfig(sourcesFromFlags(flags));
}

/**
 * What `--data` names: a folder → the user's images (`image-folder`), a `.csv`/`.json` file → their
 * points, anything else → a data kind (validated with the config, so a typo lists the kinds).
 */
export function dataFromFlag(value: string): Record<string, unknown> {
  if (existsSync(value) && statSync(value).isDirectory()) return { kind: 'image-folder', path: value };
  if (/\.(csv|json)$/i.test(value)) return { kind: 'points', path: value };
  return { kind: value };
}

/** The config sources of a `train` invocation, before they are resolved. */
export function sourcesFromFlags(flags: TrainFlags): ConfigSources {
  const flagConfig: Record<string, unknown> = {};
  if (flags.loss !== undefined) flagConfig.loss = { name: flags.loss };
  const steps = intFlag('--steps', flags.steps);
  if (steps !== undefined) flagConfig.steps = steps;
  const seed = intFlag('--seed', flags.seed);
  if (seed !== undefined) flagConfig.seed = seed;
  if (flags.backend !== undefined) flagConfig.backend = flags.backend;
  if (flags.name !== undefined) flagConfig.name = flags.name;
  if (flags.data !== undefined) flagConfig.data = dataFromFlag(flags.data);
  const preset = flags.preset ?? (flags.config.length === 0 ? 'ring8' : undefined);
  return {
    preset,
    files: flags.config.map(readConfigFile),
    sets: flags.set,
    flags: flagConfig,
    datasets: nodeDatasets,
    remedy: flags.remedy,
    noRecommendations: flags.recommended === false,
  };
}

async function train(flags: TrainFlags): Promise<void> {
  exitWithParent();
  const autopilot = flags.autopilot === undefined || flags.autopilot === false ? undefined : flags.autopilot === true ? AUTOPILOT_MAX_INTERVENTIONS : positiveIntFlag('--autopilot', flags.autopilot)!;

  const resuming = flags.resume !== undefined;
  if (resuming && (flags.preset || flags.config.length || flags.set.length || flags.loss || flags.seed || flags.remedy || flags.recommended === false)) {
    throw new ConfigError('--resume continues a run with its stored config; only --steps, --backend, --doctor and --autopilot may be given with it');
  }
  if (flags.allowChangedConfig && !resuming) throw new ConfigError('--allow-changed-config only applies with --resume');
  const config = resuming ? undefined : configFromFlags(flags);
  if (flags.backend !== undefined && !BACKEND_NAMES.includes(flags.backend as BackendName)) {
    throw new ConfigError(`invalid config:\n  backend: got "${flags.backend}"; allowed: ${BACKEND_NAMES.join(', ')}`);
  }
  // Resume: everything is read and verified before anything is written (validate → lock → clean → write).
  const plan = resuming
    ? validateResume(flags.resume!, { steps: intFlag('--steps', flags.steps), backend: flags.backend as BackendName | undefined, allowChangedConfig: flags.allowChangedConfig })
    : undefined;
  for (const w of plan?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  checkSizes(plan ? plan.config : config!, availableMemory());
  const requested = (flags.backend ?? (plan ? plan.config.backend : config!.backend) ?? 'auto') as BackendName;
  const backend = await useNodeBackend(requested, (plan ? plan.config : config!).threads);
  const backendText = `${backend.name}${Object.keys(backend.details).length ? ` (${Object.entries(backend.details).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`;
  for (const s of backend.skipped) process.stderr.write(`note: backend ${s.name} skipped: ${s.reason}\n`);

  let lock: RunLock | undefined;
  const takeLock = (runDir: string) => {
    lock = acquireRunLock(runDir);
    if (lock.tookOver) process.stderr.write(`note: ${lock.tookOver}\n`);
    for (const path of cleanTempFiles(runDir)) process.stderr.write(`note: removed ${path}, left by an interrupted write\n`);
  };
  if (plan) {
    takeLock(plan.runDir);
    if (plan.configChanged) writeRunConfig(plan.runDir, plan.config, { ...plan.facts, backend: backend.name, backendDetails: backend.details, saddlepoint: '0.1.0' });
  }
  const interrupt = onInterrupt('stopping: saving a checkpoint (Ctrl-C again to quit without it)');
  let progress: TrainProgress | undefined;
  let findings = 0;
  let interventions = 0;
  let runConfigSteps: number | undefined;
  let runDirOf: string | undefined = plan?.runDir;
  const common = {
    outRoot: flags.out,
    label: flags.preset ?? 'run',
    facts: { backend: backend.name, backendDetails: backend.details, saddlepoint: '0.1.0' },
    until: intFlag('--steps', flags.steps),
    doctor: Boolean(flags.doctor || flags.autopilot),
    onWarning: (line: string) => (progress ?? { note: (t: string) => process.stderr.write(`${t}\n`) }).note(line),
    ...(autopilot !== undefined ? { autopilot: { maxInterventions: autopilot } } : {}),
    onFinding(record: FindingRecord, finding: Finding) {
      findings++;
      const text = formatFinding(finding, findings - 1).replace(/^\d+\. /, '');
      (progress ?? { note: (t: string) => process.stderr.write(`${t}\n`) }).note(`doctor at step ${record.step}: ${text}`);
    },
    onIntervention(record: InterventionRecord) {
      interventions++;
      const where = record.step > 0 ? `back to the checkpoint at step ${record.step}` : 'starting over from step 0 (the remedy changes what a checkpoint holds)';
      (progress ?? { note: (t: string) => process.stderr.write(`${t}\n`) }).note(`autopilot ${record.count}/${autopilot}: ${record.pathology} (from step ${record.fromStep}, confirmed at ${record.detectedAt}) → ${where} with ${record.remedy}: ${record.sets.map((x) => `--set '${x}'`).join(' ')}`);
      progress?.stop();
      progress = new TrainProgress(record.step, runConfigSteps ?? record.step);
    },
    onStart({ runDir, config: c, startStep, session }: { runDir: string; config: RunConfig; startStep: number; session: GanSession }) {
      // A new run's directory name is claimed atomically, so locking it here (before any record) is race-free.
      if (!lock) takeLock(runDir);
      runDirOf = runDir;
      for (const w of session.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
      if (startStep === 0 && c.recommended.length) {
        process.stderr.write(`recommended settings applied (set a field to choose your own):\n${describeApplied(c.recommended).map((l) => `  ${l}\n`).join('')}`);
      }
      process.stderr.write(
        `saddlepoint train · data ${c.data.kind} · loss ${c.loss.name} · seed ${c.seed} · ${c.steps} steps · backend ${backendText}\n` +
          `run directory: ${runDir}${startStep > 0 ? ` (resuming at step ${startStep})` : ''}\n`,
      );
      progress = new TrainProgress(startStep, c.steps);
      runConfigSteps = c.steps;
    },
    onRecord: (r: Parameters<TrainProgress['update']>[0]) => progress?.update(r),
    shouldStop: interrupt.requested,
  };
  try {
    const result = await (resuming ? runTraining({ ...common, resume: flags.resume! }) : runTraining({ ...common, config: config! })).catch((err: unknown) => {
      // Exit 3 still ends with the summary a script (compare, sweep) reads: where, when and what is left.
      if (flags.json && err instanceof DivergenceError) {
        progress?.stop();
        const { step, lastGood } = err;
        process.stdout.write(`${JSON.stringify({ runDir: runDirOf, status: 'diverged', step, reason: err.message.split('\n')[0], lastGoodCheckpoint: lastGood ?? null, backend: backend.name })}\n`);
      }
      throw err;
    });
    progress?.stop();
    if (result.status === 'stopped') {
      process.stderr.write(`stopped at step ${result.steps}; checkpoint saved. Resume with: npx saddlepoint train --resume ${result.runDir}\n`);
    } else {
      process.stderr.write(`done: ${result.steps} steps in ${result.wallSeconds.toFixed(1)} s (${result.stepsPerSecond.toFixed(1)} steps/s) → ${result.runDir}\n`);
    }
    if (flags.report) {
      const report = await writeReport(result.runDir);
      process.stderr.write(`report: ${report.html} (${report.plots.length} plots)\n`);
    }
    if (flags.doctor || autopilot !== undefined) {
      process.stderr.write(`doctor: ${findings === 0 ? 'no finding while training' : `${findings} finding${findings === 1 ? '' : 's'} recorded`}${autopilot !== undefined ? ` · autopilot: ${interventions} intervention${interventions === 1 ? '' : 's'}` : ''} (details: npx saddlepoint doctor ${result.runDir})\n`);
    }
    if (flags.json) {
      const { runDir, steps, wallSeconds, stepsPerSecond, last, status } = result;
      process.stdout.write(`${JSON.stringify({ runDir, status, steps, wallSeconds, stepsPerSecond, backend: backend.name, last, ...(flags.doctor || autopilot !== undefined ? { findings, interventions } : {}) })}\n`);
    }
    if (result.status === 'stopped') process.exitCode = interrupt.exitCode() ?? 130;
  } finally {
    progress?.stop();
    interrupt.dispose();
    lock?.release();
  }
}

/** Registers `saddlepoint train`. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a GAN and write a run directory (config.json, metrics.jsonl, checkpoints/)')
    .option('--preset <name>', `starting config: ${PRESET_NAMES.join(', ')} (default ring8 when no --config)`)
    .option('--config <file>', 'JSON or YAML config file, merged over the preset (repeatable)', collect, [])
    .option('--set <key=value>', 'override one field, e.g. --set loss.lambda=5 --set model.g.hidden=[64,64] (repeatable)', collect, [])
    .option('--data <source>', 'training data: a data kind (ring8, mnist, …), a folder of PNG/JPEG images (a subfolder per class), or a .csv/.json points file')
    .option('--loss <name>', `loss family: ${LOSS_NAMES.join(', ')}`)
    .option('--remedy <name>', `a remedy applied over the config, as compare applies it (join with +): ${REMEDY_NAMES.join(', ')}`)
    .option('--no-recommended', "apply none of the settings the chosen loss and remedies recommend (k, Adam's β, λ …): the config exactly as merged")
    .option('--steps <n>', 'total generator steps')
    .option('--seed <n>', 'seed for data, weights and noise')
    .option('--backend <name>', `tensor backend: ${BACKEND_NAMES.join(', ')}`)
    .option('--out <dir>', 'folder for run directories', DEFAULT_RUNS_DIR)
    .option('--name <label>', 'label in the run directory name')
    .option('--resume <runDir>', 'continue a run from its newest checkpoint')
    .option('--allow-changed-config', 'with --resume: continue although config.json, the data file or metrics.jsonl changed since the run started')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .option('--no-report', 'skip writing plots/ and report.html at the end')
    .option('--doctor', 'diagnose while training: print each pathology once, as it is confirmed, and record it (a "finding" record)')
    .option('--autopilot [max]', `with the doctor, act on what it finds: go back to the last checkpoint before the trouble, apply the top remedy, train on (at most max times, default ${AUTOPILOT_MAX_INTERVENTIONS})`)
    .addHelpText(
      'after',
      `\nLosses:\n${LOSS_NAMES.map((n) => `  ${n.padEnd(15)} ${LOSSES[n].summary}`).join('\n')}\n\nExamples:\n  npx saddlepoint train --preset ring8 --loss wgan-gp --steps 2000\n  npx saddlepoint train --preset grid25 --set optim.d.lr=4e-4 --set dStepsPerG=2\n  npx saddlepoint train --resume runs/<id> --steps 4000\n  npx saddlepoint train --preset ring8 --loss minimax --set optim.d.lr=2e-3 --doctor --autopilot`,
    )
    .action((flags: TrainFlags) => train(flags).catch(exitWithError));
}
