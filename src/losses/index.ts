import { z } from 'zod';
import { beganLoss } from './began.ts';
import { minimaxLoss, nonSaturatingLoss } from './bce.ts';
import { draganLoss } from './dragan.ts';
import { hingeLoss } from './hinge.ts';
import { leastSquaresLoss } from './least-squares.ts';
import { relativisticLoss } from './relativistic.ts';
import type { Objective } from './types.ts';
import { wassersteinLoss, wganGpLoss } from './wasserstein.ts';

export { type Loss, type LossState, type Penalty, type Constraint, type Objective, type DOutput, defineLoss, plainObjective } from './types.ts';
export { minimax, nonSaturating, bceD } from './bce.ts';
export { leastSquares } from './least-squares.ts';
export { wasserstein } from './wasserstein.ts';
export { hinge } from './hinge.ts';
export { relativistic } from './relativistic.ts';
export { began, type BeganOptions } from './began.ts';

/** The config schema of `loss`: one object per family, told apart by `name`. */
export const lossSchema = z.discriminatedUnion('name', [
  minimaxLoss.schema,
  nonSaturatingLoss.schema,
  leastSquaresLoss.schema,
  wassersteinLoss.schema,
  wganGpLoss.schema,
  draganLoss.schema,
  hingeLoss.schema,
  beganLoss.schema,
  relativisticLoss.schema,
]);

/** A validated loss config. */
export type LossConfig = z.output<typeof lossSchema>;
export type LossName = LossConfig['name'];

type Builders = { [N in LossName]: { summary: string; build(params: Extract<LossConfig, { name: N }>): Objective } };

/** Every loss family by name: the registry `--loss` and configs draw from. */
export const LOSSES: Builders = {
  minimax: minimaxLoss,
  'non-saturating': nonSaturatingLoss,
  'least-squares': leastSquaresLoss,
  wasserstein: wassersteinLoss,
  'wgan-gp': wganGpLoss,
  dragan: draganLoss,
  hinge: hingeLoss,
  began: beganLoss,
  relativistic: relativisticLoss,
};

/** Names of all loss families, in registry order. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/** Builds the objective (loss, penalties, constraints) a loss config describes. */
export function buildObjective<C extends LossConfig>(config: C): Objective {
  const entry = LOSSES[config.name] as { build(params: C): Objective };
  return entry.build(config);
}
