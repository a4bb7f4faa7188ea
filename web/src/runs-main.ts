/**
 * Starts the runs dashboard: the run directories `saddlepoint serve` reads, their charts live
 * while they train. The page only reads the server's JSON API and event streams.
 */
import { html } from 'htm/preact';
import { options, render } from 'preact';
import { RunsApp } from './dashboard/runs-app.ts';
import './style.css';

// Renders coalesce to one per animation frame, however many stream events arrive in it.
options.debounceRendering = (callback) => requestAnimationFrame(() => callback());

render(html`<${RunsApp} />`, document.getElementById('app')!);
