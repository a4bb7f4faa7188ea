import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { runScenario, runScenarios, SCENARIO_FILES, type ScenarioRunResult } from '../node/index.ts';
import { SCENARIOS, type ScenarioDefinition, type ScenarioRegistry } from '../scenarios/index.ts';
import { BACKEND_NAMES, type BackendName } from '../tensor/index.ts';
import { scaleFlag } from './report.ts';
import { exitWithError } from './errors.ts';

interface RunFlags {
  out: string;
  json?: boolean;
  set: string[];
  backend: string;
  scale?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `--set` values by scenario: `key=value` applies to the one scenario being run, `name.key=value`
 * to the named one (required with `all`, where a bare key would be ambiguous).
 */
export function parseScenarioSets(sets: readonly string[], targets: readonly ScenarioDefinition[], registry: ScenarioRegistry): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const setting of sets) {
    const eq = setting.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${setting}: expected key=value, e.g. --set lr=0.3 or --set xy-game.lr=0.3`);
    const path = setting.slice(0, eq).trim();
    const value = setting.slice(eq + 1);
    const dot = path.indexOf('.');
    let name: string;
    let key: string;
    if (dot >= 0) {
      name = path.slice(0, dot);
      key = path.slice(dot + 1);
      if (!registry.get(name)) throw new ConfigError(`--set ${setting}: no scenario "${name}"; scenarios: ${registry.names.join(', ')}`);
      if (!targets.some((t) => t.name === name)) throw new ConfigError(`--set ${setting}: scenario "${name}" is not being run`);
    } else {
      if (targets.length !== 1) throw new ConfigError(`--set ${setting}: with several scenarios, name the one it is for: --set <scenario>.${path}=${value}`);
      name = targets[0].name;
      key = path;
    }
    (out[name] ??= {})[key] = value;
  }
  return out;
}

function targetsOf(name: string, registry: ScenarioRegistry): ScenarioDefinition[] {
  if (name === 'all') return [...registry.list()];
  const scenario = registry.get(name);
  if (!scenario) throw new ConfigError(`invalid config:\n  scenario: got "${name}"; allowed: ${[...registry.names, 'all'].join(', ')}`);
  return [scenario];
}

function summary(r: ScenarioRunResult): { name: string; holds: boolean; measured: Record<string, number>; dir: string } {
  return { name: r.name, holds: r.holds, measured: r.measured, dir: r.dir };
}

async function run(name: string, flags: RunFlags, registry: ScenarioRegistry): Promise<void> {
  const targets = targetsOf(name, registry);
  if (!(BACKEND_NAMES as readonly string[]).includes(flags.backend)) {
    throw new ConfigError(`invalid config:\n  backend: got "${flags.backend}"; allowed: ${BACKEND_NAMES.join(', ')}`);
  }
  const options = {
    outRoot: flags.out,
    settings: parseScenarioSets(flags.set, targets, registry),
    backend: flags.backend as BackendName,
    scale: scaleFlag(flags.scale),
    log: (message: string) => process.stderr.write(`${message}\n`),
  };
  const report = (r: ScenarioRunResult) => {
    process.stderr.write(`${r.name}: ${r.holds ? 'holds' : 'DOES NOT HOLD'} (${r.seconds.toFixed(1)} s) — ${r.text}\n`);
    process.stdout.write(`${r.dir}/${SCENARIO_FILES.html}\n`);
  };
  if (name === 'all') {
    const { results, index } = await runScenarios(targets, { ...options, log: options.log });
    results.forEach(report);
    process.stdout.write(`${index}\n`);
    process.stderr.write(`${results.filter((r) => r.holds).length} of ${results.length} verdicts hold; index: ${index}\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(results.map(summary))}\n`);
    return;
  }
  const result = await runScenario(targets[0], options);
  report(result);
  if (flags.json) process.stdout.write(`${JSON.stringify(summary(result))}\n`);
}

function list(registry: ScenarioRegistry, json: boolean | undefined): void {
  if (json) {
    const rows = registry.list().map((s) => ({ name: s.name, title: s.title, shows: s.shows, trains: Boolean(s.tensors), settings: s.settings }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  for (const s of registry.list()) {
    process.stdout.write(`${s.name.padEnd(24)}${s.title}\n`);
    process.stdout.write(`${' '.repeat(24)}${s.shows}\n`);
    for (const [key, spec] of Object.entries(s.settings)) process.stdout.write(`${' '.repeat(26)}--set ${key}=${spec.default}  ${spec.help}\n`);
    process.stdout.write('\n');
  }
}

/** Registers `saddlepoint scenario list` and `saddlepoint scenario run NAME|all`. */
export function registerScenario(program: Command, registry: ScenarioRegistry = SCENARIOS): void {
  const scenario = program.command('scenario').description('the classic GAN experiments and theory as runnable, plotted, measured scenarios');
  scenario
    .command('list')
    .description('the scenarios, what each shows, and their settings')
    .option('--json', 'print the list as JSON')
    .action((flags: { json?: boolean }) => {
      try {
        list(registry, flags.json);
      } catch (err) {
        exitWithError(err);
      }
    });
  scenario
    .command('run')
    .description('run a scenario (or all) and write OUT/<name>/ with scenario.json, plots/ and report.html; prints the report paths')
    .argument('<name>', `a scenario name or all: ${registry.names.join(', ')}`)
    .option('--out <dir>', 'folder for scenario directories', 'runs/scenarios')
    .option('--set <key=value>', 'change a setting, e.g. --set lr=0.3 (with all: --set xy-game.lr=0.3) (repeatable)', collect, [])
    .option('--backend <name>', `tensor backend for scenarios that train: ${BACKEND_NAMES.join(', ')}`, 'auto')
    .option('--scale <n>', 'PNG pixels per chart pixel', '2')
    .option('--json', 'print { name, holds, measured, dir } (an array for all) as the last stdout line')
    .addHelpText('after', '\nExamples:\n  npx saddlepoint scenario list\n  npx saddlepoint scenario run xy-game --set lr=0.5\n  npx saddlepoint scenario run all --out runs/scenarios --json')
    .action((name: string, flags: RunFlags) => run(name, flags, registry).catch(exitWithError));
}
