/**
 * The lab page: the worker's events reduced to {@link LabState}, rendered by views that hold no
 * training code. User actions become {@link Command}s posted to the worker.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { Command, LabSettings, WorkerEvent } from './protocol.ts';
import { untar } from './worker/tar.ts';
import { initialState, reduce, type LabState } from './lab-state.ts';
import { Controls, type RunCommand } from './views/controls.ts';
import { Doctor } from './views/doctor.ts';
import { ModelGraph } from './views/model-graph.ts';
import { Chart } from './views/chart.ts';
import { DRAW_HALF, Heatmap, viewHalf } from './views/heatmap.ts';
import { Readout } from './views/readout.ts';

/** The channel to the worker: what the page may do with it. */
export interface WorkerLink {
  send(command: Command): void;
  listen(listener: (event: WorkerEvent) => void): () => void;
}

interface Props {
  link: WorkerLink;
  initial: LabSettings;
  /** Which lab of a side-by-side pair this is (its test ids are prefixed with it); absent on its own. */
  side?: 'a' | 'b';
}

/** The command each run button sends. */
function runCommand(c: RunCommand): Command {
  switch (c) {
    case 'step':
      return { type: 'step', count: 1 };
    case 'step-d':
      return { type: 'step', count: 1, player: 'd' };
    case 'step-g':
      return { type: 'step', count: 1, player: 'g' };
    case 'slow-on':
    case 'slow-off':
      return { type: 'slow', on: c === 'slow-on' };
    default:
      return { type: c };
  }
}

/** Files picked to load a run: a tar of a run directory is unpacked; loose files keep their folder paths (a folder pick) or their names. */
async function runFilesOf(files: FileList): Promise<{ path: string; data: Uint8Array }[]> {
  const out: { path: string; data: Uint8Array }[] = [];
  for (const f of Array.from(files)) {
    const data = new Uint8Array(await f.arrayBuffer());
    if (f.name.endsWith('.tar')) out.push(...untar(data, f.name));
    else out.push({ path: f.webkitRelativePath || f.name, data });
  }
  return out;
}

const DRAWN = 'drawn';

