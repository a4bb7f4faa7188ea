/**
 * Starts the lab: the training worker, then the page. URL parameters pick the backend
 * (`?backend=wasm`), the evaluation cadence (`?evalEvery=25`) and whether training starts at once
 * (`?autoplay=0` to start paused).
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

const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });
const listeners = new Set<(event: WorkerEvent) => void>();
const early: WorkerEvent[] = [];
worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
  if (listeners.size === 0) early.push(message.data);
  for (const l of listeners) l(message.data);
};
worker.onerror = (e) => console.error(`training worker failed: ${e.message}`);

const link: WorkerLink = {
  send: (command: Command) => worker.postMessage(command),
  listen(listener) {
    listeners.add(listener);
    for (const e of early.splice(0)) listener(e);
    return () => listeners.delete(listener);
  },
};

const initial: LabSettings = { data: 'ring8', loss: 'non-saturating', remedies: [], lrG: 5e-4, lrD: 5e-4, k: 1, seed: 0 };
render(html`<${App} link=${link} initial=${initial} />`, document.getElementById('app')!);
link.send({ type: 'init', settings: initial, backend, evalEvery, evalSamples: 1000 });
if (params.get('autoplay') !== '0') link.send({ type: 'play' });
