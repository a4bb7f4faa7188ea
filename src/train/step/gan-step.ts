import type { StepRecord } from '../records.ts';
import type { GanSession } from '../session.ts';
import { checkGameScheme, gameStep } from './schemes.ts';

/**
 * Sets each player's lr from the session's schedule for the step about to be taken
 * (base × factor(step)); returns the values to log, or undefined without a schedule.
 */
function applySchedule(session: GanSession): Record<string, number> | undefined {
  const schedule = session.lrSchedule;
  if (!schedule) return undefined;
  const factor = schedule.factor(session.step);
  session.optimizers.d.lr = schedule.base.d * factor;
  session.optimizers.g.lr = schedule.base.g * factor;
  return { lrFactor: factor, lrD: session.optimizers.d.lr, lrG: session.optimizers.g.lr };
}

/** Loss state (BEGAN's k) and stabilizer values (instance-noise σ) of the step being taken, then the others'. */
function stepExtras(session: GanSession, ...more: (Record<string, number> | undefined)[]): Record<string, number> | undefined {
  const values = session.stabilizers.map((s) => s.step?.values?.(session.step) ?? {});
  const extras = Object.assign({}, session.objective.loss.state?.values(), ...values, ...more);
  return Object.keys(extras).length ? extras : undefined;
}

/**
 * One GAN step under the session's game scheme (see `schemes.ts`): by default `dStepsPerG`
 * discriminator updates, then one generator update, each on fresh batches. The session's lr
 * schedule, if any, sets both players' lr first. The stabilizers act through their step hooks
 * (see {@link Stabilizer}). D's update never moves G's weights and vice versa (explicit variable
 * lists). Throws {@link DivergenceError} before applying a non-finite update, so the weights stay
 * good.
 *
 * The record's `extras` hold the loss state and stabilizer values, the lr (`lrFactor`, `lrD`,
 * `lrG`) under a schedule, and consensus optimization's `consensusTerm`; `dTerms`/`gTerms` hold
 * each named loss term of the players, when they have any.
 */
export function ganStep(session: GanSession): StepRecord {
  const t0 = performance.now();
  // createSession checked it; a page may have changed k since.
  checkGameScheme(session.game, session.dStepsPerG);
  const lr = applySchedule(session);
  const { d, g, extras: schemeExtras } = gameStep(session, session.game);
  const extras = stepExtras(session, lr, schemeExtras);
  session.step += 1;
  const record: StepRecord = {
    kind: 'step',
    step: session.step,
    dLoss: d.dLoss,
    dPenalty: d.dPenalty,
    gLoss: g.gLoss,
    dReal: d.dReal,
    dFake: d.dFake,
    gradNormD: d.gradNormD,
    gradNormG: g.gradNormG,
    ms: performance.now() - t0,
  };
  if (extras) record.extras = extras;
  if (Object.keys(d.dTerms).length) record.dTerms = d.dTerms;
  if (Object.keys(g.gTerms).length) record.gTerms = g.gTerms;
  return record;
}
