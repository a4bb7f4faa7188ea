/**
 * The doctor's panel: each pathology the live doctor confirmed in this session — since when, the
 * numbers that show it, why — with its remedies as buttons that change the lab's settings (the
 * change a CLI user would make is in each button's tooltip). Empty until the doctor has enough
 * history (200 steps) and has seen a symptom twice in a row.
 */
import { html } from 'htm/preact';
import type { LabState } from '../lab-state.ts';
import type { LabSettings } from '../protocol.ts';

const num = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(3));

export function Doctor({ state, onApply }: { state: LabState; onApply(settings: LabSettings): void }) {
  const findings = state.findings;
  return html`<section class="doctor" data-testid="doctor" data-findings=${findings.length}>
    <h2>doctor</h2>
    ${findings.length === 0
      ? html`<p class="hint" data-testid="doctor-empty">no finding yet${state.step < 200 ? ` (it looks from step 200; now ${state.step})` : ': the run looks healthy to the detectors'}</p>`
      : findings.map(
          ({ finding: f, offers }) => html`<div class="finding" data-testid="finding" data-pathology=${f.pathology}>
            <p><b>${f.pathology}</b> <span class=${`severity ${f.severity}`}>${f.severity}</span> since step ${f.fromStep}${f.toStep !== undefined ? `–${f.toStep}` : ''} (found at ${f.step})</p>
            <p class="hint">${f.explanation}</p>
            <p class="evidence">${Object.entries(f.evidence).map(([k, v]) => html`<span>${k} = ${num(v)}</span> `)}</p>
            <div class="offers">
              ${offers.map(
                (o) => html`<button data-testid=${`apply-${o.remedy}`} disabled=${o.settings === null} title=${`${o.why}\nCLI: ${o.change}${o.settings === null ? '\n(no lab control for it, or already on)' : ''}`} onClick=${() => o.settings && onApply(o.settings)}>apply ${o.remedy}</button>`,
              )}
            </div>
          </div>`,
        )}
  </section>`;
}
