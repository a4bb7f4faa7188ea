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

/** The built-in presets, by name. */
export const PRESETS: Readonly<Record<string, Preset>> = Object.fromEntries(
  [
    definePreset({
      name: 'ring8',
      summary: '8 Gaussians on a circle (radius 2, std 0.02): the mode-collapse benchmark of Unrolled GAN, VEEGAN and PacGAN',
      config: {
        data: { kind: 'ring8' },
        model: { noiseDim: 8, g: { hidden: [128, 128, 128] }, d: { hidden: [128, 128, 128] } },
        optim: { g: { name: 'adam', lr: 5e-4, beta1: 0.5 }, d: { name: 'adam', lr: 5e-4, beta1: 0.5 } },
        batchSize: 256,
        steps: 2000,
      },
    }),
    definePreset({
      name: 'grid25',
      summary: '25 Gaussians on a 5×5 grid (spacing 2, std 0.05): the harder mode benchmark',
      config: {
        data: { kind: 'grid25' },
        model: { noiseDim: 8, g: { hidden: [256, 256, 256] }, d: { hidden: [256, 256, 256] } },
        optim: { g: { name: 'adam', lr: 5e-4, beta1: 0.5 }, d: { name: 'adam', lr: 5e-4, beta1: 0.5 } },
        batchSize: 256,
        steps: 5000,
      },
    }),
    definePreset({
      name: 'mixture1d',
      summary: 'a bimodal 1-D mixture ½N(−2.5, 0.5²) + ½N(2.5, 0.5²): the classic mode-collapse picture',
      config: {
        data: { kind: 'mixture1d', weights: [0.5, 0.5], means: [-2.5, 2.5], stds: [0.5, 0.5] },
        model: { noiseDim: 1, g: { hidden: [64, 64] }, d: { hidden: [64, 64] } },
        optim: { g: { name: 'adam', lr: 1e-3, beta1: 0.5 }, d: { name: 'adam', lr: 1e-3, beta1: 0.5 } },
        batchSize: 256,
        steps: 2000,
      },
    }),
    definePreset({
      name: 'spiral',
      summary: 'a noisy 2-D spiral: a continuous, curved support',
      config: {
        data: { kind: 'spiral' },
        model: { noiseDim: 8, g: { hidden: [128, 128, 128] }, d: { hidden: [128, 128, 128] } },
        optim: { g: { name: 'adam', lr: 5e-4, beta1: 0.5 }, d: { name: 'adam', lr: 5e-4, beta1: 0.5 } },
        steps: 3000,
      },
    }),
    definePreset({
      name: 'two-moons',
      summary: 'two interleaved half circles: disconnected continuous supports',
      config: {
        data: { kind: 'two-moons' },
        model: { noiseDim: 8, g: { hidden: [128, 128, 128] }, d: { hidden: [128, 128, 128] } },
        optim: { g: { name: 'adam', lr: 5e-4, beta1: 0.5 }, d: { name: 'adam', lr: 5e-4, beta1: 0.5 } },
        steps: 3000,
      },
    }),
  ].map((p) => [p.name, p]),
);

/** The preset names, for help texts and errors. */
export const PRESET_NAMES = Object.keys(PRESETS);
