/**
 * Reads a run directory and writes its plots (`plots/*.png`, `plots/*.svg`) and a self-contained
 * `report.html`; overlays one metric of several runs. Plots read run directories and nothing else.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { CheckpointError, ConfigError, DataError } from '../errors.ts';
import { buildObjective, lossSchema, type DOutput } from '../losses/index.ts';
import { diagnosisTimeline, reportHtml, type ReportFigure, type ReportPage, conditionChart, coverageChart, divergenceChart, featureChart, perClassChart, translationChart, dOutputChart, gradNormChart, histogramChart, histogramStrip, lossChart, OVERLAY_METRICS, OVERLAY_METRIC_NAMES, overlayChart, overlayPoints, pickSnapshots, scatterChart, scatterStrip, type OverlayMetric, type OverlayRun } from '../report/index.ts';
import { diagnose, diagnosisContext, toRunRecords } from '../doctor/index.ts';
import { findingRecordSchema, interventionRecordSchema, type EvalRecord, type SampleSnapshot, type StepRecord } from '../train/index.ts';
import { nodeRunConfigSchema } from './datasets.ts';
import { writeFileAtomic } from './atomic.ts';
import { renderSvg, svgToPng } from './render.ts';
import { imageGridPng, snapshotGridPng } from './image-grid.ts';
import { fromBase64 } from '../tensor/index.ts';
import { readMetrics, readRunConfig, RUN_FILES } from './run-dir.ts';

/** Report files inside a run directory (beside `RUN_FILES`). */
export const REPORT_FILES = { plots: 'plots', html: 'report.html' } as const;

/** What a run directory holds for plotting. */
export interface RunRecords {
  dir: string;
  config: Record<string, unknown>;
  facts: Record<string, unknown>;
  steps: StepRecord[];
  evals: EvalRecord[];
  diverged?: { step: number; message: string };
  snapshots: SampleSnapshot[];
  /** What D outputs, from the config's loss (or, failing that, the snapshots). */
  dOutput: DOutput;
}

/** A record's numeric `step`, or a {@link DataError} naming the line's position. */
function stepOf(record: Record<string, unknown>, index: number, path: string): number {
  if (typeof record.step !== 'number') throw new DataError(`record ${index + 1} (kind "${String(record.kind)}") has no numeric "step"`, path);
  return record.step;
}

/** A number field; JSON writes NaN and ±Infinity as `null`, which plots treat as missing. */
function num(record: Record<string, unknown>, key: string): number {
  return typeof record[key] === 'number' ? record[key] : Number.NaN;
}

const STEP_FIELDS = ['dLoss', 'dPenalty', 'gLoss', 'dReal', 'dFake', 'gradNormD', 'gradNormG', 'ms'] as const satisfies readonly (keyof StepRecord)[];
const EVAL_FIELDS = ['modes', 'modesTotal', 'highQuality', 'reverseKL', 'kl', 'reverseKl', 'js', 'w1', 'mmd', 'dAccuracy', 'dReal', 'dFake', 'criticGap', 'fid', 'kid', 'kidSe', 'featurePrecision', 'featureRecall', 'featureDensity', 'featureCoverage', 'classifierScore', 'classAccuracy', 'auxAccuracy', 'codeAccuracy', 'miCategorical', 'miContinuous', 'translationL1', 'psnr', 'ssim', 'stackedModes', 'stackedKl', 'referenceSamples'] as const satisfies readonly (keyof EvalRecord)[];
const EVAL_LISTS = ['classFid', 'classPrecision', 'classRecall'] as const satisfies readonly (keyof EvalRecord)[];

function toStepRecord(r: Record<string, unknown>, step: number): StepRecord {
  const out: StepRecord = { kind: 'step', step, dLoss: 0, dPenalty: 0, gLoss: 0, dReal: 0, dFake: 0, gradNormD: 0, gradNormG: 0, ms: 0 };
  for (const k of STEP_FIELDS) out[k] = num(r, k);
  if (r.extras && typeof r.extras === 'object') out.extras = Object.fromEntries(Object.entries(r.extras).map(([k, v]) => [k, typeof v === 'number' ? v : Number.NaN]));
  return out;
}

