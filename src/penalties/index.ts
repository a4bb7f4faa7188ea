export { gradientPenalty, inputGradientNorms, type GradientPenaltyKind, type GradientPenaltyOptions } from './gradient-penalty.ts';
export { weightClip } from './weight-clip.ts';
