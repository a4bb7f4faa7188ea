/**
 * The run report as one self-contained HTML page: plots inlined as PNG data URIs, styles inline,
 * no scripts and no external URLs, so it opens offline and can be mailed as one file. Pure.
 */
import type { Finding } from '../doctor/index.ts';
import { base64 } from '../tensor/index.ts';
import type { EvalRecord, FindingRecord, InterventionRecord, StepRecord } from '../train/index.ts';

/** One rendered plot as the page shows it. */
export interface ReportFigure {
  name: string;
  caption: string;
  png: Uint8Array;
  /** Width to show it at, in CSS pixels (the PNG is rendered at a higher scale for sharpness). */
  width: number;
}

/** Everything the page shows. */
export interface ReportPage {
  title: string;
  /** One-line facts under the title (data, loss, seed, steps, backend). */
  facts: [string, string][];
  config: unknown;
  lastStep?: StepRecord;
  lastEval?: EvalRecord;
  diverged?: { step: number; message: string };
  figures: ReportFigure[];
  skipped: { plot: string; reason: string }[];
  generatedAt: string;
  /** What the doctor reads in the records, what it confirmed while training, and what the autopilot did; absent when the doctor could not read the run. */
  diagnosis?: { findings: Finding[]; live: FindingRecord[]; interventions: InterventionRecord[]; timeline?: ReportFigure; unavailable?: string };
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}


function formatValue(key: string, value: unknown): string {
  if (typeof value !== 'number') return value === null ? 'NaN' : escapeHtml(typeof value === 'object' ? JSON.stringify(value) : String(value));
  if (key === 'highQuality' || key === 'dAccuracy') return `${(value * 100).toFixed(1)} %`;
  if (key === 'ms') return `${value.toFixed(1)} ms`;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4);
}

function recordTable(caption: string, record: object): string {
  const rows = Object.entries(record)
    .filter(([k]) => k !== 'kind')
    .flatMap(([k, v]) => (k === 'extras' && v && typeof v === 'object' ? Object.entries(v).map(([ek, ev]) => [`extras.${ek}`, ev] as const) : [[k, v] as const]))
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${formatValue(k, v)}</td></tr>`)
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption>${rows}</table>`;
}

const STYLE = `
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:24px;color:#222;background:#fff}
h1{font-size:24px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid #ddd;padding-bottom:4px}
.facts{color:#555;margin:0}.facts b{color:#222;font-weight:600}
.diverged{background:#fff0f0;border:1px solid #e03131;border-radius:6px;padding:12px 16px;margin:16px 0}
.tables{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;font-size:14px}caption{text-align:left;font-weight:600;padding-bottom:6px}
th{text-align:left;font-weight:normal;color:#555;padding:2px 16px 2px 0}td{font-variant-numeric:tabular-nums;padding:2px 0}
figure{margin:0 0 28px}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:14px;margin-top:4px;max-width:900px}
details pre{background:#f6f6f6;padding:12px;overflow:auto;font-size:13px}ul.skipped{color:#555}
.findings li,.interventions li{margin:0 0 10px;max-width:1000px}.findings li.critical b{color:#c92a2a}.findings li.warning b{color:#e8590c}.findings li.healthy b{color:#2b8a3e}
.evidence{color:#555;font-size:13px}code{background:#f6f6f6;padding:1px 4px;font-size:13px}
footer{color:#888;font-size:12px;margin-top:40px}`;

function evidenceText(evidence: Record<string, number>): string {
  return Object.entries(evidence).map(([k, v]) => `${escapeHtml(k)} ${formatValue(k, v)}`).join(', ');
}

function findingItem(f: Omit<Finding, 'pathology'> & { pathology: string }): string {
  const when = f.toStep !== undefined ? `steps ${f.fromStep}–${f.toStep}` : `from step ${f.fromStep}`;
  const fix = f.remedies[0] ? `<br>try: <code>${escapeHtml(f.remedies[0].change)}</code> — ${escapeHtml(f.remedies[0].why)}` : '';
  const evidence = Object.keys(f.evidence).length ? `<br><span class="evidence">${evidenceText(f.evidence)}</span>` : '';
  return `<li class="${f.pathology === 'healthy' ? 'healthy' : f.severity}"><b>${escapeHtml(f.pathology)}</b> [${escapeHtml(f.severity)}] ${when}: ${escapeHtml(f.explanation)}${evidence}${fix}</li>`;
}