function toEvalRecord(r: Record<string, unknown>, step: number): EvalRecord {
  const out: EvalRecord = { kind: 'eval', step, samples: num(r, 'samples'), ms: num(r, 'ms') };
  // Absent fields stay absent: "not measured" differs from "measured NaN".
  for (const k of EVAL_FIELDS) if (k in r) out[k] = num(r, k);
  for (const k of EVAL_LISTS) {
    const list = r[k];
    if (Array.isArray(list)) out[k] = list.map((v) => (typeof v === 'number' ? v : Number.NaN));
  }
  return out;
}

/** Reads `samples/<step>.json` snapshots in step order; a malformed one is an error naming its file. */
export function readSnapshots(dir: string): SampleSnapshot[] {
  const root = join(dir, RUN_FILES.samples);
  if (!existsSync(root)) return [];
  const out: SampleSnapshot[] = [];
  for (const name of readdirSync(root).filter((n) => /^\d+\.json$/.test(n))) {
    const path = join(root, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new DataError(`not JSON: ${err instanceof Error ? err.message : String(err)}`, path);
    }
    out.push(checkSnapshot(parsed, path));
  }
  return out.sort((a, b) => a.step - b.step);
}

function checkSnapshot(value: unknown, path: string): SampleSnapshot {
  const s = value as Partial<SampleSnapshot> | null;
  const isPoints = (p: unknown, dim: number) => Array.isArray(p) && p.every((row) => Array.isArray(row) && row.length === dim);
  if (!s || typeof s !== 'object' || typeof s.step !== 'number') throw new DataError('a sample snapshot needs a numeric "step"', path);
  if (typeof s.dim !== 'number' || !Number.isInteger(s.dim) || s.dim < 1) throw new DataError(`"dim" must be a positive integer, got ${JSON.stringify(s.dim)}`, path);
  if (!isPoints(s.real, s.dim) || !isPoints(s.fake, s.dim)) throw new DataError(`"real" and "fake" must be arrays of ${s.dim}-number points`, path);
  const surface = s.surface;
  if (surface !== undefined) {
    const rows = surface.y?.length ?? 0;
    const okD = surface.y ? Array.isArray(surface.d) && surface.d.length === rows && surface.d.every((r) => Array.isArray(r) && r.length === surface.x.length) : Array.isArray(surface.d) && surface.d.length === surface.x?.length;
    if (!Array.isArray(surface.x) || !okD || !['logit', 'score', 'energy'].includes(surface.output)) {
      throw new DataError('"surface" must be { x, y?, d, output } with d over x (1-D) or the y × x grid (2-D)', path);
    }
  }
  const images = s.images;
  if (images !== undefined) {
    const shapeOk = Array.isArray(images.shape) && images.shape.length === 3 && images.shape.every((v) => Number.isInteger(v) && v > 0) && (images.shape[2] === 1 || images.shape[2] === 3);
    const size = shapeOk ? images.shape.reduce((a, b) => a * b, 1) : 0;
    const bytesOf = (text: unknown) => {
      try {
        return typeof text === 'string' ? fromBase64(text).length : -1;
      } catch {
        return -1;
      }
    };
    if (!shapeOk || !Number.isInteger(images.count) || images.count < 1 || bytesOf(images.fake) !== images.count * size || bytesOf(images.real) !== images.count * size) {
      throw new DataError('"images" must be { shape: [h, w, 1 or 3], count, fake, real } with count images of base64 bytes in each of fake and real', path);
    }
    const { interpolations: paths, neighbours } = images;
    if (paths !== undefined && !(Number.isInteger(paths.paths) && Number.isInteger(paths.steps) && paths.paths > 0 && paths.steps > 0 && bytesOf(paths.images) === paths.paths * paths.steps * size)) {
      throw new DataError('"images.interpolations" must be { paths, steps, images } with paths · steps images of base64 bytes', path);
    }
    const translations = images.translations;
    if (translations !== undefined && !(Number.isInteger(translations.count) && translations.count > 0 && bytesOf(translations.images) === 3 * translations.count * size)) {
      throw new DataError('"images.translations" must be { count, images } with 3 · count images of base64 bytes', path);
    }
    const traversals = images.traversals;
    const traversalOk = (t: NonNullable<typeof traversals>[number]) =>
      typeof t?.code === 'string' && Number.isInteger(t.rows) && Number.isInteger(t.cols) && t.rows > 0 && t.cols > 0 && typeof t.rowsShow === 'string' && typeof t.colsShow === 'string' && bytesOf(t.images) === t.rows * t.cols * size;
    if (traversals !== undefined && !(Array.isArray(traversals) && traversals.every(traversalOk))) {
      throw new DataError('"images.traversals" must be a list of { code, rows, cols, rowsShow, colsShow, images } with rows · cols images of base64 bytes', path);
    }
    if (neighbours !== undefined && !(Number.isInteger(neighbours.count) && neighbours.count > 0 && bytesOf(neighbours.images) === 2 * neighbours.count * size)) {
      throw new DataError('"images.neighbours" must be { count, pool, images } with 2 · count images of base64 bytes', path);
    }
  }
  return s as SampleSnapshot;
}

