/**
 * The theory pages' controls and number tables: a slider over a {@link SliderScale} that shows
 * the exact value it sets, a choice list, and a table of readings whose raw numbers sit in
 * `data-value` (what the browser test compares with the library).
 */
import { html } from 'htm/preact';
import type { SliderScale } from './scales.ts';

interface SliderProps {
  label: string;
  testId: string;
  scale: SliderScale;
  value: number;
  format?(value: number): string;
  onChange(value: number): void;
}

/** A range input; recomputes on every move (`input`), not only on release. */
export function Slider({ label, testId, scale, value, format = String, onChange }: SliderProps) {
  return html`<label class="slider"
    ><span class="slider-label">${label} <output data-testid=${`${testId}-value`} data-value=${String(value)}>${format(value)}</output></span>
    <input
      type="range"
      data-testid=${testId}
      min="0"
      max=${scale.positions}
      step="1"
      value=${scale.toPosition(value)}
      onInput=${(e: Event) => onChange(scale.toValue(Number((e.currentTarget as HTMLInputElement).value)))}
  /></label>`;
}

interface ChoiceProps<T extends string> {
  label: string;
  testId: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: T): void;
}

/** A select over typed values. */
export function Choice<T extends string>({ label, testId, value, options, onChange }: ChoiceProps<T>) {
  const pick = (e: Event) => {
    const chosen = options.find((o) => o.value === (e.currentTarget as HTMLSelectElement).value);
    if (chosen) onChange(chosen.value);
  };
  return html`<label class="field"
    >${label}
    <select data-testid=${testId} value=${value} onChange=${pick}>
      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select></label
  >`;
}

/** One row of a readings table: the text shown, and the number behind it where there is one. */
export interface Reading {
  label: string;
  testId: string;
  text: string;
  value?: number;
  /** A word on what the number means, shown beside it. */
  note?: string;
}

/** A table of readings. */
export function Readings({ rows }: { rows: readonly Reading[] }) {
  return html`<table class="readout theory-readout">
    ${rows.map(
      (r) =>
        html`<tr>
          <th>${r.label}</th>
          <td data-testid=${r.testId} data-value=${r.value === undefined ? undefined : String(r.value)}>${r.text}</td>
          ${r.note ? html`<td class="note" data-testid=${`${r.testId}-note`}>${r.note}</td>` : null}
        </tr>`,
    )}
  </table>`;
}
