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

/**
 * The image presets: Radford et al.'s DCGAN rules (strided convolutions, batch norm in both nets
 * but not on G's output or D's input, ReLU in G with tanh out, LeakyReLU 0.2 in D, N(0, 0.02)
 * init, Adam 2e-4 β1 0.5, batch 64, z of 100) at base width 32 (the paper's 64–128 train 3–4×
 * slower on 2 cores and are one `--set model.g.filters=64` away), measured on 2,000 generated images.
 */
function imagePreset(name: string, summary: string, config: { data: string; steps: number; overrides?: Partial<RunConfigInput> }): Preset {
  const adam = { name: 'adam', lr: 2e-4, beta1: 0.5 } as const;
  const net = { arch: 'dcgan', filters: 32, norm: 'batch', init: 'dcgan' } as const;
  const base: RunConfigInput = {
    // Image kinds are registered by the platform (src/node), not the core's toy registry.
    data: { kind: config.data } as unknown as RunConfigInput['data'],
    model: { noiseDim: 100, g: net, d: net },
    optim: { g: adam, d: adam },
    batchSize: 64,
    steps: config.steps,
    checkpointEvery: 500,
    eval: { every: 250, samples: 2000 },
  };
  const o = config.overrides ?? {};
  return definePreset({
    name,
    summary,
    config: { ...base, ...o, model: { ...base.model, ...o.model, g: { ...net, ...o.model?.g }, d: { ...net, ...o.model?.d } }, optim: { ...base.optim, ...o.optim } },
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
    imagePreset('mnist-dcgan', 'DCGAN by the book on real MNIST (28×28×1): strided convs, batch norm, Adam 2e-4 β1 0.5, batch 64; FID with the MNIST classifier', {
      data: 'mnist',
      steps: 2000,
    }),
    imagePreset('mnist-wgan-gp', 'WGAN-GP on MNIST: the DCGAN nets with layer norm instead of batch norm in the critic, 5 critic steps, λ 10, Adam 1e-4 (0.5, 0.9)', {
      data: 'mnist',
      steps: 2000,
      overrides: {
        loss: { name: 'wgan-gp', lambda: 10 },
        dStepsPerG: 5,
        model: { d: { norm: 'layer' } },
        optim: { g: { name: 'adam', lr: 1e-4, beta1: 0.5, beta2: 0.9 }, d: { name: 'adam', lr: 1e-4, beta1: 0.5, beta2: 0.9 } },
      },
    }),
    imagePreset('mnist-sn-hinge', 'spectral norm on the critic with the hinge loss on MNIST (Miyato et al. 2018; their setting D comes with it: 5 D steps, Adam 1e-3 (0.5, 0.9)); no batch norm in D', {
      data: 'mnist',
      steps: 2000,
      overrides: { loss: { name: 'hinge' }, stabilizers: [{ name: 'spectral-norm' }], model: { d: { norm: 'none' } } },
    }),
    imagePreset('mnist-cgan', 'conditional DCGAN on MNIST (Mirza & Osindero 2014): a 10-wide class embedding appended to z and as label planes to D\'s input; class accuracy by the MNIST classifier', {
      data: 'mnist',
      steps: 2000,
      overrides: { model: { condition: 'concat' } as RunConfigInput['model'] },
    }),
    imagePreset('mnist-projection', 'projection discriminator on MNIST (Miyato & Koyama 2018): D\'s output ψ(φ(x)) + ⟨V_y, φ(x)⟩, spectral norm and the hinge loss as in the paper, G conditioned by concatenation', {
      data: 'mnist',
      steps: 2000,
      overrides: { loss: { name: 'hinge' }, stabilizers: [{ name: 'spectral-norm' }], model: { condition: 'projection', d: { norm: 'none' } } as RunConfigInput['model'] },
    }),
    imagePreset('mnist-acgan', "ACGAN on MNIST (Odena et al. 2017): G conditioned by concatenation, D unconditional with an auxiliary classifier head whose class log-likelihood both players maximize; class accuracy, the head's accuracy on real digits, per-class precision and recall", {
      data: 'mnist',
      steps: 2000,
      overrides: { model: { condition: 'acgan' } as RunConfigInput['model'] },
    }),
    imagePreset('mnist-infogan', "InfoGAN on MNIST (Chen et al. 2016): 62 noise dimensions, a 10-way categorical code and 2 continuous codes, Q a head on D's features; its lr (G 1e-3, D 2e-4); the code's unsupervised accuracy after matching and the mutual-information bounds", {
      data: 'mnist',
      steps: 2000,
      overrides: {
        model: { noiseDim: 62, codes: { categorical: 10, continuous: 2 } } as RunConfigInput['model'],
        optim: { g: { name: 'adam', lr: 1e-3, beta1: 0.5 }, d: { name: 'adam', lr: 2e-4, beta1: 0.5 } } as RunConfigInput['optim'],
      },
    }),
    imagePreset('mnist-pix2pix', "Pix2Pix on MNIST (Isola et al. 2017): 4× super-resolution (7×7 block averages → the digit); U-Net G with skips and dropout, PatchGAN D (18×18 patches), L1 × 100 + the adversarial loss; L1, PSNR, SSIM and FID of held-out translations. `--set model.translation.adversarial=false` is the L1-only baseline", {
      data: 'mnist-pairs',
      steps: 2000,
      overrides: {
        data: { kind: 'mnist-pairs', task: 'lowres', factor: 4 } as unknown as RunConfigInput['data'],
        model: { g: { arch: 'unet', dropout: 0.5 }, d: { arch: 'patchgan' }, translation: { l1: 100 } } as RunConfigInput['model'],
      },
    }),
    imagePreset('images-dcgan', "DCGAN on the user's own images: `--data path/to/folder` (PNG/JPEG, a subfolder per class), resized and cropped to 64×64 RGB", {
      data: 'image-folder',
      steps: 5000,
      overrides: { data: { kind: 'image-folder', size: 64, channels: 3 } as unknown as RunConfigInput['data'] },
    }),
    imagePreset('stacked-mnist-dcgan', 'DCGAN on Stacked MNIST (three digits as the channels, 1,000 modes): modes covered and KL by the VEEGAN/PacGAN protocol', {
      data: 'stacked-mnist',
      steps: 2000,
    }),
  ].map((p) => [p.name, p]),
);

/** The preset names, for help texts and errors. */
export const PRESET_NAMES = Object.keys(PRESETS);