/** What D outputs for a stored loss config; `undefined` when the config is not one we know. */
function dOutputOfLoss(loss: unknown): DOutput | undefined {
  const parsed = lossSchema.safeParse(loss);
  return parsed.success ? buildObjective(parsed.data).loss.output : undefined;
}

/**
 * Reads everything a report needs from a run directory. A missing directory or `config.json` is a
 * {@link CheckpointError}, malformed records or snapshots a {@link DataError}, each naming the path.
 */
export function readRunRecords(dir: string): RunRecords {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new CheckpointError('no such run directory', abs);
  const { config, facts } = readRunConfig(abs);
  const metricsPath = join(abs, RUN_FILES.metrics);
  const steps: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  let diverged: RunRecords['diverged'];
  readMetrics(metricsPath).forEach((r, i) => {
    if (r.kind === 'step') steps.push(toStepRecord(r, stepOf(r, i, metricsPath)));
    else if (r.kind === 'eval') evals.push(toEvalRecord(r, stepOf(r, i, metricsPath)));
    else if (r.kind === 'diverged') diverged = { step: stepOf(r, i, metricsPath), message: String(r.message ?? 'non-finite values') };
  });
  const snapshots = readSnapshots(abs);
  const cfg = config as Record<string, unknown>;
  const dOutput = dOutputOfLoss(cfg.loss) ?? snapshots.find((s) => s.surface)?.surface?.output ?? 'score';
  return { dir: abs, config: cfg, facts, steps, evals, diverged, snapshots, dOutput };
}

/** The unit of a loss's value, for the loss axis. */
function lossUnit(output: DOutput, lossName: unknown): string | undefined {
  if (lossName === 'least-squares') return 'squared score';
  return { logit: 'nats', score: 'critic units', energy: 'L1 energy' }[output];
}

/** One plot the report may draw: its file name, caption, and spec — or why it cannot be drawn. */
type PlotPlan = { name: string; caption: string; spec: TopLevelSpec } | { name: string; caption: string; png: () => Promise<Uint8Array> } | { name: string; skip: string };

