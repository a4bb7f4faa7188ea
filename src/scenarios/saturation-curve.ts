/**
 * saturation-curve: why the non-saturating generator loss exists (Goodfellow et al. 2014, Sec. 3).
 * With D = σ(l), the minimax generator minimises log(1 − D), whose gradient in the logit is
 * −σ(l) = −D: it vanishes exactly when D confidently rejects the fakes, early in training. The
 * non-saturating −log D has gradient −(1 − D) there, close to 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { minimax, nonSaturating, type Loss } from '../losses/index.ts';
import { COLORS } from '../report/index.ts';
import { chart, curvePanel, WIDE, type CurveRow } from './charts.ts';
import { defineScenario, type Verdict } from './types.ts';
import { judge } from './verdict.ts';

/** The bounds of the verdict (the issue's): at D = `at`, minimax below, non-saturating above. */
export const SATURATION_BOUNDS = { minimaxBelow: 1e-2, nonSaturatingAbove: 0.99 } as const;

/** |∂/∂l log(1 − σ(l))| = σ(l) = D: the minimax generator's gradient in D's logit. */
export function minimaxLogitGradient(d: number): number {
  return d;
}

/** |∂/∂l (−log σ(l))| = 1 − σ(l) = 1 − D: the non-saturating generator's gradient in D's logit. */
export function nonSaturatingLogitGradient(d: number): number {
  return 1 - d;
}

/** The logit l with σ(l) = d. */
export function logit(d: number): number {
  return Math.log(d) - Math.log1p(-d);
}

/**
 * |∂L_G/∂l| per sample for each logit, by tfjs autodiff through the project's own loss: the loss
 * is a batch mean, so the per-sample gradient is n times the gradient of the mean.
 */
export function autodiffLogitGradients(loss: Loss, logits: readonly number[]): number[] {
  const n = logits.length;
  const grads = tf.tidy(() => {
    const l = tf.tensor2d(Float32Array.from(logits), [n, 1]);
    return tf.mul(tf.grad((x: tf.Tensor) => loss.g(x, x))(l), n);
  });
  const values = Array.from(grads.dataSync(), Math.abs);
  grads.dispose();
  return values;
}

/** The verdict from the two measured gradients at D = `at`. */
export function saturationVerdict(measured: { at: number; minimaxGradient: number; nonSaturatingGradient: number }): Verdict {
  const at = measured.at;
  return judge(
    `As D(G(z)) → 0 the minimax generator's gradient in D's logit, |∂ log(1 − D)/∂l| = D, vanishes, while the non-saturating one, |∂(−log D)/∂l| = 1 − D, stays near 1: at D = ${at} the first is below ${SATURATION_BOUNDS.minimaxBelow} and the second above ${SATURATION_BOUNDS.nonSaturatingAbove}.`,
    { ...measured },
    [
      { label: `minimax |∂ log(1 − D)/∂l| (D = ${at})`, value: measured.minimaxGradient, below: SATURATION_BOUNDS.minimaxBelow },
      { label: `non-saturating |∂(−log D)/∂l| (D = ${at})`, value: measured.nonSaturatingGradient, above: SATURATION_BOUNDS.nonSaturatingAbove },
    ],
  );
}

const MINIMAX = 'minimax: log(1 − D)';
const NON_SATURATING = 'non-saturating: −log D';
const MINIMAX_FORMULA = 'closed form D';
const NON_SATURATING_FORMULA = 'closed form 1 − D';

