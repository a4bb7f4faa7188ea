/**
 * Sweeps, pure: the spec schema, search spaces, trial plans and ASHA's promotion rule, and the
 * report model. Processes, queues and the run index live in `src/node/`. This file is the
 * folder's only public door.
 */
export { sweepSpecSchema, parseSweepSpec, defineSweep, metricDirection, SWEEP_METRICS, SWEEP_METRIC_NAMES, DIMENSION_KINDS, type SweepSpec, type SweepSpecInput, type SweepMetricName, type Direction, type Dimension, type DimensionKind, type Strategy } from './spec.ts';
export { gridValues, sampleValue, dimensionKind, type ParamValue } from './space.ts';
export { planTrials, atPath, describeParams, REMEDY_PARAM, SEED_PARAM, type Trial, type SweepPlan, type PlanOptions } from './plan.ts';
export { ashaRungs, ashaInit, ashaDecide, type AshaState, type AshaTrial, type AshaTrialStatus, type AshaAction, type AshaDecision, type RungReport } from './asha.ts';
export { sweepReport, sweepMarkdown, chartParams, type SweepReport, type SweepRow, type SweepPoint, type TrialOutcome, type TrialStatus } from './report.ts';
