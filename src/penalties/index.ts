export type { Penalty, Constraint } from './types.ts';
export { gradientPenalty, inputGradientNorms, type GradientPenaltyKind, type GradientPenaltyOptions } from './gradient-penalty.ts';
export { weightClip } from './weight-clip.ts';
