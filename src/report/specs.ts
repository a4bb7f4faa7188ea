/**
 * Vega-lite specs of a run's training curves and measured quality, built from its records. Pure:
 * no Node imports, so the browser dashboard draws the same charts the report renders to PNG.
 * Sample plots (histograms, scatters) live in `sample-specs.ts`, run overlays in `overlay.ts`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DOutput } from '../losses/index.ts';
import type { EvalRecord, StepRecord } from '../train/index.ts';
import { DEFAULT_MAX_POINTS, round, seriesRows, toNumber } from './downsample.ts';
import { bucketNote, curveView, fixedScale, ruleAt, stepMarker, topLevel, type LayerItem, type SubSpec } from './spec-parts.ts';
import { COLORS, dOutputTitle, SIZE, STEP_TITLE } from './theme.ts';

/** Options shared by the per-step curve charts. */
export interface CurveOptions {
  /** Most rows per curve (see `downsample.ts`; default {@link DEFAULT_MAX_POINTS}). */
  maxPoints?: number;
  /** Unit of the losses for the y-axis title, e.g. "nats" (default: none shown). */
  lossUnit?: string;
  /** The step a run diverged at, marked with a red dashed line. */
  divergedAt?: number;
}

function markers(options: CurveOptions): LayerItem[] {
  return options.divergedAt === undefined ? [] : [stepMarker(options.divergedAt, COLORS.diverged)];
}

/**
 * D's and G's losses over training. When the loss has penalties (WGAN-GP, DRAGAN), the penalty
 * part of D's loss is drawn dashed in D's colour, so a reader sees how much of D's loss is the
 * penalty rather than the game.
 */
export function lossChart(steps: readonly StepRecord[], options: CurveOptions = {}): TopLevelSpec {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const hasPenalty = steps.some((r) => toNumber(r.dPenalty) !== 0 && Number.isFinite(toNumber(r.dPenalty)));
  const fields: { field: keyof StepRecord & string; label: string }[] = [
    { field: 'dLoss', label: 'D loss' },
    ...(hasPenalty ? [{ field: 'dPenalty' as const, label: 'D penalty (part of D loss)' }] : []),
    { field: 'gLoss', label: 'G loss' },
  ];
  const rows = seriesRows(steps, fields, { maxPoints });
  const color = fixedScale(
    fields.map((f) => f.label),
    fields.map((f) => (f.field === 'gLoss' ? COLORS.g : COLORS.d)),
  );
  const view = curveView(rows, {
    color,
    yTitle: options.lossUnit ? `loss (${options.lossUnit})` : 'loss',
    dashed: hasPenalty ? ['D penalty (part of D loss)'] : [],
  }, markers(options));
  return topLevel(view, { text: 'Losses', subtitle: bucketNote(steps.length, maxPoints) });
}

/** Global L2 norms of D's and G's gradients, on a log scale (they span decades when D saturates). */
export function gradNormChart(steps: readonly StepRecord[], options: CurveOptions = {}): TopLevelSpec {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const fields = [
    { field: 'gradNormD', label: '‖∇D‖' },
    { field: 'gradNormG', label: '‖∇G‖' },
  ] as const;
  const rows = seriesRows(steps, fields, { maxPoints, positiveOnly: true });
  const view = curveView(rows, { color: fixedScale(['‖∇D‖', '‖∇G‖'], [COLORS.d, COLORS.g]), yTitle: 'gradient L2 norm (log scale)', log: true }, markers(options));
  return topLevel(view, { text: 'Gradient norms', subtitle: bucketNote(steps.length, maxPoints) });
}

/**
 * Mean D output on the real and the generated batch. For logit losses this is a probability, with
 * a dashed line at 0.5 where an optimal D sits once the generated distribution matches the data;
 * for critics and BEGAN's energies only the gap between the two curves means something.
 */
export function dOutputChart(steps: readonly StepRecord[], output: DOutput, options: CurveOptions = {}): TopLevelSpec {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const rows = seriesRows(
    steps,
    [
      { field: 'dReal', label: 'D(real)' },
      { field: 'dFake', label: 'D(generated)' },
    ],
    { maxPoints },
  );
  const view = curveView(
    rows,
    {
      color: fixedScale(['D(real)', 'D(generated)'], [COLORS.real, COLORS.generated]),
      yTitle: dOutputTitle(output),
      yDomain: output === 'logit' ? [0, 1] : undefined,
    },
    [...(output === 'logit' ? [ruleAt(0.5, COLORS.reference)] : []), ...markers(options)],
  );
  return topLevel(view, { text: 'Discriminator on real vs generated batches', subtitle: bucketNote(steps.length, maxPoints) });
}

