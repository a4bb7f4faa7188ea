/**
 * The library types the page renders, in one place. Type-only: the page's bundle carries no
 * training code; values (registries, the step) are imported by the worker alone.
 */
export type { RunConfig } from '../../src/config/index.ts';
export type { EvalRecord, FindingRecord, SampleSnapshot, StepRecord } from '../../src/train/index.ts';
export type { BackendName } from '../../src/tensor/index.ts';
export type { RunDetail, RunList, RunListing, RunState } from '../../src/run/index.ts';