/** The saturation-curve scenario: minimax vs non-saturating generator gradients as D(G(z)) → 0. */
export const saturationCurve = defineScenario({
  name: 'saturation-curve',
  title: 'Saturation of the minimax generator loss',
  shows:
    "The gradient of log(1 − D(G(z))) with respect to D's logit vanishes as D(G(z)) → 0 — exactly when a confident D rejects the fakes — while −log D(G(z)) keeps a gradient near 1. The gradients are taken by autodiff through saddlepoint's own minimax and non-saturating losses and checked against the closed forms.",
  tensors: true,
  settings: {
    at: { default: 1e-3, help: 'D(G(z)) at which the verdict compares the two gradients', min: 1e-12, max: 0.5 },
    points: { default: 121, help: 'points on the curve, log-spaced in D(G(z))', min: 3, max: 2000, integer: true },
  },
  run({ settings }) {
    const lo = -6;
    const hi = Math.log10(0.999);
    const ds = Array.from({ length: settings.points }, (_, i) => 10 ** (lo + ((hi - lo) * i) / (settings.points - 1)));
    const logits = ds.map(logit);
    const mmGrad = autodiffLogitGradients(minimax, logits);
    const nsGrad = autodiffLogitGradients(nonSaturating, logits);
    const [mmAt] = autodiffLogitGradients(minimax, [logit(settings.at)]);
    const [nsAt] = autodiffLogitGradients(nonSaturating, [logit(settings.at)]);
    let maxError = 0;
    ds.forEach((d, i) => {
      maxError = Math.max(maxError, Math.abs(mmGrad[i] - minimaxLogitGradient(d)), Math.abs(nsGrad[i] - nonSaturatingLogitGradient(d)));
    });
    const measured = {
      at: settings.at,
      minimaxGradient: mmAt,
      nonSaturatingGradient: nsAt,
      gradientRatio: nsAt / mmAt,
      maxAutodiffError: maxError,
    };
    const verdict = saturationVerdict({ at: settings.at, minimaxGradient: mmAt, nonSaturatingGradient: nsAt });

    const gradRows: CurveRow[] = ds.flatMap((d, i) => [
      { x: d, y: mmGrad[i], series: MINIMAX },
      { x: d, y: nsGrad[i], series: NON_SATURATING },
      { x: d, y: minimaxLogitGradient(d), series: MINIMAX_FORMULA },
      { x: d, y: nonSaturatingLogitGradient(d), series: NON_SATURATING_FORMULA },
    ]);
    const lossRows: CurveRow[] = ds.flatMap((d) => [
      { x: d, y: Math.log1p(-d), series: MINIMAX },
      { x: d, y: -Math.log(d), series: NON_SATURATING },
    ]);
    const series = [
      { name: MINIMAX, color: COLORS.d },
      { name: NON_SATURATING, color: COLORS.g },
      { name: MINIMAX_FORMULA, color: '#111111', dashed: true },
      { name: NON_SATURATING_FORMULA, color: '#777777', dashed: true },
    ];
    const gradients = chart(
      curvePanel(gradRows, {
        series,
        xTitle: "D(G(z)) — D's probability that a fake is real (log scale)",
        yTitle: ['|∂ G-loss / ∂ logit| per sample', '(log scale)'],
        logX: true,
        logY: true,
        marks: [{ x: settings.at, label: `D = ${settings.at}`, at: 'bottom' }],
        ...WIDE,
        height: 300,
      }),
      {
        title: "The generator's gradient as D rejects its samples",
        subtitle: [
          `At D = ${settings.at}: minimax ${mmAt.toExponential(2)}, non-saturating ${nsAt.toFixed(4)} (${Math.round(measured.gradientRatio)}× larger).`,
          'Solid: autodiff through the losses; dashed: closed forms.',
        ],
      },
    );
    const losses = chart(
      curvePanel(lossRows, {
        series: series.slice(0, 2),
        xTitle: 'D(G(z)) (log scale)',
        yTitle: 'generator loss (nats)',
        logX: true,
        xFormat: '.0e',
        rules: [{ y: 0, label: 'log(1 − D) flattens to 0' }],
        ...WIDE,
      }),
      { title: 'The two generator losses', subtitle: 'G descends both; near D = 0, log(1 − D) is flat and −log D is steep.' },
    );
    return {
      measured,
      verdict,
      charts: [
        { name: 'gradients', caption: "Per-sample gradient of each generator loss with respect to D's logit, against D(G(z)), log–log. The minimax gradient equals D and dies with it; the non-saturating one stays near 1.", spec: gradients },
        { name: 'losses', caption: 'The generator losses themselves: log(1 − D) is flat where D(G(z)) is small, so G learns nothing there; −log D is steepest there.', spec: losses },
      ],
    };
  },
});
