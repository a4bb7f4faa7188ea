/**
 * Starts the lab: the training worker, then the page. URL parameters pick the backend
 * (`?backend=wasm`), the evaluation cadence (`?evalEvery=25`) and whether training starts at once
 * (`?autoplay=0` to start paused), and `?pair=1` for two labs side by side.
 */
import { html } from 'htm/preact';
import { options, render } from 'preact';
import { App, type WorkerLink } from './app.ts';
import type { BackendName } from './core.ts';
import type { Command, LabSettings, WorkerEvent } from './protocol.ts';
import './style.css';

const BACKENDS: readonly BackendName[] = ['auto', 'webgl', 'wasm', 'cpu'];

const params = new URLSearchParams(location.search);
const backendParam = params.get('backend') ?? 'auto';
const backend = BACKENDS.find((b) => b === backendParam);
if (!backend) throw new Error(`?backend=${backendParam}: allowed: ${BACKENDS.join(', ')}`);
const evalEvery = Number(params.get('evalEvery') ?? 25);
if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new Error(`?evalEvery=${params.get('evalEvery')}: expected a positive integer`);

// Renders coalesce to one per animation frame, however many worker messages arrive in it.
options.debounceRendering = (callback) => requestAnimationFrame(() => callback());

/** A training worker and the page's channel to it; events that arrive before a listener are kept for it. */
function startWorker(): WorkerLink {
  const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });
  const listeners = new Set<(event: WorkerEvent) => void>();
  const early: WorkerEvent[] = [];
  worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
    if (listeners.size === 0) early.push(message.data);
    for (const l of listeners) l(message.data);
  };
  worker.onerror = (e) => console.error(`training worker failed: ${e.message}`);
  return {
    send: (command: Command) => worker.postMessage(command),
    listen(listener) {
      listeners.add(listener);
      for (const e of early.splice(0)) listener(e);
      return () => listeners.delete(listener);
    },
  };
}

const initial: LabSettings = { data: 'ring8', loss: 'non-saturating', remedies: [], lrG: 5e-4, lrD: 5e-4, k: 1, seed: 0 };
// Side by side: two labs, each its own worker, on the same seed; change one and press play on both.
const links = params.get('pair') === '1' ? [startWorker(), startWorker()] : [startWorker()];
const both = (command: Command) => links.forEach((l) => l.send(command));
const app =
  links.length === 1
    ? html`<${App} link=${links[0]} initial=${initial} />`
    : html`<div class="pair">
        <nav class="pair-bar">
          <b>side by side</b> — two runs on the same seed: change A's or B's settings, then
          <button data-testid="play-both" onClick=${() => both({ type: 'play' })}>▶ play both</button>
          <button data-testid="pause-both" onClick=${() => both({ type: 'pause' })}>❚❚ pause both</button>
          <button data-testid="reset-both" onClick=${() => both({ type: 'reset' })}>reset both</button>
          <a href="./" class="badge">one lab</a>
        </nav>
        <div class="pair-labs"><${App} link=${links[0]} initial=${initial} side="a" /><${App} link=${links[1]} initial=${initial} side="b" /></div>
      </div>`;
render(app, document.getElementById('app')!);
both({ type: 'init', settings: initial, backend, evalEvery, evalSamples: 1000 });
if (params.get('autoplay') !== '0') both({ type: 'play' });
