/**
 * `saddlepoint demo` as a library: a GAN that drops modes and the remedy that fixes it, trained
 * side by side, measured, and shown on one page. Two `train` children at once (through
 * {@link runCompare}, so each is exactly a `train` run with its command printed): the ring8
 * preset's plain non-saturating GAN, and the same with PacGAN packing (m = 2). Then `demo.html`:
 * the table, both runs' samples over training, and modes captured over steps.
 */
import { join } from 'node:path';
import { demoHtml, overlayChart, pickSnapshots, scatterStrip, type ReportFigure } from '../report/index.ts';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from './atomic.ts';
import { runCompare, type CompareSummary, type RunOutcome } from './compare.ts';
import { renderSvg, svgToPng } from './render.ts';
import { readRunRecords, svgWidth } from './report.ts';

/** The two runs of the demo, in table order: what fails, and what fixes it. */
export const DEMO_RUNS = [
  { remedy: 'none', label: 'plain GAN (non-saturating loss)' },
  { remedy: 'pac2', label: 'PacGAN: D judges 2 samples at once' },
] as const;

/**
 * The demo's default seed, chosen and said so: over seeds 0–4 the plain GAN captures 7, 5, 5, 3
 * and 6 of 8 modes (5.2 ± 0.7) and pac2 all 8 on every seed (docs/results.md); seed 3 shows the
 * drop most plainly. `--seed` shows any other.
 */
export const DEMO_SEED = 3;

/** What {@link runDemo} needs. */
export interface DemoOptions {
  out: string;
  seed?: number;
  steps?: number;
  backend?: string;
  /** Called as each of the two runs ends. */
  onRunEnd?(outcome: RunOutcome, finished: number, total: number): void;
  onPlanned?(): void;
  warn?(message: string): void;
}

/** What the demo wrote and measured. */
export interface DemoResult {
  summary: CompareSummary;
  page: string;
}

/** Trains the two runs, two at once, and writes `demo.html` (and compare's results files) in `out`. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const seed = options.seed ?? DEMO_SEED;
  const flags: Record<string, unknown> = { seed, steps: options.steps ?? 2000 };
  if (options.backend !== undefined) flags.backend = options.backend;
  const args = ['--preset', 'ring8', ...(options.steps !== undefined ? ['--steps', String(options.steps)] : []), ...(options.backend !== undefined ? ['--backend', options.backend] : [])];
  const summary = await runCompare({
    sources: { preset: 'ring8', flags },
    command: { args },
    remedies: DEMO_RUNS.map((r) => r.remedy),
    seeds: [seed],
    out: options.out,
    jobs: 2,
    onPlanned: () => options.onPlanned?.(),
    onRunEnd: options.onRunEnd,
    warn: options.warn,
  });
  const figures: ReportFigure[] = [];
  const draw = async (name: string, caption: string, spec: TopLevelSpec) => {
    const svg = await renderSvg(spec);
    figures.push({ name, caption, png: svgToPng(svg, { scale: 2 }), width: Math.round(svgWidth(svg)) });
  };
  const records = summary.runs.filter((r) => r.ok).map((r) => ({ outcome: r, run: readRunRecords(r.dir) }));
  for (const { outcome, run } of records) {
    const label = DEMO_RUNS.find((d) => d.remedy === outcome.remedy)?.label ?? outcome.remedy;
    if (run.snapshots.length) {
      await draw(`samples-${outcome.remedy}`, `${label}: real (the 8 modes) and generated samples over D's decision surface, from the first evaluation to the last.`, scatterStrip(pickSnapshots(run.snapshots, 4)));
    }
  }
  if (records.length) {
    await draw(
      'modes',
      'Modes captured at each evaluation (a mode counts once a generated sample lands within 3 standard deviations of it). The plain GAN settles on a subset; packing lets D see that a batch lacks modes.',
      overlayChart(records.map(({ outcome, run }) => ({ name: DEMO_RUNS.find((d) => d.remedy === outcome.remedy)?.label ?? outcome.remedy, steps: run.steps, evals: run.evals })), 'modes'),
    );
  }
  const row = (remedy: string) => summary.runs.find((r) => r.remedy === remedy);
  const cell = (r: RunOutcome | undefined, f: (e: NonNullable<RunOutcome['eval']>) => string) => (r?.ok && r.eval ? f(r.eval) : 'failed');
  const page = join(summary.out, 'demo.html');
  writeFileAtomic(
    page,
    demoHtml({
      title: 'A GAN that drops modes, and the remedy that brings them back',
      intro: [
        `Both runs train the ring8 preset (8 Gaussians on a circle; G and D are 3 × 128 MLPs; Adam 5e-4; ${summary.steps} steps; seed ${seed}) with one difference: the second one's D scores pairs of samples (PacGAN, Lin et al. 2018).`,
        'A loss curve would look healthy for both. What differs is what G produces: the plain GAN covers only part of the data (mode dropping, the start of mode collapse), the packed one all of it. The numbers below are measured on 2,500 samples of the final generator.',
        `Seed ${seed}${seed === DEMO_SEED ? ', chosen because it shows the drop most plainly' : ''}. Over seeds 0–4 (docs/results.md) the plain GAN captures 7, 5, 5, 3 and 6 of 8 modes (5.2 ± 0.7) and pac2 all 8 on every seed; try another with --seed.`,
      ],
      table: {
        header: ['run', 'modes captured', 'high-quality samples', 'reverse KL', 'W1', 'train time'],
        rows: DEMO_RUNS.map(({ remedy, label }) => {
          const r = row(remedy);
          return [
            label,
            cell(r, (e) => `${e.modes} of ${e.modesTotal}`),
            cell(r, (e) => (e.highQuality === null ? '–' : `${(100 * e.highQuality).toFixed(1)} %`)),
            cell(r, (e) => (e.reverseKL === null ? '–' : e.reverseKL.toFixed(3))),
            cell(r, (e) => (e.w1 === null ? '–' : e.w1.toFixed(3))),
            r?.wallSeconds ? `${r.wallSeconds.toFixed(0)} s` : '–',
          ];
        }),
      },
      figures,
      commands: [
        ...DEMO_RUNS.map(({ remedy, label }) => ({ label: `${label}:`, command: (summary.commands?.[remedy] ?? '').replace("'<seed>'", String(seed)) })),
        { label: 'Over 5 seeds, with more remedies at their recommended settings (WGAN-GP and spectral norm train 5 D steps per G step: about half an hour on 2 cores):', command: 'npx saddlepoint compare --preset ring8 --remedies none,pac2,wgan-gp,spectral-norm --seeds 5' },
        { label: 'Ask the doctor what went wrong in the plain run:', command: `npx saddlepoint doctor ${row('none')?.dir ?? '<run dir>'}` },
      ],
      generatedAt: new Date().toISOString(),
    }),
  );
  return { summary, page };
}
