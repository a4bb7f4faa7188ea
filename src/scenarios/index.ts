/**
 * Named, runnable scenarios: the classic GAN experiments and theory, each measuring what it shows
 * and ending with a verdict computed from its numbers. This file is the folder's only public door.
 */
import { diracGan } from './dirac-gan.ts';
import { jsVsWasserstein } from './js-vs-wasserstein.ts';
import { kSteps } from './k-steps.ts';
import { linear1d } from './linear-1d.ts';
import { modeCollapse1d } from './mode-collapse-1d.ts';
import { optimalDiscriminatorScenario } from './optimal-discriminator.ts';
import { saturationCurve } from './saturation-curve.ts';
import type { ScenarioDefinition } from './types.ts';
import { vanishingGradients } from './vanishing-gradients.ts';
import { xyGame } from './xy-game.ts';

export {
  type ScenarioDefinition,
  type ScenarioContext,
  type ScenarioOutput,
  type ScenarioChart,
  type ScenarioTable,
  type SettingSpec,
  type SettingSpecs,
  type SettingsOf,
  type Verdict,
  defineScenario,
  resolveSettings,
} from './types.ts';
export { judge, passes, formatNumber, type Check } from './verdict.ts';
export { scenarioHtml, scenarioIndexHtml, type ScenarioPage, type ScenarioIndexEntry } from './html.ts';
export { saturationCurve, saturationVerdict, minimaxLogitGradient, nonSaturatingLogitGradient, autodiffLogitGradients, logit, SATURATION_BOUNDS } from './saturation-curve.ts';
export { jsVsWasserstein, jsVsWassersteinVerdict, JS_W1_BOUNDS } from './js-vs-wasserstein.ts';
export { xyGame, xyGameVerdict, XY_GAME_TOLERANCE, type XyMethodMeasurement } from './xy-game.ts';
export { diracGan, diracGanVerdict, DIRAC_VARIANTS, DIRAC_BOUNDS, type DiracMeasurement } from './dirac-gan.ts';
export { optimalDiscriminatorScenario, optimalDiscriminatorVerdict, OPTIMAL_D_BOUNDS } from './optimal-discriminator.ts';
export { linear1d, linear1dVerdict, signChanges, bestLinearW1, LINEAR_BOUNDS, type LinearMeasurement } from './linear-1d.ts';
export { modeCollapse1d, modeCollapseVerdict, classicData, classicDensity, classicDensityModes, CAPTURE_SHARE, type ModeCollapseMeasurement } from './mode-collapse-1d.ts';
export { vanishingGradients, vanishingGradientsVerdict, VANISHING_BOUNDS, type VanishingMeasurement } from './vanishing-gradients.ts';
export { kSteps, kStepsVerdict, type KStepsMeasurement } from './k-steps.ts';

/** A set of scenarios by name. A value, so tests can build their own. */
export interface ScenarioRegistry {
  /** Names in registry order. */
  readonly names: readonly string[];
  get(name: string): ScenarioDefinition | undefined;
  list(): readonly ScenarioDefinition[];
}

/**
 * A registry over `scenarios`, in their order; throws on a duplicate or non-kebab-case name
 * (names become folder names and CLI arguments).
 *
 * @example
 * const registry = scenarioRegistry([saturationCurve, xyGame]);
 * registry.get('xy-game');
 */
export function scenarioRegistry(scenarios: readonly ScenarioDefinition[]): ScenarioRegistry {
  const byName = new Map<string, ScenarioDefinition>();
  for (const s of scenarios) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.name)) throw new RangeError(`scenario name "${s.name}" must be kebab-case (it becomes a folder name)`);
    if (s.name === 'all') throw new RangeError('"all" is reserved: `scenario run all` runs every scenario');
    if (byName.has(s.name)) throw new RangeError(`scenario "${s.name}" is registered twice`);
    byName.set(s.name, s);
  }
  const list = [...byName.values()];
  return { names: list.map((s) => s.name), get: (name) => byName.get(name), list: () => list };
}

/** Every scenario, in the order `scenario list` shows and `scenario run all` runs them. */
export const SCENARIOS: ScenarioRegistry = scenarioRegistry([
  saturationCurve,
  jsVsWasserstein,
  xyGame,
  diracGan,
  optimalDiscriminatorScenario,
  vanishingGradients,
  modeCollapse1d,
  linear1d,
  kSteps,
]);
