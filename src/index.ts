/**
 * saddlepoint: train GANs, see why they fail, and fix them. The package's entry point (`import …
 * from 'saddlepoint'`): the browser-safe core, gathered from each folder's `index.ts` door. What
 * needs Node (the native backend, run directories, rendering) is `saddlepoint/node`.
 *
 * Two names exist in both `metrics` (measured on samples) and `theory` (closed forms on
 * densities): `klDivergence` and `jsDivergence`. The flat names are the measured ones; both sets
 * are reachable unambiguously through the `metrics` and `theory` namespaces.
 *
 * @example
 * import { resolveConfig, sessionFromConfig, runSession, runPlan, memoryStore } from 'saddlepoint';
 * const config = resolveConfig({ preset: 'ring8', flags: { steps: 200 } });
 * await runSession(sessionFromConfig(config), runPlan(config), memoryStore());
 */
export * from './errors.ts';
export * from './tensor/index.ts';
export * from './nn/index.ts';
export * from './optim/index.ts';
export * from './data/index.ts';
export * from './losses/index.ts';
export * from './penalties/index.ts';
export * from './stabilizers/index.ts';
// Sessions and the step.
export * from './train/index.ts';
export * from './config/index.ts';
// A whole run against a store.
export * from './run/index.ts';
export * from './metrics/index.ts';
export { klDivergence, jsDivergence } from './metrics/index.ts';
export * from './theory/index.ts';
export * from './report/index.ts';
export * from './scenarios/index.ts';
/** Measured quality on samples, as a namespace (its `klDivergence` and `jsDivergence` are the flat ones). */
export * as metrics from './metrics/index.ts';
/** Closed-form theory on densities, as a namespace (where its `klDivergence` and `jsDivergence` live). */
export * as theory from './theory/index.ts';