/** One eval-metric panel: a line with a dot per evaluation. */
function evalPanel(
  rows: { step: number; value: number }[],
  options: { yTitle: string | string[]; color: string; yDomain?: [number, number]; rule?: number; format?: string },
): SubSpec {
  const layer: LayerItem[] = [
    {
      data: { values: rows },
      // Not clipped: the last evaluation sits on the plot's edge and must show as a whole dot.
      mark: { type: 'line', point: { filled: true, size: 40, color: options.color }, color: options.color },
      encoding: {
        // From step 0, so the panels line up with the training curves above them.
        x: { field: 'step', type: 'quantitative', title: STEP_TITLE, scale: { zero: true, nice: false } },
        y: {
          field: 'value',
          type: 'quantitative',
          title: options.yTitle,
          scale: options.yDomain ? { domain: options.yDomain } : { zero: true },
          axis: options.format ? { format: options.format } : {},
        },
      },
    },
  ];
  if (options.rule !== undefined) layer.push(ruleAt(options.rule, COLORS.reference));
  return { ...SIZE.panel, layer };
}

/** Finite values of one eval field, as plot rows (optionally scaled, e.g. to percent). */
function evalRows(evals: readonly EvalRecord[], field: keyof EvalRecord, scale = 1): { step: number; value: number }[] {
  return evals.map((r) => ({ step: r.step, value: toNumber(r[field]) * scale })).filter((p) => Number.isFinite(p.value)).map((p) => ({ step: p.step, value: round(p.value) }));
}

/**
 * Mode coverage over training: modes captured (dashed line at the data's mode count), share of
 * high-quality samples in %, and the reverse KL of the mode histogram. Panels without data are left
 * out; `null` when the run has no mode metrics at all (data without known modes, or no evals).
 */
export function coverageChart(evals: readonly EvalRecord[]): TopLevelSpec | null {
  const panels: SubSpec[] = [];
  const modes = evalRows(evals, 'modes');
  if (modes.length) {
    const total = evals.map((r) => toNumber(r.modesTotal)).find(Number.isFinite);
    panels.push(evalPanel(modes, { yTitle: total ? `modes captured (of ${total})` : 'modes captured', color: COLORS.d, yDomain: total ? [0, total] : undefined, rule: total, format: 'd' }));
  }
  const hq = evalRows(evals, 'highQuality', 100);
  if (hq.length) panels.push(evalPanel(hq, { yTitle: 'high-quality samples (%)', color: COLORS.g, yDomain: [0, 100] }));
  const rkl = evalRows(evals, 'reverseKL');
  if (rkl.length) panels.push(evalPanel(rkl, { yTitle: ['reverse KL over modes', '(nats)'], color: COLORS.reference }));
  if (!panels.length) return null;
  return topLevel({ hconcat: panels, spacing: 24 }, { text: 'Mode coverage and sample quality', subtitle: 'at each evaluation, on a fixed-seed batch; high quality = within 3σ of a mode' });
}

/**
 * Distances between the real and generated distributions over training: Wasserstein-1 (exact in
 * 1-D, sliced otherwise; in data units) and the Jensen–Shannon divergence (nats, at most ln 2,
 * drawn dashed). `null` when the run has neither.
 */
export function divergenceChart(evals: readonly EvalRecord[]): TopLevelSpec | null {
  const panels: SubSpec[] = [];
  const w1 = evalRows(evals, 'w1');
  if (w1.length) panels.push(evalPanel(w1, { yTitle: 'Wasserstein-1 (data units)', color: COLORS.d }));
  const js = evalRows(evals, 'js');
  if (js.length) panels.push(evalPanel(js, { yTitle: 'JS divergence (nats)', color: COLORS.g, yDomain: [0, round(Math.LN2)], rule: round(Math.LN2) }));
  if (!panels.length) return null;
  return topLevel({ hconcat: panels, spacing: 24 }, { text: 'Distance between real and generated', subtitle: 'W1: exact in 1-D, sliced in more dimensions · JS: histogram/grid estimate, dashed at its maximum ln 2' });
}

/**
 * Image quality over training in the data's feature space: FID and KID against the held-out
 * reference set, improved precision and recall (%), the classifier score, and for Stacked MNIST
 * the digit triples covered (of 1,000). `null` when the evaluations have none of them.
 */
export function featureChart(evals: readonly EvalRecord[]): TopLevelSpec | null {
  const panels: SubSpec[] = [];
  const last = evals.at(-1);
  const n = last ? `${last.samples} generated vs ${toNumber(last.referenceSamples)} reference` : '';
  const fid = evalRows(evals, 'fid');
  if (fid.length) panels.push(evalPanel(fid, { yTitle: 'FID (classifier features)', color: COLORS.d }));
  const kid = evalRows(evals, 'kid');
  if (kid.length) panels.push(evalPanel(kid, { yTitle: 'KID', color: COLORS.g }));
  const precision = evalRows(evals, 'featurePrecision', 100);
  if (precision.length) panels.push(evalPanel(precision, { yTitle: 'precision (%)', color: COLORS.d, yDomain: [0, 100] }));
  const recall = evalRows(evals, 'featureRecall', 100);
  if (recall.length) panels.push(evalPanel(recall, { yTitle: 'recall (%)', color: COLORS.g, yDomain: [0, 100] }));
  const score = evalRows(evals, 'classifierScore');
  if (score.length) panels.push(evalPanel(score, { yTitle: 'classifier score (max 10)', color: COLORS.reference, yDomain: [0, 10] }));
  const stacked = evalRows(evals, 'stackedModes');
  if (stacked.length) panels.push(evalPanel(stacked, { yTitle: 'digit triples (of 1,000)', color: COLORS.reference, yDomain: [0, 1000], format: 'd' }));
  if (!panels.length) return null;
  const rows = [panels.slice(0, 3), panels.slice(3)].filter((r) => r.length);
  return topLevel({ vconcat: rows.map((r) => ({ hconcat: r, spacing: 24 })), spacing: 16 }, { text: 'Image quality in feature space', subtitle: `at each evaluation, ${n} images; lower FID/KID is better` });
}

