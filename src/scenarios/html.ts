/**
 * A scenario's report page and the index page of `scenario run all`: self-contained HTML, plots
 * inlined as PNG data URIs, styles inline, no scripts and no external URLs. Pure.
 */
import { escapeHtml, type ReportFigure } from '../report/index.ts';
import { base64 } from '../tensor/index.ts';
import type { ScenarioTable, Verdict } from './types.ts';
import { formatNumber } from './verdict.ts';

/** Everything a scenario's page shows. */
export interface ScenarioPage {
  readonly name: string;
  readonly title: string;
  readonly shows: string;
  readonly settings: Readonly<Record<string, number>>;
  readonly measured: Readonly<Record<string, number>>;
  readonly verdict: Verdict;
  readonly tables: readonly ScenarioTable[];
  readonly figures: readonly ReportFigure[];
  readonly seconds: number;
  /** The tensor backend it ran on, for scenarios that train. */
  readonly backend?: string;
  readonly generatedAt: string;
}

/** One line of the index page. */
export interface ScenarioIndexEntry {
  readonly name: string;
  readonly title: string;
  readonly holds: boolean;
  readonly text: string;
  /** Relative link to the scenario's report.html. */
  readonly href: string;
  readonly seconds: number;
}

const STYLE = `
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:24px;color:#222;background:#fff;line-height:1.45}
h1{font-size:24px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid #ddd;padding-bottom:4px}
.shows{color:#333;max-width:900px;margin:8px 0}.facts{color:#555;margin:0}.facts b{color:#222;font-weight:600}
.verdict{border-radius:6px;padding:12px 16px;margin:16px 0;max-width:1000px}
.verdict.holds{background:#ebfbee;border:1px solid #2f9e44}.verdict.fails{background:#fff0f0;border:1px solid #e03131}
.verdict p{margin:4px 0}.badge{font-weight:700}.holds .badge{color:#2b8a3e}.fails .badge{color:#c92a2a}
.tables{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;font-size:14px;margin-bottom:16px}caption{text-align:left;font-weight:600;padding-bottom:6px}
th{text-align:left;font-weight:normal;color:#555;padding:2px 16px 2px 0}td{font-variant-numeric:tabular-nums;padding:2px 16px 2px 0}
table.grid th{font-weight:600;color:#222;border-bottom:1px solid #ccc}table.grid td,table.grid th{padding:3px 14px 3px 0}
figure{margin:0 0 28px}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:14px;margin-top:4px;max-width:900px}
footer{color:#888;font-size:12px;margin-top:40px}a{color:#1c7ed6}`;

function cell(value: string | number): string {
  return typeof value === 'number' ? formatNumber(value) : escapeHtml(value);
}

function numbersTable(caption: string, values: Readonly<Record<string, number>>): string {
  const rows = Object.entries(values)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`)
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption>${rows}</table>`;
}

function gridTable(table: ScenarioTable): string {
  const head = `<tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = table.rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('');
  return `<table class="grid"><caption>${escapeHtml(table.caption)}</caption>${head}${body}</table>`;
}

function verdictBox(verdict: Verdict): string {
  return `<div class="verdict ${verdict.holds ? 'holds' : 'fails'}"><p class="badge">${verdict.holds ? 'Verdict: holds' : 'Verdict: does not hold'}</p><p><b>Expected:</b> ${escapeHtml(verdict.expected)}</p><p><b>Measured:</b> ${escapeHtml(verdict.text)}</p></div>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

/** The report page of one scenario run. */
export function scenarioHtml(p: ScenarioPage): string {
  const facts = [
    ['scenario', p.name],
    ['ran in', `${p.seconds.toFixed(1)} s`],
    ...(p.backend ? [['backend', p.backend]] : []),
  ]
    .map(([k, v]) => `${escapeHtml(k)} <b>${escapeHtml(v)}</b>`)
    .join(' · ');
  const figures = p.figures
    .map((f) => `<figure id="${escapeHtml(f.name)}"><img alt="${escapeHtml(f.caption)}" width="${f.width}" src="data:image/png;base64,${base64(f.png)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
  const tables = p.tables.map(gridTable).join('');
  const numbers = `<div class="tables">${numbersTable('measured', p.measured)}${Object.keys(p.settings).length ? numbersTable('settings', p.settings) : ''}</div>`;
  return page(
    `${p.title} · saddlepoint scenario`,
    `<header><h1>${escapeHtml(p.title)}</h1><p class="facts">${facts}</p><p class="shows">${escapeHtml(p.shows)}</p></header>
${verdictBox(p.verdict)}
${tables ? `<h2>Tables</h2>\n${tables}` : ''}
<h2>Plots</h2>
${figures || '<p>No plots.</p>'}
<h2>Numbers</h2>
${numbers}
<footer>Written by saddlepoint scenario run on ${escapeHtml(p.generatedAt)}. The numbers are also in scenario.json beside this page.</footer>`,
  );
}

/** The index page of `scenario run all`: one row per scenario, linking its report. */
export function scenarioIndexHtml(entries: readonly ScenarioIndexEntry[], generatedAt: string): string {
  const held = entries.filter((e) => e.holds).length;
  const rows = entries
    .map(
      (e) =>
        `<tr><td><a href="${escapeHtml(e.href)}">${escapeHtml(e.name)}</a></td><td>${escapeHtml(e.title)}</td><td class="badge" style="color:${e.holds ? '#2b8a3e' : '#c92a2a'}">${e.holds ? 'holds' : 'does not hold'}</td><td>${e.seconds.toFixed(1)} s</td><td>${escapeHtml(e.text)}</td></tr>`,
    )
    .join('\n');
  return page(
    'saddlepoint scenarios',
    `<header><h1>saddlepoint scenarios</h1><p class="facts"><b>${held}</b> of <b>${entries.length}</b> verdicts hold</p></header>
<table class="grid"><tr><th>scenario</th><th>what</th><th>verdict</th><th>time</th><th>measured</th></tr>
${rows}
</table>
<footer>Written by saddlepoint scenario run all on ${escapeHtml(generatedAt)}.</footer>`,
  );
}
