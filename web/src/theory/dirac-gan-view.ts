/**
 * The Dirac-GAN, live: pick an objective or regularizer, its weight, the update rule, learning
 * rate, steps and start (or click the plane); the trajectory over the gradient vector field, the
 * eigenvalues at the equilibrium and the distance to it per step are recomputed by
 * `src/theory/dirac-gan.ts` at every change.
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import {
  complexAbs,
  diracGanEquilibriumEigenvalues,
  diracGanPaperEigenvalues,
  diracGanTrajectory,
  diracGanUpdateJacobian,
  diracGanVectorField,
  distanceToEquilibrium,
  eigenvalues2x2,
  fieldArrows,
  formatEigenvalues,
  type Complex,
  type DiracGanMethod,
  type DiracGanPoint,
  type DiracGanVariant,
} from '../../../src/theory/index.ts';
import { Chart } from '../views/chart.ts';
import { NumberField } from '../views/controls.ts';
import { behaviourOf, growthOf, DIRAC_METHOD_LABELS, DIRAC_METHODS, DIRAC_VARIANT_KINDS, DIRAC_VARIANTS, diracVariant, log10OrNull, formatValue, initialVariantValues, viewExtent } from './choices.ts';
import { Choice, Readings, Slider, type Reading } from './inputs.ts';
import { Plane } from './plane.ts';
import { linearSlider, logSlider } from './scales.ts';

const LR = logSlider(0.005, 1, 200);
const STEPS = linearSlider(50, 3000, 50);
const COLOR = '#8e44ad';
type Kind = DiracGanVariant['kind'];

/** The largest real part of the Jacobian's eigenvalues at (0, 0), and what it means for the flow. */
function flowMeaning(paper: readonly Complex[] | null): { maxRe: number; text: string } {
  if (!paper) return { maxRe: Number.NaN, text: 'no Jacobian at (0, 0): the field jumps across ψ = 0, and the flow does not settle there' };
  const maxRe = Math.max(...paper.map((l) => l.re));
  if (maxRe < 0) return { maxRe, text: 'Re λ < 0: the gradient flow converges near (0, 0)' };
  if (maxRe === 0) return { maxRe, text: 'Re λ = 0: the gradient flow circles (0, 0) without approaching it' };
  return { maxRe, text: 'Re λ > 0: the gradient flow leaves (0, 0)' };
}

function solve(variant: DiracGanVariant, method: DiracGanMethod, stepSize: number, steps: number, start: DiracGanPoint) {
  const path = diracGanTrajectory(variant, { start, steps, stepSize, method });
  const points = path.map((p) => ({ x: p.theta, y: p.psi }));
  const distances = path.map(distanceToEquilibrium);
  const paper = diracGanPaperEigenvalues(variant);
  const computed = paper ? diracGanEquilibriumEigenvalues(variant) : null;
  // The update's Jacobian exists exactly where the field's does (not for WGAN-GP at ψ = 0).
  const update = paper ? eigenvalues2x2(diracGanUpdateJacobian(variant, { stepSize, method })) : null;
  const extent = viewExtent(points, { x: start.theta, y: start.psi });
  const arrows = fieldArrows((p) => {
    const v = diracGanVectorField(variant, { theta: p.x, psi: p.y });
    return { x: v.theta, y: v.psi };
  }, extent, 11);
  const growth = growthOf(distances);
  return { points, distances, paper, computed, update, updateRadius: update ? Math.max(...update.map(complexAbs)) : Number.NaN, extent, arrows, growth };
}