/**
 * What a conditional or InfoGAN run's condition does, over training: the share of generated
 * samples of the class asked for (%), ACGAN's head accuracy on real samples (%), InfoGAN's code
 * accuracy after matching (%), and InfoGAN's mutual-information bounds (nats; the categorical one
 * dashed at its maximum log k). `null` when the evaluations have none of them.
 */
export function conditionChart(evals: readonly EvalRecord[], categorical?: number): TopLevelSpec | null {
  const panels: SubSpec[] = [];
  const percent = (field: keyof EvalRecord, yTitle: string, color: string) => {
    const rows = evalRows(evals, field, 100);
    if (rows.length) panels.push(evalPanel(rows, { yTitle, color, yDomain: [0, 100] }));
  };
  percent('classAccuracy', 'samples of the class asked for (%)', COLORS.g);
  percent('auxAccuracy', "D's head on real samples (%)", COLORS.d);
  percent('codeAccuracy', 'code as a classifier, matched (%)', COLORS.d);
  const mi = evalRows(evals, 'miCategorical');
  const top = categorical ? round(Math.log(categorical)) : undefined;
  if (mi.length) panels.push(evalPanel(mi, { yTitle: ['I(c; G(z, c)) bound,', 'categorical (nats)'], color: COLORS.g, ...(top ? { yDomain: [0, top], rule: top } : {}) }));
  const mic = evalRows(evals, 'miContinuous');
  if (mic.length) panels.push(evalPanel(mic, { yTitle: ['I(c; G(z, c)) bound,', 'continuous (nats)'], color: COLORS.reference }));
  if (!panels.length) return null;
  return topLevel({ hconcat: panels, spacing: 24 }, { text: 'What the condition does', subtitle: 'at each evaluation, on balanced classes or codes; InfoGAN matches codes to labels one-to-one' });
}

/**
 * A conditional image run's last evaluation class by class: FID of each class's samples against
 * that class's reference images, and per-class precision and recall (%). Low recall in one class is
 * ACGAN's known loss of diversity within it. `null` without per-class fields.
 */
export function perClassChart(evals: readonly EvalRecord[]): TopLevelSpec | null {
  const last = [...evals].reverse().find((r) => r.classFid?.length);
  if (!last) return null;
  const rows = last.classFid!.map((fid, k) => ({ class: String(k), fid: round(fid), precision: round(100 * (last.classPrecision?.[k] ?? NaN)), recall: round(100 * (last.classRecall?.[k] ?? NaN)) }));
  const bars = (field: string, title: string, color: string, domain?: [number, number]): SubSpec => ({
    ...SIZE.panel,
    mark: { type: 'bar', color },
    encoding: {
      x: { field: 'class', type: 'ordinal', title: 'class', axis: { labelAngle: 0 } },
      y: { field, type: 'quantitative', title, ...(domain ? { scale: { domain } } : {}) },
      tooltip: [{ field: 'class' }, { field, type: 'quantitative' }],
    },
    data: { values: rows },
  });
  return topLevel(
    { hconcat: [bars('fid', 'FID within the class', COLORS.d), bars('precision', 'precision (%)', COLORS.d, [0, 100]), bars('recall', 'recall (%)', COLORS.g, [0, 100])], spacing: 24 },
    { text: `Class by class at step ${last.step}`, subtitle: `each class's ~${Math.round(last.samples / rows.length)} samples against its reference images; per-class FID is biased upward by the small sets` },
  );
}

/**
 * An image-to-image translation over training: its held-out translations against their targets,
 * pixel L1 (on [0, 1]), PSNR (dB) and SSIM. `null` when the evaluations have none of them.
 */
export function translationChart(evals: readonly EvalRecord[]): TopLevelSpec | null {
  const panels: SubSpec[] = [];
  const l1 = evalRows(evals, 'translationL1');
  if (l1.length) panels.push(evalPanel(l1, { yTitle: 'L1 to the target (pixels in [0, 1])', color: COLORS.d }));
  const p = evalRows(evals, 'psnr');
  if (p.length) panels.push(evalPanel(p, { yTitle: 'PSNR (dB)', color: COLORS.g }));
  const s = evalRows(evals, 'ssim');
  if (s.length) panels.push(evalPanel(s, { yTitle: 'SSIM', color: COLORS.reference, yDomain: [0, 1] }));
  if (!panels.length) return null;
  return topLevel({ hconcat: panels, spacing: 24 }, { text: 'Translations against their targets', subtitle: 'at each evaluation, on held-out pairs; lower L1, higher PSNR and SSIM are closer' });
}