function planPlots(run: RunRecords): PlotPlan[] {
  const plans: PlotPlan[] = [];
  const curve = { lossUnit: lossUnit(run.dOutput, (run.config.loss as { name?: unknown } | undefined)?.name), divergedAt: run.diverged?.step };
  if (run.steps.length) {
    plans.push({ name: 'losses', caption: "D's and G's losses per step; with a gradient penalty, its share of D's loss is dashed.", spec: lossChart(run.steps, curve) });
    plans.push({ name: 'grad-norms', caption: "Global L2 norms of D's and G's gradients (log scale): vanishing or exploding gradients show here first.", spec: gradNormChart(run.steps, curve) });
    plans.push({ name: 'd-output', caption: 'Mean D output on the real and the generated batch; the gap between them is how well D tells them apart.', spec: dOutputChart(run.steps, run.dOutput, curve) });
  } else {
    for (const name of ['losses', 'grad-norms', 'd-output']) plans.push({ name, skip: 'metrics.jsonl has no step records' });
  }
  const noEvals = 'no evaluation records in metrics.jsonl';
  const coverage = coverageChart(run.evals);
  plans.push(coverage ? { name: 'coverage', caption: 'Modes captured, share of high-quality samples and reverse KL over the modes, at each evaluation.', spec: coverage } : { name: 'coverage', skip: run.evals.length ? 'the data has no known modes' : noEvals });
  const divergence = divergenceChart(run.evals);
  plans.push(divergence ? { name: 'divergences', caption: 'Wasserstein-1 and Jensen–Shannon divergence between real and generated samples, at each evaluation.', spec: divergence } : { name: 'divergences', skip: run.evals.length ? 'the evaluations have neither W1 nor JS' : noEvals });
  const features = featureChart(run.evals);
  if (features) plans.push({ name: 'image-quality', caption: `FID, KID, precision/recall and the classifier score in the feature space of ${FEATURE_NOTE}, at each evaluation.`, spec: features });
  const model = run.config.model as { codes?: { categorical?: number } | null } | undefined;
  const categorical = model?.codes?.categorical;
  const condition = conditionChart(run.evals, categorical);
  if (condition) plans.push({ name: 'condition', caption: "What the condition does: the share of G's samples of the class asked for, ACGAN's head on real digits, InfoGAN's code as an unsupervised classifier and its mutual-information bounds.", spec: condition });
  const translation = translationChart(run.evals);
  if (translation) plans.push({ name: 'translation', caption: 'Held-out translations against their targets: pixel L1, PSNR and SSIM at each evaluation.', spec: translation });
  const perClass = perClassChart(run.evals);
  if (perClass) plans.push({ name: 'per-class', caption: "The last evaluation class by class: FID, precision and recall of each class's samples against that class's reference images.", spec: perClass });
  plans.push(...planSamplePlots(run.snapshots, Boolean(model?.codes)));
  return plans;
}

/** What the feature-space metrics of MNIST-family data are computed with. */
const FEATURE_NOTE = "the committed MNIST classifier (penultimate layer, 128 features; reference: MNIST test)";

/** Fixed-z images shown per snapshot in the over-time grid, and snapshots shown. */
const STRIP_IMAGES = 10;
const STRIP_SNAPSHOTS = 8;

