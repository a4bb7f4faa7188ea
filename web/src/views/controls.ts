/**
 * The lab's controls: run (play/pause, one step, reset), and the settings the worker trains with
 * (data, loss, remedies, learning rates, k). Every choice list comes from the worker's catalog,
 * which reads the core's registries.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { LabSettings } from '../protocol.ts';
import type { LabState } from '../lab-state.ts';

/** What the run buttons do: play/pause, one game step, one update of D or G alone, slow motion, reset. */
export type RunCommand = 'play' | 'pause' | 'step' | 'step-d' | 'step-g' | 'slow-on' | 'slow-off' | 'reset';

interface Props {
  state: LabState;
  settings: LabSettings;
  onRun(command: RunCommand): void;
  onSettings(next: LabSettings): void;
}

/**
 * A number input that keeps what the user is typing until it is committed (Enter or blur): the
 * page re-renders several times a second while training, and a controlled value would reset it.
 */
export function NumberField({ label, testId, value, step, min, onChange }: { label: string; testId: string; value: number; step: number; min: number; onChange(v: number): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  return html`<label class="field"
    >${label}
    <input
      type="number"
      data-testid=${testId}
      value=${draft ?? String(value)}
      step=${step}
      min=${min}
      onInput=${(e: Event) => setDraft((e.currentTarget as HTMLInputElement).value)}
      onChange=${(e: Event) => {
        const v = Number((e.currentTarget as HTMLInputElement).value);
        setDraft(null);
        if (Number.isFinite(v) && v >= min) onChange(v);
      }}
  /></label>`;
}

/** Run buttons and settings. */
export function Controls({ state, settings, onRun, onSettings }: Props) {
  const catalog = state.catalog;
  if (!catalog) return html`<div class="controls">starting the worker…</div>`;
  const toggle = (name: string, on: boolean) =>
    onSettings({ ...settings, remedies: on ? [...settings.remedies, name] : settings.remedies.filter((r) => r !== name) });
  return html`<div class="controls" data-testid="controls-panel">
    <div class="row">
      <button data-testid="play" onClick=${() => onRun(state.playing ? 'pause' : 'play')}>${state.playing ? '❚❚ pause' : '▶ play'}</button>
      <button data-testid="step" disabled=${state.playing} onClick=${() => onRun('step')}>step</button>
      <button data-testid="reset" onClick=${() => onRun('reset')}>reset</button>
    </div>
    <div class="row">
      <button data-testid="step-d" disabled=${state.playing} title="one update of D alone, G held still (not a step)" onClick=${() => onRun('step-d')}>step D</button>
      <button data-testid="step-g" disabled=${state.playing} title="one update of G alone, D held still (not a step)" onClick=${() => onRun('step-g')}>step G</button>
      <label title="one step at a time, D's surface and G's samples redrawn after each"
        ><input type="checkbox" data-testid="slow" checked=${state.slow} onChange=${(e: Event) => onRun((e.currentTarget as HTMLInputElement).checked ? 'slow-on' : 'slow-off')} /> slow motion</label
      >
    </div>
    ${state.player
      ? html`<p class="hint" data-testid="player">${state.player.player === 'd' ? 'D' : 'G'} alone: loss ${state.player.loss.toFixed(4)}, ‖∇‖ ${state.player.gradNorm.toFixed(3)} · this session: ${state.player.updates.d} D, ${state.player.updates.g} G updates alone</p>`
      : null}
    <label class="field"
      >data
      <select data-testid="data" value=${settings.data} onChange=${(e: Event) => onSettings({ ...settings, data: (e.currentTarget as HTMLSelectElement).value })}>
        ${catalog.datasets.map((d) => html`<option value=${d.name} title=${d.summary}>${d.name}</option>`)}
      </select></label
    >
    <label class="field"
      >loss
      <select data-testid="loss" value=${settings.loss} onChange=${(e: Event) => onSettings({ ...settings, loss: (e.currentTarget as HTMLSelectElement).value })}>
        ${catalog.losses.map((l) => html`<option value=${l.name} title=${l.summary}>${l.name}</option>`)}
      </select></label
    >
    <label class="field"
      >class conditioning (a mixture's modes are its classes)
      <select data-testid="condition" value=${settings.condition ?? 'none'} onChange=${(e: Event) => onSettings({ ...settings, condition: (e.currentTarget as HTMLSelectElement).value as LabSettings['condition'] })}>
        ${catalog.conditions.map((c) => html`<option value=${c.name} title=${c.summary}>${c.name}</option>`)}
      </select></label
    >
    <div class="row">
      <${NumberField} label="lr G" testId="lrG" value=${settings.lrG} step=${1e-4} min=${1e-6} onChange=${(v: number) => onSettings({ ...settings, lrG: v })} />
      <${NumberField} label="lr D" testId="lrD" value=${settings.lrD} step=${1e-4} min=${1e-6} onChange=${(v: number) => onSettings({ ...settings, lrD: v })} />
      <${NumberField} label="k" testId="k" value=${settings.k} step=${1} min=${1} onChange=${(v: number) => onSettings({ ...settings, k: Math.round(v) })} />
      <${NumberField} label="seed" testId="seed" value=${settings.seed} step=${1} min=${0} onChange=${(v: number) => onSettings({ ...settings, seed: Math.round(v) })} />
    </div>
    <p class="hint">lr and k change the running session in place; data, loss, conditioning, remedies and seed restart it from step 0.</p>
    <fieldset class="remedies" data-testid="remedies">
      <legend>remedies</legend>
      ${catalog.remedies.map(
        (r) => html`<label title=${r.summary}
          ><input type="checkbox" data-testid=${`remedy-${r.name}`} checked=${settings.remedies.includes(r.name)} onChange=${(e: Event) => toggle(r.name, (e.currentTarget as HTMLInputElement).checked)} />
          ${r.name}</label
        >`,
      )}
    </fieldset>
  </div>`;
}
