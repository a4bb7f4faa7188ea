import type { RunConfigInput } from './schema.ts';

/** A named starting point for a run: a partial config plus what it is for. */
export interface Preset {
  name: string;
  summary: string;
  config: RunConfigInput;
}

/** Declares a preset; returns its argument so TypeScript checks the config against the schema's input type. */
export function definePreset(preset: Preset): Preset {
  return preset;
}

/**
 * The shared shape of the toy presets: MLPs of equal widths for G and D, and Adam with
 * β1 = 0.5 (DCGAN's advice) at the same learning rate for both players.
 */
function toyPreset(name: string, summary: string, config: { data: RunConfigInput['data']; noiseDim: number; widths: number[]; lr: number; steps: number; batchSize?: number }): Preset {
  const adam = { name: 'adam', lr: config.lr, beta1: 0.5 } as const;
  return definePreset({
    name,
    summary,
    config: {
      data: config.data,
      model: { noiseDim: config.noiseDim, g: { hidden: config.widths }, d: { hidden: config.widths } },
      optim: { g: adam, d: adam },
      batchSize: config.batchSize ?? 256,
      steps: config.steps,
    },
  });
}

/** The built-in presets, by name. */
export const PRESETS: Readonly<Record<string, Preset>> = Object.fromEntries(
  [
    toyPreset('ring8', '8 Gaussians on a circle (radius 2, std 0.02): the mode-collapse benchmark of Unrolled GAN, VEEGAN and PacGAN', {
      data: { kind: 'ring8' },
      noiseDim: 8,
      widths: [128, 128, 128],
      lr: 5e-4,
      steps: 2000,
    }),
    toyPreset('grid25', '25 Gaussians on a 5×5 grid (spacing 2, std 0.05): the harder mode benchmark', {
      data: { kind: 'grid25' },
      noiseDim: 8,
      widths: [256, 256, 256],
      lr: 5e-4,
      steps: 5000,
    }),
    toyPreset('mixture1d', 'a bimodal 1-D mixture ½N(−2.5, 0.5²) + ½N(2.5, 0.5²): the classic mode-collapse picture', {
      data: { kind: 'mixture1d', weights: [0.5, 0.5], means: [-2.5, 2.5], stds: [0.5, 0.5] },
      noiseDim: 1,
      widths: [64, 64],
      lr: 1e-3,
      steps: 2000,
    }),
    toyPreset('spiral', 'a noisy 2-D spiral: a continuous, curved support', { data: { kind: 'spiral' }, noiseDim: 8, widths: [128, 128, 128], lr: 5e-4, steps: 3000 }),
    toyPreset('two-moons', 'two interleaved half circles: disconnected continuous supports', {
      data: { kind: 'two-moons' },
      noiseDim: 8,
      widths: [128, 128, 128],
      lr: 5e-4,
      steps: 3000,
    }),
  ].map((p) => [p.name, p]),
);

/** The preset names, for help texts and errors. */
export const PRESET_NAMES = Object.keys(PRESETS);
