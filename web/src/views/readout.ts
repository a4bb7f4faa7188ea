/** The numbers of the run as they are now: step, speed, and the last evaluation's measurements. */
import { html } from 'htm/preact';
import type { LabState } from '../lab-state.ts';

const fmt = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** A table of the latest values. */
export function Readout({ state }: { state: LabState }) {
  const e = state.lastEval;
  const rows: [string, string, string][] = [
    ['step', 'step', String(state.step)],
    ['steps/s', 'speed', state.playing ? state.stepsPerSecond.toFixed(1) : '–'],
    ['modes', 'modes', e?.modes === undefined ? '–' : `${e.modes} / ${e.modesTotal}`],
    ['high quality', 'hq', e?.highQuality === undefined ? '–' : `${(100 * e.highQuality).toFixed(1)} %`],
    ['KL (grid)', 'kl', fmt(e?.kl)],
    ['JS (grid)', 'js', fmt(e?.js)],
    ['W1 (sliced)', 'w1', fmt(e?.w1)],
    ['D accuracy', 'dacc', fmt(e?.dAccuracy)],
    ...(e?.classAccuracy !== undefined ? ([['class accuracy', 'class-acc', `${(100 * e.classAccuracy).toFixed(1)} %`]] as [string, string, string][]) : []),
    ['evaluated at', 'eval-step', e ? String(e.step) : '–'],
    ['evaluation ms', 'eval-ms', e ? e.ms.toFixed(0) : '–'],
  ];
  return html`<table class="readout">
    ${rows.map(([label, id, value]) => html`<tr><th>${label}</th><td data-testid=${`readout-${id}`}>${value}</td></tr>`)}
  </table>`;
}
