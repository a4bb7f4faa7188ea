/**
 * Starts the theory page: the x·y game, the Dirac-GAN and JS vs W1, computed in the page by the
 * library's `src/theory/` (no worker: each change is a few milliseconds of arithmetic).
 */
import { html } from 'htm/preact';
import { render } from 'preact';
import { TheoryApp } from './theory/theory-app.ts';
import './style.css';
import './theory/theory.css';

render(html`<${TheoryApp} />`, document.getElementById('app')!);
