import { z } from 'zod';
import { optimisticAdam, optimisticSgd } from './optimistic.ts';
import { adam, rmsprop, sgd } from './optimizers.ts';
import type { Optimizer } from './types.ts';

export { type Optimizer } from './types.ts';
export { adam, rmsprop, sgd, Slots, type AdamOptions, type RmspropOptions, type SgdOptions } from './optimizers.ts';
export { optimisticAdam, optimisticSgd, type OptimisticAdamOptions, type OptimisticSgdOptions } from './optimistic.ts';
export {
  constant,
  cosine,
  linear,
  lrScheduleFor,
  scheduleFactor,
  scheduleSchema,
  SCHEDULE_NAMES,
  type DecayOptions,
  type LrSchedule,
  type ScheduleConfig,
} from './schedules.ts';

const lr = z.number().positive();

/**
 * The config schema of one player's optimizer: `adam`, `rmsprop`, `sgd`, or the optimistic
 * `optimistic-sgd` and `optimistic-adam` (Daskalakis et al. 2018) made for games.
 */
export const optimizerSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('adam'),
    lr: lr.default(1e-4),
    beta1: z.number().min(0).lt(1).default(0.5),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
  }),
  z.strictObject({
    name: z.literal('rmsprop'),
    lr: lr.default(5e-5),
    alpha: z.number().min(0).lt(1).default(0.99),
    epsilon: z.number().positive().default(1e-8),
  }),
  z.strictObject({
    name: z.literal('sgd'),
    lr: lr.default(1e-2),
    momentum: z.number().min(0).lt(1).default(0),
  }),
  z.strictObject({
    name: z.literal('optimistic-sgd'),
    lr: lr.default(1e-2),
  }),
  z.strictObject({
    name: z.literal('optimistic-adam'),
    lr: lr.default(1e-4),
    beta1: z.number().min(0).lt(1).default(0.5),
    beta2: z.number().min(0).lt(1).default(0.9),
    epsilon: z.number().positive().default(1e-8),
  }),
]);

export type OptimizerConfig = z.output<typeof optimizerSchema>;

/** Builds the optimizer a config describes. */
export function buildOptimizer(config: OptimizerConfig): Optimizer {
  switch (config.name) {
    case 'adam':
      return adam(config);
    case 'rmsprop':
      return rmsprop(config);
    case 'sgd':
      return sgd(config);
    case 'optimistic-sgd':
      return optimisticSgd(config);
    case 'optimistic-adam':
      return optimisticAdam(config);
  }
}
