/**
 * Classic GAN theory in closed form and tiny games: the optimal discriminator, JS vs Wasserstein
 * under a shift, the bilinear game x·y, and the Dirac-GAN. Pure TypeScript, no tensors: runs in a
 * browser as well as in Node.
 */
export { type Density, type MixtureComponent, gaussianDensity, gaussianMixtureDensity, uniformDensity, withBreakpoints } from './densities.ts';
export { type Grid, uniformGrid, simpson } from './quadrature.ts';
export { optimalDiscriminator, optimalDiscriminatorLogit, discriminatorValue, discriminatorValueFromLogits, valueAtOptimum } from './optimal-discriminator.ts';
export {
  type DivergenceCurvePoint,
  type ShiftFamily,
  klDivergence,
  jsDivergence,
  wasserstein1,
  meanShiftGrid,
  meanShiftJs,
  meanShiftJsDerivative,
  gaussianShiftPoint,
  diracShiftPoint,
  uniformShiftPoint,
  divergenceCurves,
  linspace,
} from './divergences.ts';
export { type Complex, type Matrix, complexAbs, applyMatrix, eigenvalues2x2, eigenvalues, spectralRadius, formatEigenvalues } from './eigen.ts';
export { type GamePoint, type GrowthRateOptions, distanceToOrigin, measuredGrowthRate } from './growth-rate.ts';
export { type FieldArrow, niceExtent, fieldArrows } from './phase-plane.ts';
export {
  type BilinearMethod,
  type BilinearParams,
  type BilinearState,
  BILINEAR_METHODS,
  initialBilinearState,
  bilinearStep,
  bilinearTrajectory,
  bilinearUpdateMatrix,
  bilinearStateVector,
  bilinearEigenvalues,
  bilinearSpectralRadius,
} from './bilinear-game.ts';
export {
  type DiracGanVariant,
  type DiracGanPoint,
  type DiracGanMethod,
  type DiracGanStepOptions,
  type DiracGanTrajectoryOptions,
  DIRAC_GAN_EQUILIBRIUM,
  diracGanVectorField,
  diracGanTrajectory,
  diracGanJacobian,
  diracGanEquilibriumEigenvalues,
  diracGanPaperEigenvalues,
  diracGanUpdateJacobian,
  distanceToEquilibrium,
} from './dirac-gan.ts';