/** The Dirac-GAN section. */
export function DiracGanView() {
  const [kind, setKind] = useState<Kind>('minimax');
  const [values, setValues] = useState(initialVariantValues);
  const [method, setMethod] = useState<DiracGanMethod>('simultaneous');
  const [lr, setLr] = useState(0.1);
  const [steps, setSteps] = useState(1000);
  const [start, setStart] = useState<DiracGanPoint>({ theta: 1, psi: 1 });
  const variant = diracVariant(kind, values[kind]);
  const s = useMemo(() => solve(variant, method, lr, steps, start), [kind, values[kind], method, lr, steps, start]);
  const parameter = DIRAC_VARIANTS[kind].parameter;
  const parameterScale = useMemo(() => (parameter ? logSlider(parameter.min, parameter.max, 150) : null), [kind]);
  const flow = flowMeaning(s.paper);
  const startDistance = s.distances[0];
  const final = s.distances[s.distances.length - 1];
  const stepIndex = useMemo(() => s.distances.map((_, t) => t), [s.distances]);

  const rows: Reading[] = [
    { label: 'start distance', testId: 'dirac-start-distance', text: formatValue(startDistance), value: startDistance },
    { label: `distance after ${steps} steps`, testId: 'dirac-final-distance', text: formatValue(final), value: final },
    { label: 'final / start', testId: 'dirac-shrink', text: formatValue(final / startDistance), value: final / startDistance },
    { label: 'measured growth / step', testId: 'dirac-growth', text: formatValue(s.growth, 5), value: s.growth },
    { label: 'Jacobian eigenvalues at (0, 0), paper', testId: 'dirac-eigenvalues', text: s.paper ? formatEigenvalues(s.paper) : 'none' },
    { label: '… computed from the field', testId: 'dirac-eigenvalues-computed', text: s.computed ? formatEigenvalues(s.computed) : 'none' },
    { label: 'max Re λ', testId: 'dirac-max-re', text: formatValue(flow.maxRe), value: flow.maxRe },
    {
      label: 'one update at (0, 0): ρ',
      testId: 'dirac-update-radius',
      text: formatValue(s.updateRadius, 5),
      value: s.updateRadius,
      note: Number.isNaN(s.updateRadius) ? undefined : behaviourOf(s.updateRadius),
    },
  ];

  return html`<section class="theory-section" data-testid="section-dirac">
    <p class="explain">
      Mescheder, Geiger ${'&'} Nowozin (2018), “Which Training Methods for GANs do actually Converge?”: the real data is a single point at 0, the generator a
      point at θ, and the discriminator a line D(x) = ψ·x, so the equilibrium is (θ, ψ) = (0, 0). Unregularized training circles it or spirals away, because
      the Jacobian of the gradient field there has purely imaginary eigenvalues; WGAN-GP has no Jacobian there at all. The R1 penalty and instance noise
      give the eigenvalues a negative real part, and the iterates converge.
    </p>
    <div class="theory-columns">
      <div class="theory-controls">
        <${Choice} label="objective / regularizer" testId="dirac-variant" value=${kind} options=${DIRAC_VARIANT_KINDS.map((k) => ({ value: k, label: DIRAC_VARIANTS[k].label }))} onChange=${setKind} />
        ${parameter && parameterScale
          ? html`<${Slider} label=${parameter.label} testId="dirac-weight" scale=${parameterScale} value=${values[kind]} onChange=${(v: number) => setValues({ ...values, [kind]: v })} />`
          : html`<p class="hint">this objective has no weight to set</p>`}
        <${Choice} label="update rule" testId="dirac-method" value=${method} options=${DIRAC_METHODS.map((m) => ({ value: m, label: DIRAC_METHOD_LABELS[m] }))} onChange=${setMethod} />
        <${Slider} label=${method === 'continuous' ? 'time step h' : 'learning rate h'} testId="dirac-lr" scale=${LR} value=${lr} onChange=${setLr} />
        <${Slider} label="steps" testId="dirac-steps" scale=${STEPS} value=${steps} onChange=${setSteps} />
        <div class="row">
          <${NumberField} label="start θ" testId="dirac-theta0" value=${start.theta} step=${0.1} min=${-100} onChange=${(theta: number) => setStart({ ...start, theta })} />
          <${NumberField} label="start ψ" testId="dirac-psi0" value=${start.psi} step=${0.1} min=${-100} onChange=${(psi: number) => setStart({ ...start, psi })} />
        </div>
        <p class="hint">or click the plane to start there</p>
        <${Readings} rows=${rows} />
        <p class="meaning" data-testid="dirac-meaning">${flow.text}.</p>
      </div>
      <div>
        <${Plane}
          testId="dirac-plane"
          extent=${s.extent}
          path=${s.points}
          arrows=${s.arrows}
          color=${COLOR}
          xTitle="θ (generator)"
          yTitle="ψ (discriminator)"
          onPick=${(p: { x: number; y: number }) => setStart({ theta: p.x, psi: p.y })}
        />
        <p class="legend">○ start ● end ✕ equilibrium (0, 0); grey arrows: the gradient field v(θ, ψ) of the continuous dynamics</p>
      </div>
      <div>
        <${Chart}
          title="log₁₀ of the distance to (0, 0) per step"
          testId="dirac-distance-chart"
          x=${stepIndex}
          version=${s.distances.length}
          legend=${false}
          lines=${[{ label: 'log₁₀ distance', color: COLOR, values: log10OrNull(s.distances) }]}
        />
      </div>
    </div>
  </section>`;
}
