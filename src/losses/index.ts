import { z } from 'zod';
import { byName, schemasOf } from '../registry.ts';
import { beganLoss } from './began.ts';
import { minimaxLoss, nonSaturatingLoss } from './bce.ts';
import { draganLoss } from './dragan.ts';
import { hingeLoss } from './hinge.ts';
import { leastSquaresLoss } from './least-squares.ts';
import { relativisticLoss } from './relativistic.ts';
import type { Objective } from './types.ts';
import { wassersteinLoss, wganGpLoss } from './wasserstein.ts';

export type { Penalty, Constraint } from '../penalties/index.ts';
export { type Loss, type LossState, type Objective, type DOutput, defineLoss, plainObjective } from './types.ts';
export { minimax, nonSaturating, bceD } from './bce.ts';
export { leastSquares } from './least-squares.ts';
export { wasserstein } from './wasserstein.ts';
export { hinge } from './hinge.ts';
export { relativistic } from './relativistic.ts';
export { began, type BeganOptions } from './began.ts';
export { type AuxiliarySpec, auxiliaryWidth, classCrossEntropy, acganD, acganG, infoLoss, infoBounds } from './auxiliary.ts';

/** Every loss family's definition, in the order help texts list them: the one list the schema and the lookup derive from. */
export const LOSS_DEFINITIONS = [
  minimaxLoss,
  nonSaturatingLoss,
  leastSquaresLoss,
  wassersteinLoss,
  wganGpLoss,
  draganLoss,
  hingeLoss,
  beganLoss,
  relativisticLoss,
] as const;

/** The config schema of `loss`: one object per family, told apart by `name`. */
export const lossSchema = z.discriminatedUnion('name', schemasOf(LOSS_DEFINITIONS));

/** A validated loss config. */
export type LossConfig = z.output<typeof lossSchema>;
export type LossName = LossConfig['name'];

type Builders = { readonly [N in LossName]: { summary: string; build(params: Extract<LossConfig, { name: N }>): Objective } };

/** Every loss family by name: the registry `--loss` and configs draw from (keys are the definitions' names). */
export const LOSSES: Builders = byName(LOSS_DEFINITIONS);

/** Names of all loss families, in registry order. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/** Builds the objective (loss, penalties, constraints) a loss config describes. */
export function buildObjective<C extends LossConfig>(config: C): Objective {
  const entry = LOSSES[config.name] as { build(params: C): Objective };
  return entry.build(config);
}