/** Frames per second of the page's own rendering loop, over the last second. */
function useFrameRate(): number {
  const [fps, setFps] = useState(0);
  useEffect(() => {
    let frames = 0;
    let since = performance.now();
    let id = requestAnimationFrame(function tick(now) {
      frames += 1;
      if (now - since >= 1000) {
        setFps(Math.round((frames * 1000) / (now - since)));
        frames = 0;
        since = now;
      }
      id = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(id);
  }, []);
  return fps;
}

/** The whole lab. */
export function App({ link, initial, side }: Props) {
  const [state, dispatch] = useReducer(reduce, undefined, initialState);
  const [drawing, setDrawing] = useState(false);
  const [drawn, setDrawn] = useState<number[][]>([]);
  const [showPushes, setShowPushes] = useState(true);
  const [showManifold, setShowManifold] = useState(true);
  const fps = useFrameRate();
  useEffect(() => link.listen(dispatch), [link]);
  useEffect(() => link.listen((e) => e.type === 'export' && download(e.fileName, e.archive)), [link]);
  useEffect(() => link.listen((e) => e.type === 'drawn' && setDrawn(e.points)), [link]);
  const settings = state.config?.settings ?? initial;
  const send = link.send;
  // The view's extent is fixed per session (set by its first snapshot), so points do not jump as G moves.
  const half = useMemo(() => (settings.data === DRAWN ? DRAW_HALF : state.snapshot ? viewHalf(state.snapshot) : DRAW_HALF), [state.epoch, settings.data, state.snapshot === undefined]);
  const onSettings = (next: LabSettings) => send({ type: 'settings', settings: next });
  const trainDrawn = () => {
    send({ type: 'points', points: drawn });
    setDrawing(false);
    if (settings.data !== DRAWN) onSettings({ ...settings, data: DRAWN });
  };
  const { steps, evals } = state;
  // Side by side, two charts a row fit in half the window.
  const chartWidth = side ? 330 : 420;
  const pointsFile = async (file: File) => send({ type: 'points-file', name: file.name, text: await file.text() });
  const loadRun = async (files: FileList | null) => {
    if (!files?.length) return;
    send({ type: 'load', name: files.length === 1 ? files[0].name : `${files.length} files`, files: await runFilesOf(files) });
  };

  return html`<main class=${side ? 'lab side' : 'lab'} data-side=${side ?? ''}>
    <header>
      <h1>saddlepoint lab${side ? ` ${side.toUpperCase()}` : ''}</h1>
      <span class="badge" data-testid="backend" title=${state.backend?.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n') ?? ''}>backend: ${state.backend?.name ?? '…'}</span>
      <span class="badge" data-testid="fps">${fps} fps</span>
      ${side ? null : html`<a href="?pair=1" class="badge" title="two labs on the same seed, side by side">side by side →</a>`}
      <a href="./theory.html" class="badge">theory →</a>
    </header>
    ${state.problem ? html`<div class="problem" data-testid="problem">${state.problem}</div>` : null}
    ${state.config?.warnings.length ? html`<div class="warnings" data-testid="warnings">${state.config.warnings.join(' · ')}</div>` : null}
    <div class="columns">
      <section class="left">
        <${Controls} state=${state} settings=${settings} onRun=${(c: RunCommand) => send(runCommand(c))} onSettings=${onSettings} />
        <div class="draw">
          <button data-testid="draw" onClick=${() => setDrawing(!drawing)}>${drawing ? 'stop drawing' : '✎ draw your own data'}</button>
          <button data-testid="export" title="the run as a CLI run directory (tar): saddlepoint report / eval / train --resume" onClick=${() => send({ type: 'export' })}>⤓ export run</button>
          ${drawing ? html`<button data-testid="clear" onClick=${() => setDrawn([])}>clear</button>` : null}
          ${drawing ? html`<button data-testid="train-drawn" disabled=${drawn.length < 2} onClick=${trainDrawn}>train on ${drawn.length} points</button>` : null}
        </div>
        <div class="draw">
          <label class="file" title="x,y per line (a header line is fine), or JSON [[x, y], …]; or drop the file on the canvas"
            >⤒ points file <input type="file" data-testid="points-file" accept=".csv,.json,text/csv,application/json" onChange=${(e: Event) => {
              const f = (e.currentTarget as HTMLInputElement).files?.[0];
              if (f) void pointsFile(f);
            }} /></label>
          <label class="file" title="a CLI run directory as a tar (tar -cf run.tar -C runs NAME), or the directory itself: training continues from its newest checkpoint"
            >⤒ load run <input type="file" data-testid="load-run" accept=".tar,.json,.jsonl,.bin" multiple onChange=${(e: Event) => void loadRun((e.currentTarget as HTMLInputElement).files)} /></label>
          <label class="file" title="pick a CLI run directory (runs/NAME): its config.json, metrics.jsonl and checkpoints"
            >⤒ load run folder <input type="file" data-testid="load-run-folder" webkitdirectory multiple onChange=${(e: Event) => void loadRun((e.currentTarget as HTMLInputElement).files)} /></label>
        </div>
        <${Readout} state=${state} />
        <${Doctor} state=${state} onApply=${onSettings} />
      </section>
      <section class="middle">
        <${Heatmap} snapshot=${state.snapshot} manifold=${showManifold ? state.manifold : undefined} onDropFile=${(f: File) => void pointsFile(f)} pushes=${showPushes ? state.pushes : undefined} half=${half} drawing=${drawing} drawn=${drawn} onDraw=${(p: [number, number]) => setDrawn((d) => [...d, p])} />
        <p class="legend">
          <span class="real">●</span> real <span class="fake">●</span> generated; background: D(x), <span class="real">real</span> ↔ <span class="fake">fake</span>
          <label><input type="checkbox" data-testid="show-pushes" checked=${showPushes} onChange=${() => setShowPushes(!showPushes)} /> arrows: where G's loss pushes each generated point</label>
          <label
            ><input type="checkbox" data-testid="show-manifold" checked=${showManifold} onChange=${() => setShowManifold(!showManifold)} /> ${manifoldLegend(state.manifold)}</label
          >
        </p>
        <${ModelGraph} config=${state.config?.config} />
        <pre class="config" data-testid="config">${state.config ? configSummary(state.config.config, state.config.applied) : ''}</pre>
      </section>
      <section class="right">
        <${Chart} width=${chartWidth} title="losses" testId="chart-loss" x=${steps.step} version=${steps.step.length} lines=${[
          { label: 'D loss', color: '#2e7d32', values: steps.dLoss },
          { label: 'G loss', color: '#8e44ad', values: steps.gLoss },
        ]} />
        <${Chart} width=${chartWidth} title="gradient norms (log)" testId="chart-grad" x=${steps.step} version=${steps.step.length} log=${true} lines=${[
          { label: '‖∇D‖', color: '#2e7d32', values: steps.gradNormD },
          { label: '‖∇G‖', color: '#8e44ad', values: steps.gradNormG },
        ]} />
        <${Chart} width=${chartWidth} title="modes captured, high-quality %" testId="chart-modes" x=${evals.step} version=${evals.step.length} lines=${[
          { label: 'modes', color: '#1565c0', values: evals.modes },
          { label: 'HQ % (right)', color: '#ef6c00', values: evals.highQuality, right: true },
        ]} />
        <${Chart} width=${chartWidth} title="KL, JS (grid), W1 (sliced)" testId="chart-div" x=${evals.step} version=${evals.step.length} lines=${[
          { label: 'KL', color: '#c62828', values: evals.kl },
          { label: 'JS', color: '#6a1b9a', values: evals.js },
          { label: 'W1', color: '#00838f', values: evals.w1 },
        ]} />
      </section>
    </div>
  </main>`;
}

/** What the manifold's grid is, in words. */
function manifoldLegend(m: LabState['manifold']): string {
  if (!m) return "G's manifold";
  if (m.noiseDim === 1) return `G's manifold: G on z ∈ ±${m.span}`;
  const rest = m.noiseDim > 2 ? `, the other ${m.noiseDim - 2} coordinates of z at 0` : '';
  return `G's manifold: G on the grid (z₁, z₂) ∈ ±${m.span}${rest}`;
}

/** Hands bytes to the browser as a file download. */
function download(fileName: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/x-tar' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The click has started the download; the URL can go once it has been read.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The running config in a few lines: what the worker says it trains with. */
function configSummary(config: import('./core.ts').RunConfig, applied: string): string {
  const stabilizers = config.stabilizers.map((s) => s.name).join(', ') || 'none';
  return [
    `applied: ${applied}`,
    `data: ${config.data.kind}   loss: ${config.loss.name}   k: ${config.dStepsPerG}   batch: ${config.batchSize}`,
    `lr G: ${config.optim.g.lr}   lr D: ${config.optim.d.lr}   game: ${config.optim.game.name}`,
    `stabilizers: ${stabilizers}   condition: ${config.model.condition}`,
    `G ${config.model.g.hidden.join('×')} ${config.model.g.act}   D ${config.model.d.hidden.join('×')} ${config.model.d.act}   z: ${config.model.noiseDim}`,
  ].join('\n');
}