/** The image snapshots' grids: the last one's generated and real images, and the first fixed-z images over time. */
function planImagePlots(snapshots: SampleSnapshot[], codes: boolean): PlotPlan[] {
  const last = snapshots[snapshots.length - 1];
  const images = last.images!;
  const strip = pickSnapshots(snapshots.filter((s) => s.images), STRIP_SNAPSHOTS);
  const per = Math.min(STRIP_IMAGES, images.count);
  const size = images.shape.reduce((a, b) => a * b, 1);
  return [
    { name: 'samples', caption: `Generated images at step ${last.step}, from the evaluation's fixed z (the same z at every evaluation)${images.classes ? `; G is asked for ${images.classes} ${codes ? 'categorical codes' : 'classes'} in turn, one per column, 0 at the left` : ''}.`, png: async () => (await snapshotGridPng(last, 'fake', { scale: 3 }))! },
    { name: 'real-samples', caption: `Real images for comparison (step ${last.step}'s held-out batch).`, png: async () => (await snapshotGridPng(last, 'real', { scale: 3 }))! },
    strip.length > 1
      ? {
          name: 'samples-over-time',
          caption: `The first ${per} fixed-z images at steps ${strip.map((s) => s.step).join(', ')} (one row each): how each z's image changed as G trained.`,
          png: () => {
            const bytes = new Uint8Array(strip.length * per * size);
            strip.forEach((s, i) => bytes.set(fromBase64(s.images!.fake).subarray(0, per * size), i * per * size));
            return imageGridPng(bytes, images.shape, strip.length * per, { cols: per, scale: 3 });
          },
        }
      : { name: 'samples-over-time', skip: 'only one snapshot: nothing to show over time' },
    ...(images.translations
      ? [
          {
            name: 'translations',
            caption: `Translation at step ${last.step}: ${images.translations.count} held-out sources (top row), G's translations (middle) and their targets (bottom).`,
            png: () => imageGridPng(fromBase64(images.translations!.images), images.shape, 3 * images.translations!.count, { cols: images.translations!.count, scale: 3 }),
          },
        ]
      : []),
    images.translations
      ? { name: 'interpolations', skip: 'a translating G takes no z: there is nothing to interpolate' }
      : images.interpolations
      ? {
          name: 'interpolations',
          caption: `G at step ${last.step} along ${images.interpolations.paths} spherical paths between fixed pairs of z (a row each): smooth changes mean G maps nearby z to nearby images rather than memorizing a few.`,
          png: () => imageGridPng(fromBase64(images.interpolations!.images), images.shape, images.interpolations!.paths * images.interpolations!.steps, { cols: images.interpolations!.steps, scale: 3 }),
        }
      : { name: 'interpolations', skip: 'the snapshot has no interpolations (written by an older version)' },
    images.neighbours
      ? {
          name: 'nearest-real',
          caption: `The memorization check at step ${last.step}: the first ${images.neighbours.count} generated images (top row) above their nearest training image in pixel distance among ${images.neighbours.pool.toLocaleString('en-US')} (bottom row). Copies would be identical pairs.`,
          png: () => imageGridPng(fromBase64(images.neighbours!.images), images.shape, 2 * images.neighbours!.count, { cols: images.neighbours!.count, scale: 3 }),
        }
      : { name: 'nearest-real', skip: 'the snapshot has no nearest-neighbour pairs (written by an older version)' },
    ...(images.traversals ?? []).map((t) => ({
      name: `traversal-${t.code}`,
      caption: `InfoGAN's latent traversal at step ${last.step}: ${t.colsShow} across the columns, with the rest of z fixed along each row (rows: ${t.rowsShow}). A code that has learned a factor (width, slant) changes that one thing smoothly.`,
      png: () => imageGridPng(fromBase64(t.images), images.shape, t.rows * t.cols, { cols: t.cols, scale: 3 }),
    })),
  ];
}

function planSamplePlots(snapshots: SampleSnapshot[], codes = false): PlotPlan[] {
  if (!snapshots.length) return [{ name: 'samples', skip: `no sample snapshots in ${RUN_FILES.samples}/` }];
  const last = snapshots[snapshots.length - 1];
  const strip = pickSnapshots(snapshots, 4);
  const few = 'only one snapshot: nothing to show over time';
  if (last.images) return planImagePlots(snapshots, codes);
  if (last.dim === 1) {
    return [
      { name: 'histogram', caption: `Real vs generated samples at step ${last.step} (30-bin densities); the line is D's output over x.`, spec: histogramChart(last) },
      strip.length > 1 ? { name: 'histogram-strip', caption: `The same at steps ${strip.map((s) => s.step).join(', ')}, on one x range.`, spec: histogramStrip(strip) } : { name: 'histogram-strip', skip: few },
    ];
  }
  if (last.dim === 2) {
    return [
      { name: 'scatter', caption: `Real and generated samples at step ${last.step} over D's decision surface: G's samples are pushed toward the real-coloured regions.`, spec: scatterChart(last) },
      strip.length > 1 ? { name: 'scatter-strip', caption: `The same at steps ${strip.map((s) => s.step).join(', ')}, in one window.`, spec: scatterStrip(strip) } : { name: 'scatter-strip', skip: few },
    ];
  }
  return [{ name: 'samples', skip: `samples are ${last.dim}-D; histograms and scatters are drawn for 1-D and 2-D data` }];
}

