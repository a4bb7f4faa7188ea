/**
 * The runs dashboard: the run directories the server reads, as a table (status, config, latest
 * measurements), and the charts of the selected runs overlaid, following each run live. The
 * newest snapshot of the first selected run is drawn with the lab's heatmap.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunList, RunListing, SampleSnapshot } from '../core.ts';
import { EVAL_SERIES, STEP_SERIES } from '../lab-state.ts';
import { Chart } from '../views/chart.ts';
import { Heatmap, viewHalf } from '../views/heatmap.ts';
import { RunFeed, parseRecordsJson, runPath } from './feed.ts';
import { overlay, type RunSeries } from './overlay.ts';

/** Runs followed at once: each holds one event stream, and a browser opens few connections to one host. */
export const MAX_LIVE = 4;
const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#ef6c00'];
const LIST_EVERY_MS = 2000;

/** Each charted quantity's title, for every series the lab charts (log: on a log axis). */
const CHARTS: Record<(typeof STEP_SERIES)[number] | (typeof EVAL_SERIES)[number], { title: string; log?: boolean }> = {
  dLoss: { title: 'D loss' },
  gLoss: { title: 'G loss' },
  gradNormD: { title: '‖∇D‖ (log)', log: true },
  gradNormG: { title: '‖∇G‖ (log)', log: true },
  modes: { title: 'modes captured' },
  highQuality: { title: 'high-quality %' },
  kl: { title: 'KL (grid)' },
  js: { title: 'JS (grid)' },
  w1: { title: 'W1 (sliced)' },
};

const fmt = (v: unknown, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : '–');
const ok = (r: RunListing): r is Exclude<RunListing, { error: string }> => !('error' in r);

