/**
 * The lab page: the worker's events reduced to {@link LabState}, rendered by views that hold no
 * training code. User actions become {@link Command}s posted to the worker.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { Command, LabSettings, WorkerEvent } from './protocol.ts';
import { initialState, reduce } from './lab-state.ts';
import { Controls } from './views/controls.ts';
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
export function App({ link, initial }: Props) {
  const [state, dispatch] = useReducer(reduce, undefined, initialState);
  const [drawing, setDrawing] = useState(false);
  const [drawn, setDrawn] = useState<number[][]>([]);
  const [showPushes, setShowPushes] = useState(true);
  const fps = useFrameRate();
  useEffect(() => link.listen(dispatch), [link]);
  useEffect(() => link.listen((e) => e.type === 'export' && download(e.fileName, e.archive)), [link]);
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

  return html`<main class="lab">
    <header>
      <h1>saddlepoint lab</h1>
      <span class="badge" data-testid="backend" title=${state.backend?.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n') ?? ''}>backend: ${state.backend?.name ?? '…'}</span>
      <span class="badge" data-testid="fps">${fps} fps</span>
      <a href="./theory.html" class="badge">theory →</a>
    </header>
    ${state.problem ? html`<div class="problem" data-testid="problem">${state.problem}</div>` : null}
    ${state.config?.warnings.length ? html`<div class="warnings" data-testid="warnings">${state.config.warnings.join(' · ')}</div>` : null}
    <div class="columns">
      <section class="left">
        <${Controls} state=${state} settings=${settings} onRun=${(c: 'play' | 'pause' | 'step' | 'reset') => send(c === 'step' ? { type: 'step', count: 1 } : { type: c })} onSettings=${onSettings} />
        <div class="draw">
          <button data-testid="draw" onClick=${() => setDrawing(!drawing)}>${drawing ? 'stop drawing' : '✎ draw your own data'}</button>
          <button data-testid="export" title="the run as a CLI run directory (tar): saddlepoint report / eval / train --resume" onClick=${() => send({ type: 'export' })}>⤓ export run</button>
          ${drawing ? html`<button data-testid="clear" onClick=${() => setDrawn([])}>clear</button>` : null}
          ${drawing ? html`<button data-testid="train-drawn" disabled=${drawn.length < 2} onClick=${trainDrawn}>train on ${drawn.length} points</button>` : null}
        </div>
        <${Readout} state=${state} />
      </section>
      <section class="middle">
        <${Heatmap} snapshot=${state.snapshot} pushes=${showPushes ? state.pushes : undefined} half=${half} drawing=${drawing} drawn=${drawn} onDraw=${(p: [number, number]) => setDrawn((d) => [...d, p])} />
        <p class="legend">
          <span class="real">●</span> real <span class="fake">●</span> generated; background: D(x), <span class="real">real</span> ↔ <span class="fake">fake</span>
          <label><input type="checkbox" data-testid="show-pushes" checked=${showPushes} onChange=${() => setShowPushes(!showPushes)} /> arrows: where G's loss pushes each generated point</label>
        </p>
        <pre class="config" data-testid="config">${state.config ? configSummary(state.config.config, state.config.applied) : ''}</pre>
      </section>
      <section class="right">
        <${Chart} title="losses" testId="chart-loss" x=${steps.step} version=${steps.step.length} lines=${[
          { label: 'D loss', color: '#2e7d32', values: steps.dLoss },
          { label: 'G loss', color: '#8e44ad', values: steps.gLoss },
        ]} />
        <${Chart} title="gradient norms (log)" testId="chart-grad" x=${steps.step} version=${steps.step.length} log=${true} lines=${[
          { label: '‖∇D‖', color: '#2e7d32', values: steps.gradNormD },
          { label: '‖∇G‖', color: '#8e44ad', values: steps.gradNormG },
        ]} />
        <${Chart} title="modes captured, high-quality %" testId="chart-modes" x=${evals.step} version=${evals.step.length} lines=${[
          { label: 'modes', color: '#1565c0', values: evals.modes },
          { label: 'HQ % (right)', color: '#ef6c00', values: evals.highQuality, right: true },
        ]} />
        <${Chart} title="KL, JS (grid), W1 (sliced)" testId="chart-div" x=${evals.step} version=${evals.step.length} lines=${[
          { label: 'KL', color: '#c62828', values: evals.kl },
          { label: 'JS', color: '#6a1b9a', values: evals.js },
          { label: 'W1', color: '#00838f', values: evals.w1 },
        ]} />
      </section>
    </div>
  </main>`;
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
    `stabilizers: ${stabilizers}`,
    `G ${config.model.g.hidden.join('×')} ${config.model.g.act}   D ${config.model.d.hidden.join('×')} ${config.model.d.act}   z: ${config.model.noiseDim}`,
  ].join('\n');
}