/** The diagnosis timeline's file in `plots/` (the one `saddlepoint doctor` writes). */
export const DIAGNOSIS_PLOT = 'diagnosis.png';

/** The report's Diagnosis section: the doctor over the records, the findings recorded live, the interventions, and the timeline. */
async function diagnoseForReport(run: RunRecords, scale: number): Promise<NonNullable<ReportPage['diagnosis']>> {
  const metricsPath = join(run.dir, RUN_FILES.metrics);
  const raw = readMetrics(metricsPath);
  const live = raw.filter((r) => r.kind === 'finding').map((r) => findingRecordSchema.parse(r));
  const interventions = raw.filter((r) => r.kind === 'intervention').map((r) => interventionRecordSchema.parse(r));
  const parsed = nodeRunConfigSchema.safeParse(run.config);
  if (!parsed.success) return { findings: [], live, interventions, unavailable: `The doctor cannot read this run's config (${parsed.error.issues[0]?.message ?? 'invalid'}).` };
  const records = toRunRecords(raw, metricsPath);
  if (!records.some((r) => r.kind === 'step')) return { findings: [], live, interventions, unavailable: 'No step records yet: nothing to diagnose.' };
  const findings = diagnose(records, diagnosisContext(parsed.data, records));
  const svg = await renderSvg(diagnosisTimeline(run.steps, findings));
  const png = svgToPng(svg, { scale });
  writeFileAtomic(join(run.dir, REPORT_FILES.plots, DIAGNOSIS_PLOT), png);
  const timeline: ReportFigure = { name: 'diagnosis', caption: "Where each finding begins (and ends), over D's and G's gradient norms.", png, width: Math.round(svgWidth(svg)) };
  return { findings, live, interventions, timeline };
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** PNG pixels per chart pixel (default 2). */
  scale?: number;
}

/** What {@link writeReport} wrote, and which plots it left out and why. */
export interface ReportResult {
  /** Every plot file written (`.png` and `.svg`). */
  plots: string[];
  html: string;
  skipped: { plot: string; reason: string }[];
}

/**
 * Writes `plots/<name>.png` and `.svg` for every plot the run has data for, and `report.html`
 * with all of them inlined (all files atomically). Plots the run lacks data for are skipped and
 * listed in the page and the result.
 *
 * @example
 * const { plots, html } = await writeReport('runs/20261123-131228-ring8-s0');
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const run = readRunRecords(runDir);
  const scale = options.scale ?? 2;
  const plots: string[] = [];
  const figures: ReportFigure[] = [];
  const skipped: ReportResult['skipped'] = [];
  for (const plan of planPlots(run)) {
    if ('skip' in plan) {
      skipped.push({ plot: plan.name, reason: plan.skip });
      continue;
    }
    const base = join(run.dir, REPORT_FILES.plots, plan.name);
    if ('png' in plan) {
      const png = await plan.png();
      writeFileAtomic(`${base}.png`, png);
      plots.push(`${base}.png`);
      figures.push({ name: plan.name, caption: plan.caption, png, width: pngWidth(png) / 2 });
      continue;
    }
    const svg = await renderSvg(plan.spec);
    const png = svgToPng(svg, { scale });
    writeFileAtomic(`${base}.svg`, svg);
    writeFileAtomic(`${base}.png`, png);
    plots.push(`${base}.png`, `${base}.svg`);
    figures.push({ name: plan.name, caption: plan.caption, png, width: Math.round(svgWidth(svg)) });
  }
  const diagnosis = await diagnoseForReport(run, scale);
  if (diagnosis.timeline) plots.push(join(run.dir, REPORT_FILES.plots, DIAGNOSIS_PLOT));
  const html = join(run.dir, REPORT_FILES.html);
  writeFileAtomic(html, reportHtml({ title: basename(run.dir), facts: runFacts(run), config: { ...run.config, _run: run.facts }, lastStep: run.steps.at(-1), lastEval: run.evals.at(-1), diverged: run.diverged, figures, skipped, generatedAt: new Date().toISOString(), diagnosis }));
  return { plots, html, skipped };
}

/** A PNG's width in pixels (its IHDR chunk). */
function pngWidth(png: Uint8Array): number {
  return new DataView(png.buffer, png.byteOffset, png.byteLength).getUint32(16);
}