/** The list of runs, polled; `problem` when the server cannot be read. */
function useRunList(): { list?: RunList; problem?: string } {
  const [state, setState] = useState<{ list?: RunList; problem?: string }>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const response = await fetch('api/runs');
        if (!response.ok) throw new Error(`api/runs: ${response.status} ${response.statusText}`);
        const list = parseRecordsJson<RunList>(await response.text());
        if (!stopped) setState({ list });
      } catch (err) {
        if (!stopped) setState((s) => ({ ...s, problem: `cannot read the runs (${err instanceof Error ? err.message : String(err)}): this page needs the server of npx saddlepoint serve RUNS_DIR` }));
      }
      if (!stopped) timer = setTimeout(load, LIST_EVERY_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

/** A {@link RunFeed} per selected run, opened and closed as the selection changes; re-renders on every change. */
function useFeeds(names: readonly string[]): RunFeed[] {
  const feeds = useRef(new Map<string, RunFeed>());
  const [, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  for (const [name, feed] of feeds.current) {
    if (!names.includes(name)) {
      feed.close();
      feeds.current.delete(name);
    }
  }
  for (const name of names) if (!feeds.current.has(name)) feeds.current.set(name, new RunFeed(name, changed));
  useEffect(() => () => feeds.current.forEach((f) => f.close()), []);
  return names.map((n) => feeds.current.get(n)!);
}

/** The newest sample snapshot of a run, fetched when a newer one is written. */
function useSnapshot(feed: RunFeed | undefined): SampleSnapshot | undefined {
  const [snapshot, setSnapshot] = useState<SampleSnapshot>();
  const step = feed?.snapshotStep;
  useEffect(() => {
    if (!feed || step === undefined) return setSnapshot(undefined);
    let stale = false;
    void fetch(`files/${runPath(feed.name)}/samples/${step}.json`)
      .then((r) => (r.ok ? r.text() : undefined))
      .then((text) => !stale && text !== undefined && setSnapshot(parseRecordsJson<SampleSnapshot>(text)))
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [feed?.name, step]);
  return snapshot;
}

/** The dashboard page. Which colour is which run shows in the table (the charts carry no legend). */
export function RunsApp() {
  const { list, problem } = useRunList();
  const [chosen, setChosen] = useState<string[] | undefined>(undefined);
  const runs = list?.runs ?? [];
  // Until the user picks, follow what trains now (or else the newest run).
  const running = runs.filter((r) => ok(r) && r.status === 'running').map((r) => r.name);
  const selected = (chosen ?? (running.length ? running : runs.slice(0, 1).map((r) => r.name))).filter((n) => runs.some((r) => r.name === n)).slice(0, MAX_LIVE);
  const feeds = useFeeds(selected);
  const color = (name: string) => COLORS[selected.indexOf(name) % COLORS.length];
  const toggle = (name: string) => setChosen(selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name].slice(-MAX_LIVE));
  const focus = feeds[0];
  const snapshot = useSnapshot(focus);
  const version = feeds.reduce((n, f) => n + f.steps.step.length + f.evals.step.length, 0);

  const chart = (key: keyof typeof CHARTS, series: RunSeries[], spanGaps: boolean) => {
    const { x, lines } = overlay(series, spanGaps);
    return html`<${Chart} title=${CHARTS[key].title} testId=${`chart-${key}`} x=${x} lines=${lines} version=${version} log=${CHARTS[key].log ?? false} width=${290} height=${150} legend=${false} />`;
  };
  const line = (f: RunFeed) => ({ label: f.name, color: color(f.name) });
  const stepChart = (key: (typeof STEP_SERIES)[number]) => chart(key, feeds.map((f) => ({ ...line(f), step: f.steps.step, values: f.steps[key] })), false);
  // Runs may be evaluated at different steps: their lines join across the others' steps.
  const evalChart = (key: (typeof EVAL_SERIES)[number]) => chart(key, feeds.map((f) => ({ ...line(f), step: f.evals.step, values: f.evals[key] })), true);

  return html`<main class="lab runs">
    <header>
      <h1>saddlepoint runs</h1>
      <span class="badge" data-testid="root" title="the runs folder served (read-only)">${list?.root ?? '…'}</span>
      <span class="badge">${runs.length} run${runs.length === 1 ? '' : 's'}</span>
      <a href="./" class="badge">lab →</a>
      <a href="./theory.html" class="badge">theory →</a>
    </header>
    ${problem ? html`<div class="problem" data-testid="problem">${problem}</div>` : null}
    <table class="runs-table" data-testid="runs-table">
      <thead>
        <tr><th></th><th>run</th><th>status</th><th>data</th><th>loss</th><th>stabilizers</th><th>step</th><th>seed</th><th>modes</th><th>HQ %</th><th>W1</th><th></th></tr>
      </thead>
      <tbody>
        ${runs.map((r) => {
          const on = selected.includes(r.name);
          if (!ok(r)) return html`<tr data-testid="run-row" data-name=${r.name}><td></td><td>${r.name}</td><td colspan="10" class="error">${r.error}</td></tr>`;
          const e = r.lastEval;
          return html`<tr data-testid="run-row" data-name=${r.name} data-status=${r.status} class=${on ? 'on' : ''}>
            <td><input type="checkbox" checked=${on} title=${`overlay this run (at most ${MAX_LIVE} at once)`} onChange=${() => toggle(r.name)} /></td>
            <td class="name"><span class="swatch" style=${{ background: on ? color(r.name) : 'transparent' }}></span>${r.name}</td>
            <td><span class=${`status ${r.status}`} data-testid="run-status" title=${r.reason ?? ''}>${r.status}</span></td>
            <td>${r.data}</td>
            <td>${r.loss}</td>
            <td>${r.stabilizers.join(', ') || '–'}</td>
            <td data-testid="run-step">${Math.max(r.step, feeds.find((f) => f.name === r.name)?.steps.step.at(-1) ?? 0)}${r.steps !== null ? ` / ${r.steps}` : ''}</td>
            <td>${r.seed ?? '–'}</td>
            <td>${e ? `${fmt(e.modes)}${typeof e.modesTotal === 'number' && Number.isFinite(e.modesTotal) ? ` / ${e.modesTotal}` : ''}` : '–'}</td>
            <td>${typeof e?.highQuality === 'number' && Number.isFinite(e.highQuality) ? (100 * e.highQuality).toFixed(1) : '–'}</td>
            <td>${fmt(e?.w1)}</td>
            <td>${r.report ? html`<a href=${`files/${runPath(r.name)}/report.html`} target="_blank" rel="noopener">report</a>` : ''}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${runs.length === 0 && list ? html`<p class="hint" data-testid="empty">No run directories in ${list.root} yet: start one with npx saddlepoint train --out ${list.root}</p>` : null}
    <div class="columns">
      <section class="charts" data-testid="charts">
        ${STEP_SERIES.map(stepChart)}
        ${EVAL_SERIES.map(evalChart)}
      </section>
      ${focus
        ? html`<section class="focus" data-testid="focus">
            <h2>${focus.name} <span class=${`badge link ${focus.link}`} data-testid="link">${focus.link}</span></h2>
            ${focus.problem ? html`<div class="problem">${focus.problem}</div>` : null}
            ${snapshot?.dim === 2
              ? html`<${Heatmap} snapshot=${snapshot} half=${viewHalf(snapshot)} drawing=${false} drawn=${[]} onDraw=${() => {}} />
                  <p class="legend">samples at step ${snapshot.step}: <span class="real">●</span> real <span class="fake">●</span> generated; background: D(x)</p>`
              : html`<p class="hint">${focus.snapshotStep === undefined ? 'no sample snapshot yet' : 'no 2-D snapshot for this run'}</p>`}
            ${focus.detail?.plots.length
              ? html`<p class="plots">plots: ${focus.detail.plots.map((p) => html`<a href=${`files/${runPath(focus.name)}/${p.split('/').map(encodeURIComponent).join('/')}`} target="_blank" rel="noopener">${p.replace(/^plots\//, '')}</a> `)}</p>`
              : null}
            <details>
              <summary>config</summary>
              <pre class="config">${focus.detail ? JSON.stringify(focus.detail.config, null, 2) : ''}</pre>
            </details>
          </section>`
        : null}
    </div>
  </main>`;
}
