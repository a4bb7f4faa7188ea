/**
 * The x·y game, live: pick an update rule, a learning rate, steps and a start (or click the
 * plane); the trajectory, the update matrix's spectral radius and eigenvalues, and the distance to
 * the equilibrium per step are recomputed by `src/theory/bilinear-game.ts` at every change.
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import {
  BILINEAR_METHODS,
  bilinearEigenvalues,
  bilinearSpectralRadius,
  bilinearStep,
  bilinearTrajectory,
  distanceToOrigin,
  fieldArrows,
  formatEigenvalues,
  initialBilinearState,
  linspace,
  type BilinearMethod,
  type GamePoint,
} from '../../../src/theory/index.ts';
import { Chart } from '../views/chart.ts';
import { NumberField } from '../views/controls.ts';
import { behaviourOf, growthOf, log10OrNull, formatValue, viewExtent, XY_METHOD_LABELS } from './choices.ts';
import { Choice, Readings, Slider } from './inputs.ts';
import { Plane } from './plane.ts';
import { linearSlider, logSlider } from './scales.ts';

const LR = logSlider(0.01, 1.5, 200);
const STEPS = linearSlider(10, 1000, 10);
const GAMMA = logSlider(0.05, 5, 100);
const COLORS: Readonly<Record<BilinearMethod, string>> = {
  simultaneous: '#c62828',
  alternating: '#ef6c00',
  extragradient: '#1565c0',
  optimistic: '#2e7d32',
  consensus: '#6a1b9a',
};
/** The learning rates of the ρ(η) chart. */
const ETAS = linspace(0.01, 1.5, 150);

/** Everything the section shows, from the library. */
function solve(method: BilinearMethod, lr: number, consensusWeight: number, steps: number, start: GamePoint) {
  const params = { lr, consensusWeight };
  const path = bilinearTrajectory(method, params, start, steps);
  const rho = bilinearSpectralRadius(method, params);
  const distances = path.map(distanceToOrigin);
  const extent = viewExtent(path, start);
  // Where one step of the method moves each grid point: the method's own discrete field.
  const step = bilinearStep(method, params);
  const arrows = fieldArrows((p) => {
    const next = step(initialBilinearState(p));
    return { x: next.x - p.x, y: next.y - p.y };
  }, extent, 11);
  const growth = growthOf(distances);
  return { path, rho, eigenvalues: bilinearEigenvalues(method, params), distances, extent, arrows, growth, predicted: distances.map((_, t) => distances[0] * rho ** t) };
}

