import { sessionFromConfig } from '../src/run/index.ts';
/**
 * What the evaluator's health signals (`eval.health`) cost, as a share of one evaluation: ring8's
 * preset networks after a short training, 2,500 samples (the PacGAN protocol), with and without
 * health, alternating so machine load hits both alike.
 *
 *   npx tsx bench/health-cost.ts                 # native backend where OpenBLAS is present, else auto
 *   npx tsx bench/health-cost.ts --backend=cpu
 */
import { resolveConfig } from '../src/config/index.ts';
import { useNodeBackend } from '../src/node/backends.ts';
import type { BackendName } from '../src/tensor/backend.ts';
import { ganStep } from '../src/train/index.ts';
import { evaluate } from '../src/train/evaluator.ts';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? 'auto') as BackendName;
await useNodeBackend(backend);
const config = resolveConfig({ preset: 'ring8', flags: { steps: 100 } });
const session = sessionFromConfig(config);
for (let i = 0; i < 100; i++) ganStep(session);
const times = { off: [] as number[], on: [] as number[] };
for (let round = 0; round < 7; round++) {
  for (const health of [false, true]) {
    const t0 = performance.now();
    evaluate(session, { samples: 2500, seed: 0, health });
    if (round > 0) times[health ? 'on' : 'off'].push(performance.now() - t0);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const off = median(times.off);
const on = median(times.on);
console.log(`backend ${tf.getBackend()}: evaluation ${off.toFixed(1)} ms without health, ${on.toFixed(1)} ms with (median of 6); health adds ${(on - off).toFixed(1)} ms = ${((100 * (on - off)) / on).toFixed(1)} % of the evaluation`);
