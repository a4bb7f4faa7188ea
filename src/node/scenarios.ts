/**
 * Runs scenarios in Node and writes what they produced: `OUT/<name>/scenario.json` (settings,
 * numbers, verdict, tables), `plots/<chart>.png` and `.svg`, and a self-contained `report.html`;
 * for several, `OUT/index.html` linking each report. Every file is written atomically.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportFigure } from '../report/index.ts';
import { resolveSettings, scenarioHtml, scenarioIndexHtml, type ScenarioDefinition, type ScenarioOutput } from '../scenarios/index.ts';
import type { BackendChoice, BackendName } from '../tensor/index.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { useNodeBackend } from './backends.ts';
import { renderSvg, svgToPng } from './render.ts';

/** Files inside a scenario's directory. */
export const SCENARIO_FILES = { json: 'scenario.json', plots: 'plots', html: 'report.html', index: 'index.html' } as const;

/** Options of {@link runScenario} and {@link runScenarios}. */
export interface ScenarioRunOptions {
  /** Folder that receives `<name>/` (default `runs/scenarios`). */
  outRoot?: string;
  /** Setting overrides, by scenario name (numbers, or strings from `--set`). */
  settings?: Readonly<Record<string, Readonly<Record<string, number | string>>>>;
  /** Backend for scenarios that train (default `auto`); selected once, on first need. */
  backend?: BackendName;
  /** PNG pixels per chart pixel (default 2). */
  scale?: number;
  /** Progress lines (default: none). */
  log?(message: string): void;
}

/** What one scenario run wrote and found: what `--json` prints. */
export interface ScenarioRunResult {
  name: string;
  holds: boolean;
  measured: Record<string, number>;
  dir: string;
  seconds: number;
  text: string;
}

/**
 * The backend, chosen once per process on first need: tfjs's backend is process-wide state, so
 * one choice per process is what there is, and scenarios that only compute closed forms never
 * pay for starting one.
 */
let backendChoice: Promise<BackendChoice> | undefined;

function ensureBackend(requested: BackendName): Promise<BackendChoice> {
  backendChoice ??= useNodeBackend(requested);
  return backendChoice;
}

/** The SVG's width in CSS pixels (vega writes it on the root element). */
function svgWidth(svg: string): number {
  const m = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  return m ? Number(m[1]) : 600;
}

/** Replaces NaN and ±Infinity (which JSON cannot hold) with null, so scenario.json stays valid. */
function jsonNumbers(values: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

/**
 * Runs one scenario and writes `OUT/<name>/`. Settings are validated before anything runs
 * (a `ConfigError` names the bad ones); the previous run's plots of that scenario are replaced.
 *
 * @example
 * const result = await runScenario(xyGame, { outRoot: 'runs/scenarios', settings: { 'xy-game': { lr: 0.3 } } });
 */
export async function runScenario(scenario: ScenarioDefinition, options: ScenarioRunOptions = {}): Promise<ScenarioRunResult> {
  const settings = resolveSettings(scenario, options.settings?.[scenario.name]);
  const log = options.log ?? (() => {});
  const backend = scenario.tensors ? await ensureBackend(options.backend ?? 'auto') : undefined;
  const t0 = performance.now();
  const output: ScenarioOutput = await scenario.run({ settings, log, tick: () => new Promise((r) => setImmediate(r)) });
  const dir = resolve(options.outRoot ?? 'runs/scenarios', scenario.name);
  const plotsDir = join(dir, SCENARIO_FILES.plots);
  // Charts a scenario no longer draws must not linger beside the new ones.
  rmSync(plotsDir, { recursive: true, force: true });
  const figures: ReportFigure[] = [];
  for (const c of output.charts) {
    const svg = await renderSvg(c.spec);
    const png = svgToPng(svg, { scale: options.scale ?? 2 });
    writeFileAtomic(join(plotsDir, `${c.name}.svg`), svg);
    writeFileAtomic(join(plotsDir, `${c.name}.png`), png);
    figures.push({ name: c.name, caption: c.caption, png, width: Math.round(svgWidth(svg)) });
  }
  // Drawing is part of what a user waits for, so it counts in the scenario's time.
  const seconds = (performance.now() - t0) / 1000;
  const generatedAt = new Date().toISOString();
  const { verdict } = output;
  writeJsonAtomic(join(dir, SCENARIO_FILES.json), {
    name: scenario.name,
    title: scenario.title,
    shows: scenario.shows,
    settings,
    measured: jsonNumbers(output.measured),
    verdict: { ...verdict, measured: jsonNumbers(verdict.measured) },
    tables: output.tables ?? [],
    plots: output.charts.map((c) => ({ name: c.name, caption: c.caption, png: `${SCENARIO_FILES.plots}/${c.name}.png`, svg: `${SCENARIO_FILES.plots}/${c.name}.svg` })),
    seconds,
    ...(backend ? { backend: backend.name } : {}),
    generatedAt,
  });
  writeFileAtomic(
    join(dir, SCENARIO_FILES.html),
    scenarioHtml({ name: scenario.name, title: scenario.title, shows: scenario.shows, settings, measured: output.measured, verdict, tables: output.tables ?? [], figures, seconds, backend: backend?.name, generatedAt }),
  );
  return { name: scenario.name, holds: verdict.holds, measured: output.measured, dir, seconds, text: verdict.text };
}

/**
 * Runs several scenarios in order (all settings validated first) and writes `OUT/index.html`
 * linking each one's report with its verdict.
 */
export async function runScenarios(scenarios: readonly ScenarioDefinition[], options: ScenarioRunOptions = {}): Promise<{ results: ScenarioRunResult[]; index: string }> {
  for (const s of scenarios) resolveSettings(s, options.settings?.[s.name]);
  const results: ScenarioRunResult[] = [];
  for (const s of scenarios) {
    options.log?.(`scenario ${s.name}: running`);
    const result = await runScenario(s, options);
    options.log?.(`scenario ${s.name}: ${result.holds ? 'holds' : 'does not hold'} (${result.seconds.toFixed(1)} s)`);
    results.push(result);
  }
  const root = resolve(options.outRoot ?? 'runs/scenarios');
  const index = join(root, SCENARIO_FILES.index);
  const entries = results.map((r, i) => ({ name: r.name, title: scenarios[i].title, holds: r.holds, text: r.text, href: `${r.name}/${SCENARIO_FILES.html}`, seconds: r.seconds }));
  writeFileAtomic(index, scenarioIndexHtml(entries, new Date().toISOString()));
  return { results, index };
}
