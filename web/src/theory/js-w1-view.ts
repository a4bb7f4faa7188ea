/**
 * JS vs W1, live: pick a shifted family and slide the shift; the curves of JS, KL and W1 against
 * the shift (with the slider's place marked), the two distributions at that shift, and the
 * divergences there are all read from `src/theory/divergences.ts`.
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { divergenceCurves, linspace, type ShiftFamily } from '../../../src/theory/index.ts';
import { Chart } from '../views/chart.ts';
import { formatValue, SHIFT_FAMILIES, SHIFT_FAMILY_NAMES } from './choices.ts';
import { DensityPlot } from './density-plot.ts';
import { Choice, Readings, Slider } from './inputs.ts';
import { linearSlider } from './scales.ts';

const CURVE_POINTS = 161;
const SHIFT_STEP = 0.05;
/** JS this close to log 2 reads as saturated (the page shows four decimals). */
const SATURATED = 5e-5;
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** The JS vs W1 section. */
export function JsW1View() {
  const [family, setFamily] = useState<ShiftFamily>('gaussian');
  const [shift, setShift] = useState(2);
  const choice = SHIFT_FAMILIES[family];
  const scale = useMemo(() => linearSlider(0, choice.maxShift, SHIFT_STEP), [family]);
  const curve = useMemo(() => {
    const points = divergenceCurves(family, linspace(0, choice.maxShift, CURVE_POINTS));
    const kl = points.map((p) => finiteOrNull(p.kl));
    // KL is drawn where it is finite at more than one shift; elsewhere the title says it is infinite.
    const klFinite = kl.filter((v) => v !== null).length > 1;
    return {
      x: points.map((p) => p.mu),
      js: [
        { label: 'JS (nats)', color: '#6a1b9a', values: points.map((p) => p.js) },
        { label: 'log 2', color: '#999', values: points.map(() => Math.LN2), dash: [5, 4] },
      ],
      klFinite,
      w1: [
        { label: 'W1', color: '#00838f', values: points.map((p) => p.w1) },
        ...(klFinite ? [{ label: 'KL(p ‖ q), right axis', color: '#c62828', values: kl, right: true }] : []),
      ],
      far: points[points.length - 1],
    };
  }, [family]);
  const here = useMemo(() => divergenceCurves(family, [shift])[0], [family, shift]);
  const [p, q] = useMemo(() => choice.pair(shift), [family, shift]);
  const saturated = Math.abs(here.js - Math.LN2) < SATURATED;
  const pick = (next: ShiftFamily) => {
    setFamily(next);
    setShift(Math.min(shift, SHIFT_FAMILIES[next].maxShift));
  };
  const far = curve.far;

  return html`<section class="theory-section" data-testid="section-js">
    <p class="explain">
      Arjovsky, Chintala ${'&'} Bottou (2017), “Wasserstein GAN”, Sec. 2, Example 1: slide a distribution q away from p. Once their supports no longer
      overlap, the Jensen–Shannon divergence is stuck at log 2 and KL is infinite, so neither tells a generator which way to move; the Wasserstein-1
      distance keeps growing with the shift, and its gradient stays 1.
    </p>
    <div class="theory-columns">
      <div class="theory-controls">
        <${Choice} label="shifted family" testId="js-family" value=${family} options=${SHIFT_FAMILY_NAMES.map((f) => ({ value: f, label: SHIFT_FAMILIES[f].label }))} onChange=${pick} />
        <${Slider} label="shift" testId="js-shift" scale=${scale} value=${shift} onChange=${setShift} />
        <${Readings}
          rows=${[
            { label: 'JS (nats)', testId: 'js-js', text: formatValue(here.js), value: here.js, note: saturated ? 'saturated' : undefined },
            { label: 'log 2', testId: 'js-log2', text: formatValue(Math.LN2), value: Math.LN2 },
            { label: 'KL(p ‖ q)', testId: 'js-kl', text: formatValue(here.kl), value: here.kl },
            { label: 'W1', testId: 'js-w1', text: formatValue(here.w1), value: here.w1 },
            { label: 'dJS / dshift', testId: 'js-djs', text: formatValue(here.dJs), value: here.dJs },
            { label: 'dW1 / dshift', testId: 'js-dw1', text: formatValue(here.dW1), value: here.dW1 },
          ]}
        />
        <p class="meaning" data-testid="js-meaning">
          ${saturated
            ? `At shift ${shift}, JS = ${formatValue(here.js)} = log 2: it has saturated and no longer tells how far q is, while W1 = ${formatValue(here.w1)} does.`
            : `At shift ${shift}, JS = ${formatValue(here.js)} is still below log 2 = ${formatValue(Math.LN2)}: the two still overlap.`}
        </p>
        <p class="meaning" data-testid="js-far">
          At the largest shift, ${far.mu}: JS = ${formatValue(far.js)} with slope ${formatValue(far.dJs)}, W1 = ${formatValue(far.w1)} with slope ${formatValue(far.dW1)}.
        </p>
      </div>
      <div>
        <${Chart} title="Jensen–Shannon against the shift (dashed rule: the slider)" testId="js-chart" x=${curve.x} version=${CURVE_POINTS} xLabel="shift" marker=${shift} width=${460} height=${190} lines=${curve.js} />
        <${Chart}
          title=${curve.klFinite ? 'Wasserstein-1 and KL against the shift' : 'Wasserstein-1 against the shift (KL = ∞ at every shift ≠ 0)'}
          testId="js-w1-chart"
          x=${curve.x}
          version=${CURVE_POINTS}
          xLabel="shift"
          marker=${shift}
          width=${460}
          height=${190}
          lines=${curve.w1}
        />
      </div>
      <div>
        <${DensityPlot} testId="js-densities" window=${choice.window(shift)} p=${p} q=${q} />
        <p class="legend"><span class="real">■</span> p (fixed) <span class="fake">■</span> q (shifted by ${shift})${p.kind === 'atom' ? '; arrows: point masses' : ''}</p>
      </div>
    </div>
  </section>`;
}
