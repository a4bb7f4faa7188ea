/**
 * What a scenario is: a named, runnable experiment that measures numbers, draws charts and ends
 * with a verdict computed from what it measured. Pure: scenarios run in a browser as well; writing
 * their directories is `src/node/scenarios.ts`'s job.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ConfigError } from '../errors.ts';

/** One numeric knob of a scenario, with its default and the range a user may set it to. */
export interface SettingSpec {
  readonly default: number;
  /** One line for `scenario list`. */
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  /** Whole numbers only (step counts, seeds). */
  readonly integer?: boolean;
}

/** A scenario's knobs by name. */
export type SettingSpecs = Readonly<Record<string, SettingSpec>>;

/** The resolved values of a scenario's knobs, typed by their specs. */
export type SettingsOf<P extends SettingSpecs> = { readonly [K in keyof P]: number };

/** The verdict: what the scenario expected, the numbers it compared, and whether they agree. */
export interface Verdict {
  readonly expected: string;
  /** The numbers the verdict was decided on (a subset of the scenario's measured numbers). */
  readonly measured: Record<string, number>;
  readonly holds: boolean;
  /** Built from the numbers: each comparison with its measured value and its bound. */
  readonly text: string;
}

/** A chart a scenario draws: saved as `plots/<name>.png` and `.svg` and shown in its report. */
export interface ScenarioChart {
  /** File name without extension, kebab-case. */
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** A table a scenario reports (e.g. closed-form spectral radius next to the measured growth rate). */
export interface ScenarioTable {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** What one run of a scenario produces. */
export interface ScenarioOutput {
  /** Every number the scenario measured, by name; the verdict's are among them. */
  readonly measured: Record<string, number>;
  readonly verdict: Verdict;
  readonly charts: readonly ScenarioChart[];
  readonly tables?: readonly ScenarioTable[];
}

/** What a scenario's `run` receives. */
export interface ScenarioContext<S> {
  readonly settings: S;
  /** Progress for long runs (the CLI prints it to stderr); a no-op by default. */
  log(message: string): void;
  /** Yields to the event loop; long loops call it now and then so a host stays responsive. */
  tick(): Promise<void>;
}

/** A scenario as declared with {@link defineScenario}. */
export interface ScenarioDefinition<P extends SettingSpecs = SettingSpecs> {
  /** kebab-case, unique: the CLI name and the output folder. */
  readonly name: string;
  readonly title: string;
  /** What it shows, in a sentence or two (the pathology or the theorem). */
  readonly shows: string;
  /** Whether it trains networks and so needs a tensor backend selected first. */
  readonly tensors?: boolean;
  readonly settings: P;
  // A method, not a function property, so a registry can hold scenarios with different settings.
  run(ctx: ScenarioContext<SettingsOf<P>>): ScenarioOutput | Promise<ScenarioOutput>;
}

/**
 * Declares a scenario; returns its argument so TypeScript infers the settings' type for `run`.
 *
 * @example
 * export const example = defineScenario({
 *   name: 'example', title: 'Example', shows: '…',
 *   settings: { lr: { default: 0.1, help: 'learning rate', min: 0 } },
 *   run: ({ settings }) => ({ measured: { lr: settings.lr }, verdict, charts: [] }),
 * });
 */
export function defineScenario<P extends SettingSpecs>(definition: ScenarioDefinition<P>): ScenarioDefinition<P> {
  return definition;
}

/**
 * The scenario's settings: its defaults with `overrides` applied. Numbers given as strings (from
 * `--set k=v`) are parsed. A {@link ConfigError} names every unknown or out-of-range knob.
 *
 * @example
 * resolveSettings(xyGame, { lr: '0.3' }); // { lr: 0.3, steps: 200, … }
 */
export function resolveSettings<P extends SettingSpecs>(scenario: ScenarioDefinition<P>, overrides: Readonly<Record<string, number | string>> = {}): SettingsOf<P> {
  const problems: string[] = [];
  const known = Object.keys(scenario.settings);
  for (const key of Object.keys(overrides)) {
    if (!(key in scenario.settings)) problems.push(`${scenario.name}.${key}: unknown setting; allowed: ${known.length ? known.join(', ') : '(none)'}`);
  }
  const values: Record<string, number> = {};
  for (const [key, spec] of Object.entries(scenario.settings)) {
    const raw = overrides[key];
    const value = raw === undefined ? spec.default : typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
    const problem = settingProblem(spec, value);
    if (problem) problems.push(`${scenario.name}.${key}: got ${JSON.stringify(raw ?? spec.default)}; expected ${problem}`);
    values[key] = value;
  }
  if (problems.length) throw new ConfigError(`invalid config:\n  ${problems.join('\n  ')}`);
  return values as SettingsOf<P>;
}

/** What a value must be, if it is not (or undefined when it is fine). */
function settingProblem(spec: SettingSpec, value: number): string | undefined {
  const range = `${spec.integer ? 'an integer' : 'a number'}${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}${spec.max !== undefined ? `${spec.min !== undefined ? ' and' : ''} ≤ ${spec.max}` : ''}`;
  if (!Number.isFinite(value)) return range;
  if (spec.integer && !Number.isInteger(value)) return range;
  if (spec.min !== undefined && value < spec.min) return range;
  if (spec.max !== undefined && value > spec.max) return range;
  return undefined;
}