/** The SVG's width in CSS pixels (vega writes it on the root element). */
export function svgWidth(svg: string): number {
  const m = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  return m ? Number(m[1]) : 600;
}

function runFacts(run: RunRecords): [string, string][] {
  const c = run.config as { data?: { kind?: unknown }; loss?: { name?: unknown }; seed?: unknown; steps?: unknown };
  const done = run.steps.at(-1)?.step ?? 0;
  const facts: [string, string][] = [
    ['data', String(c.data?.kind ?? '?')],
    ['loss', String(c.loss?.name ?? '?')],
    ['seed', String(c.seed ?? '?')],
    ['steps', `${done} of ${String(c.steps ?? '?')}`],
  ];
  if (run.facts.backend !== undefined) facts.push(['backend', String(run.facts.backend)]);
  if (run.evals.length) facts.push(['evaluations', String(run.evals.length)]);
  return facts;
}

/** Legend names for runs: directory names, with the parent added where two runs share one. */
function runNames(dirs: string[]): string[] {
  const names = dirs.map((d) => basename(d));
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${basename(dirname(dirs[i]))}/${n}` : n));
}

/** What {@link writeOverlayPlot} wrote and which runs it left out for lack of the metric. */
export interface OverlayResult {
  path: string;
  leftOut: string[];
}

/**
 * Draws `metric` of several runs on one chart (one line per run, legend = run directory name)
 * and writes it to `out` (`.png` or `.svg`, atomically). Runs without the metric are left out; a
 * {@link DataError} when none has it.
 */
export async function writeOverlayPlot(runDirs: string[], metric: OverlayMetric, out: string, options: ReportOptions = {}): Promise<OverlayResult> {
  if (!OVERLAY_METRIC_NAMES.includes(metric)) throw new ConfigError(`invalid config:\n  metric: got "${metric}"; allowed: ${OVERLAY_METRIC_NAMES.join(', ')}`);
  const ext = extname(out).toLowerCase();
  if (ext !== '.png' && ext !== '.svg') throw new ConfigError(`invalid config:\n  out: got "${out}"; expected a file ending in .png or .svg`);
  const runs = runDirs.map(readRunRecords);
  const names = runNames(runs.map((r) => r.dir));
  const all: OverlayRun[] = runs.map((r, i) => ({ name: names[i], steps: r.steps, evals: r.evals }));
  const kept = all.filter((r) => overlayPoints(r, metric).length > 0);
  if (!kept.length) {
    const kind = OVERLAY_METRICS[metric].source === 'eval' ? 'evaluation' : 'step';
    throw new DataError(`no run has ${metric} values (it comes from ${kind} records in ${RUN_FILES.metrics})`, runs.map((r) => r.dir).join(', '));
  }
  const svg = await renderSvg(overlayChart(kept, metric));
  const path = resolve(out);
  writeFileAtomic(path, ext === '.svg' ? svg : svgToPng(svg, options));
  return { path, leftOut: all.filter((r) => !kept.includes(r)).map((r) => r.name) };
}
