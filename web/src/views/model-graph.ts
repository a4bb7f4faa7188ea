/**
 * The two networks as a small graph: one box per layer with its width, the activation and norm
 * between, D's input as wide as its packing makes it, and the remedies in the running config —
 * all read from the config the worker reports, never from the lab's own settings.
 */
import { html } from 'htm/preact';
import type { RunConfig } from '../core.ts';

/** One layer of the graph: its width and what is written under it. */
export interface GraphLayer {
  width: number;
  label: string;
}

/** The layers of G and D for an MLP config on `dataDim`-dimensional data (what the lab trains). */
export function modelLayers(config: RunConfig, dataDim = 2): { g: GraphLayer[]; d: GraphLayer[] } {
  const m = config.stabilizers.reduce((n, s) => (s.name === 'packing' && 'm' in s ? n * Number(s.m) : n), 1);
  const hidden = (net: RunConfig['model']['g']) => net.hidden.map((width) => ({ width, label: [net.act, net.norm !== 'none' ? `${net.norm} norm` : ''].filter(Boolean).join(' · ') }));
  const cond = config.model.condition;
  const e = cond === 'none' ? 0 : config.model.embedDim;
  const outLabel = cond === 'projection' ? 'score + ⟨V_y, φ⟩' : cond === 'acgan' ? 'score + class logits' : 'score';
  const dOut = config.loss.name === 'began' ? { width: dataDim * m, label: 'reconstruction (energy)' } : { width: 1, label: outLabel };
  const z = `z ~ ${config.model.noise === 'normal' ? 'N(0, 1)' : 'U(−1, 1)'}`;
  return {
    g: [{ width: config.model.noiseDim + e, label: e ? 'z + class' : z }, ...hidden(config.model.g), { width: dataDim, label: 'x' }],
    d: [{ width: dataDim * m + (cond === 'concat' ? e : 0), label: m > 1 ? `x, packs of ${m}` : cond === 'concat' ? 'x + class' : 'x' }, ...hidden(config.model.d), dOut],
  };
}

const BOX_W = 58;
const GAP = 22;
const MAX_H = 64;

function Net({ name, layers, color }: { name: string; layers: GraphLayer[]; color: string }) {
  const widest = Math.max(...layers.map((l) => l.width));
  const h = (w: number) => Math.max(8, Math.round((Math.sqrt(w) / Math.sqrt(widest)) * MAX_H));
  const total = layers.length * BOX_W + (layers.length - 1) * GAP;
  return html`<svg class="graph" width=${total + 4} height=${MAX_H + 34} data-testid=${`graph-${name}`} data-layers=${layers.map((l) => l.width).join('-')}>
    <text x="2" y="11" class="graph-title">${name}</text>
    ${layers.map((l, i) => {
      const x = 2 + i * (BOX_W + GAP);
      const top = 16 + (MAX_H - h(l.width)) / 2;
      return html`<g>
        <rect x=${x} y=${top} width=${BOX_W} height=${h(l.width)} rx="3" fill=${color} fill-opacity=${i === 0 || i === layers.length - 1 ? 0.25 : 0.5} stroke=${color} />
        <text x=${x + BOX_W / 2} y=${16 + MAX_H / 2 + 4} text-anchor="middle" class="graph-width">${l.width}</text>
        <text x=${x + BOX_W / 2} y=${MAX_H + 30} text-anchor="middle" class="graph-label">${l.label}</text>
        ${i > 0 ? html`<line x1=${x - GAP + 2} y1=${16 + MAX_H / 2} x2=${x - 2} y2=${16 + MAX_H / 2} stroke="#555" marker-end="url(#arrow)" />` : null}
      </g>`;
    })}
    <defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#555" /></marker></defs>
  </svg>`;
}

/** G's and D's layers, and the remedies acting on them. */
export function ModelGraph({ config }: { config?: RunConfig }) {
  if (!config) return null;
  const { g, d } = modelLayers(config);
  const remedies = config.stabilizers.map((s) => s.name).join(', ') || 'none';
  return html`<div class="model" data-testid="model-graph">
    <${Net} name="G" layers=${g} color="#8e44ad" />
    <${Net} name="D" layers=${d} color="#2e7d32" />
    <p class="hint">loss ${config.loss.name} · remedies: ${remedies} · ${config.optim.game.name} updates, k = ${config.dStepsPerG}</p>
  </div>`;
}