/** The x·y section. */
export function XyGameView() {
  const [method, setMethod] = useState<BilinearMethod>('simultaneous');
  const [lr, setLr] = useState(0.2);
  const [gamma, setGamma] = useState(1);
  const [steps, setSteps] = useState(200);
  const [start, setStart] = useState<GamePoint>({ x: 1, y: 1 });
  const s = useMemo(() => solve(method, lr, gamma, steps, start), [method, lr, gamma, steps, start]);
  const rhoCurves = useMemo(
    () => BILINEAR_METHODS.map((m) => ({ label: XY_METHOD_LABELS[m], color: COLORS[m], values: ETAS.map((eta) => bilinearSpectralRadius(m, { lr: eta, consensusWeight: gamma })) })),
    [gamma],
  );
  const behaviour = behaviourOf(s.rho);
  const final = s.distances[s.distances.length - 1];
  const stepIndex = useMemo(() => s.distances.map((_, t) => t), [s.distances]);

  return html`<section class="theory-section" data-testid="section-xy">
    <p class="explain">
      The smallest game on which gradient methods fail: <i>x</i> minimizes <i>x·y</i>, <i>y</i> maximizes it, and the only equilibrium is (0, 0). Every
      update rule here is a linear map of (<i>x</i>, <i>y</i>), so the spectral radius ρ of its matrix says it all: ρ ${'>'} 1 spirals out, ρ = 1 circles
      forever, ρ ${'<'} 1 converges. Simultaneous gradient descent–ascent has ρ = √(1 + η²) ${'>'} 1 at every learning rate; extragradient (Korpelevich 1976),
      optimistic GD (Daskalakis et al. 2018) and consensus optimization (Mescheder, Nowozin ${'&'} Geiger 2017, “The Numerics of GANs”) converge at small η.
    </p>
    <div class="theory-columns">
      <div class="theory-controls">
        <${Choice} label="update rule" testId="xy-method" value=${method} options=${BILINEAR_METHODS.map((m) => ({ value: m, label: XY_METHOD_LABELS[m] }))} onChange=${setMethod} />
        <${Slider} label="learning rate η" testId="xy-lr" scale=${LR} value=${lr} onChange=${setLr} />
        ${method === 'consensus' ? html`<${Slider} label="consensus weight γ" testId="xy-gamma" scale=${GAMMA} value=${gamma} onChange=${setGamma} />` : null}
        <${Slider} label="steps" testId="xy-steps" scale=${STEPS} value=${steps} onChange=${setSteps} />
        <div class="row">
          <${NumberField} label="start x" testId="xy-x0" value=${start.x} step=${0.1} min=${-100} onChange=${(x: number) => setStart({ ...start, x })} />
          <${NumberField} label="start y" testId="xy-y0" value=${start.y} step=${0.1} min=${-100} onChange=${(y: number) => setStart({ ...start, y })} />
        </div>
        <p class="hint">or click the plane to start there</p>
        <${Readings}
          rows=${[
            { label: 'spectral radius ρ', testId: 'xy-rho', text: s.rho.toFixed(4), value: s.rho, note: behaviour },
            { label: 'eigenvalues', testId: 'xy-eigenvalues', text: formatEigenvalues(s.eigenvalues) },
            { label: 'measured growth / step', testId: 'xy-growth', text: formatValue(s.growth), value: s.growth },
            { label: 'start distance', testId: 'xy-start-distance', text: formatValue(s.distances[0]), value: s.distances[0] },
            { label: `distance after ${steps} steps`, testId: 'xy-final-distance', text: formatValue(final), value: final },
          ]}
        />
        <p class="meaning" data-testid="xy-meaning">${meaning(behaviour, s.rho, XY_METHOD_LABELS[method])}</p>
      </div>
      <div>
        <${Plane} testId="xy-plane" extent=${s.extent} path=${s.path} arrows=${s.arrows} color=${COLORS[method]} xTitle="x (minimizes x·y)" yTitle="y (maximizes x·y)" onPick=${setStart} />
        <p class="legend">○ start ● end ✕ equilibrium (0, 0); grey arrows: where one step of ${XY_METHOD_LABELS[method]} moves each point${method === 'optimistic' ? ' (its first step)' : ''}</p>
      </div>
      <div>
        <${Chart}
          title="log₁₀ of the distance to (0, 0) per step"
          testId="xy-distance-chart"
          x=${stepIndex}
          version=${s.distances.length}
          xLabel="step"
          lines=${[
            { label: 'distance', color: COLORS[method], values: log10OrNull(s.distances) },
            { label: 'ρᵗ · start distance', color: '#777', values: log10OrNull(s.predicted), dash: [5, 4] },
          ]}
        />
        <${Chart} title="spectral radius ρ against η (dashed: the η set)" testId="xy-rho-chart" x=${ETAS} version=${gamma} xLabel="η" marker=${lr} height=${230} lines=${rhoCurves} />
      </div>
    </div>
  </section>`;
}

function meaning(behaviour: string, rho: number, label: string): string {
  if (behaviour === 'cycles') return `ρ = 1: ${label} circles the equilibrium; the distance neither grows nor shrinks on average.`;
  if (behaviour === 'spirals out') return `ρ = ${rho.toFixed(4)} > 1: ${label} spirals out, the distance growing by about ×${rho.toFixed(4)} every step.`;
  return `ρ = ${rho.toFixed(4)} < 1: ${label} converges, the distance shrinking by about ×${rho.toFixed(4)} every step.`;
}