function diagnosisSection(d: NonNullable<ReportPage['diagnosis']>): string {
  if (d.unavailable) return `<h2>Diagnosis</h2>\n<p>${escapeHtml(d.unavailable)}</p>`;
  const parts = [`<h2>Diagnosis</h2>`, `<p>What <code>saddlepoint doctor</code> reads in the records (most severe first):</p>`, `<ol class="findings">${d.findings.map(findingItem).join('')}</ol>`];
  if (d.timeline) parts.push(`<figure id="diagnosis"><img alt="${escapeHtml(d.timeline.caption)}" width="${d.timeline.width}" src="data:image/png;base64,${base64(d.timeline.png)}"><figcaption>${escapeHtml(d.timeline.caption)}</figcaption></figure>`);
  if (d.live.length) parts.push(`<p>Confirmed while training (<code>--doctor</code>), at the step shown:</p>`, `<ul class="findings">${d.live.map((f) => findingItem(f).replace('</b>', `</b> at step ${f.step},`)).join('')}</ul>`);
  if (d.interventions.length) {
    parts.push(
      `<p>The autopilot turned the run around ${d.interventions.length === 1 ? 'once' : `${d.interventions.length} times`} (the records it dropped are summed up here):</p>`,
      `<ol class="interventions">${d.interventions
        .map((i) => `<li><b>${escapeHtml(i.pathology)}</b> from step ${i.fromStep}, confirmed at step ${i.detectedAt} → ${i.step > 0 ? `back to the checkpoint at step ${i.step}` : 'started over from step 0'} with <b>${escapeHtml(i.remedy)}</b>: <code>${escapeHtml(i.sets.map((x) => `--set '${x}'`).join(' '))}</code> — ${escapeHtml(i.why)}<br><span class="evidence">${evidenceText(i.evidence)}</span></li>`)
        .join('')}</ol>`,
    );
  }
  return parts.join('\n');
}

/** The report page (see the module comment). */
export function reportHtml(page: ReportPage): string {
  const facts = page.facts.map(([k, v]) => `${escapeHtml(k)} <b>${escapeHtml(v)}</b>`).join(' · ');
  const diverged = page.diverged
    ? `<div class="diverged"><b>This run diverged at step ${page.diverged.step}</b>: ${escapeHtml(page.diverged.message)}. Training stopped there; the last good checkpoint is kept, and the plots end at the last finite step (red dashed line).</div>`
    : '';
  const figures = page.figures
    .map((f) => `<figure id="${escapeHtml(f.name)}"><img alt="${escapeHtml(f.caption)}" width="${f.width}" src="data:image/png;base64,${base64(f.png)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
  const skipped = page.skipped.length ? `<p>Not drawn for this run:</p><ul class="skipped">${page.skipped.map((s) => `<li><b>${escapeHtml(s.plot)}</b>: ${escapeHtml(s.reason)}</li>`).join('')}</ul>` : '';
  const tableList = [
    page.lastEval ? recordTable(`last evaluation (step ${page.lastEval.step})`, page.lastEval) : '',
    page.lastStep ? recordTable(`last training step (step ${page.lastStep.step})`, page.lastStep) : '',
  ].join('');
  const tables = tableList ? `<div class="tables">${tableList}</div>` : '<p>No records yet.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · saddlepoint report</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p class="facts">${facts}</p></header>
${diverged}
<h2>Final metrics</h2>
${tables}
<h2>Plots</h2>
${figures || '<p>No plots: the run has no records yet.</p>'}
${skipped}
${page.diagnosis ? diagnosisSection(page.diagnosis) : ''}
<h2>Config</h2>
<details><summary>config.json (resolved, with run facts)</summary><pre>${escapeHtml(JSON.stringify(page.config, null, 2))}</pre></details>
<footer>Written by saddlepoint report on ${escapeHtml(page.generatedAt)}.</footer>
</body></html>
`;
}

/** A page that shows a failure and its fix side by side (`saddlepoint demo`). */
export interface DemoPage {
  title: string;
  /** Paragraphs above the table: what was run, what to look for. */
  intro: string[];
  /** The table: a header row, then one row per run. */
  table: { header: string[]; rows: string[][] };
  figures: ReportFigure[];
  /** The commands that reproduce each run, and what to try next. */
  commands: { label: string; command: string }[];
  generatedAt: string;
}

/** The demo page: self-contained like the report (inline PNGs and styles, no scripts). */
export function demoHtml(page: DemoPage): string {
  const head = `<tr>${page.table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = page.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  const figures = page.figures
    .map((f) => `<figure id="${escapeHtml(f.name)}"><img alt="${escapeHtml(f.caption)}" width="${f.width}" src="data:image/png;base64,${base64(f.png)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
  const commands = page.commands.map((c) => `<li>${escapeHtml(c.label)}<pre>${escapeHtml(c.command)}</pre></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · saddlepoint demo</title><style>${STYLE}
table.demo th,table.demo td{padding:4px 14px 4px 0;text-align:left}table.demo th{font-weight:600;color:#222}
pre{background:#f6f6f6;padding:8px 12px;overflow:auto;font-size:13px}</style></head>
<body>
<header><h1>${escapeHtml(page.title)}</h1>${page.intro.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</header>
<table class="demo">${head}${rows}</table>
<h2>What the samples did</h2>
${figures}
<h2>Run them yourself</h2>
<ul>${commands}</ul>
<footer>Written by saddlepoint demo on ${escapeHtml(page.generatedAt)}.</footer>
</body></html>
`;
}
