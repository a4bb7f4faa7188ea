/**
 * MNIST load time and the metric floors/ceilings on raw pixels, with wall times.
 *
 *   npx tsx bench/image-metrics.ts                 # load, FID (64-d projection and raw 784-d), P/R + D/C timing
 *   npx tsx bench/image-metrics.ts --no-raw        # skip the 784-d FIDs (the slow part: O(784³) each)
 *   npx tsx bench/image-metrics.ts --pr-rows=2000  # smaller precision/recall timing
 *
 * "Halves" are the first and second 5,000 images of the MNIST test split (disjoint); "noise" is
 * 5,000 images of uniform [−1, 1] pixels; the 64-d projection is x ↦ Px with P a fixed seeded
 * Gaussian 64 × 784 matrix scaled by 1/√784 (a cheap stand-in until the MNIST classifier's features
 * exist). Absolute times move with machine load; the printed load average says how busy it was.
 */
import { loadavg } from 'node:os';
import { loadMnist } from '../src/node/mnist.ts';
import { densityCoverage, fid, precisionRecall, type FeatureMatrix } from '../src/metrics/index.ts';
import { Rng } from '../src/tensor/rng.ts';

const args = new Set(process.argv.slice(2));
const prRows = Number(process.argv.find((a) => a.startsWith('--pr-rows='))?.split('=')[1] ?? 10_000);

function timed<T>(label: string, f: () => T): T {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = f();
  const used = process.cpuUsage(cpu);
  // CPU time beside wall time: on a shared machine the wall clock mostly measures the neighbours.
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s cpu`);
  return out;
}

const test = timed('load MNIST test (10k, parse + check)', () => loadMnist('test'));
timed('load MNIST train (60k, parse + check)', () => loadMnist('train'));

function pixels(from: number, to: number): FeatureMatrix {
  const data = new Float32Array((to - from) * 784);
  for (let i = 0; i < data.length; i++) data[i] = test.pixels[from * 784 + i] / 127.5 - 1;
  return { rows: to - from, cols: 784, data };
}

const halfA = pixels(0, 5000);
const halfB = pixels(5000, 10_000);
const noise: FeatureMatrix = { rows: 5000, cols: 784, data: new Rng(1).uniformArray(5000 * 784, -1, 1) };

const projection = new Rng(2).normalArray(64 * 784, 0, 1 / Math.sqrt(784));
function project(m: FeatureMatrix): FeatureMatrix {
  const out = new Float32Array(m.rows * 64);
  for (let i = 0; i < m.rows; i++) {
    for (let o = 0; o < 64; o++) {
      let s = 0;
      for (let t = 0; t < 784; t++) s += projection[o * 784 + t] * m.data[i * 784 + t];
      out[i * 64 + o] = s;
    }
  }
  return { rows: m.rows, cols: 64, data: out };
}

const [pA, pB, pN] = [halfA, halfB, noise].map(project);
const show = (r: { value: number; nReal: number; nFake: number; dim: number; offset: number }) =>
  `${r.value.toFixed(3)} (n ${r.nReal} vs ${r.nFake}, dim ${r.dim}, offset ${r.offset})`;
console.log(`FID 64-d projection, test half A vs half B: ${show(timed('  fid', () => fid(pA, pB)))}`);
console.log(`FID 64-d projection, test half A vs noise:  ${show(timed('  fid', () => fid(pA, pN)))}`);
if (!args.has('--no-raw')) {
  console.log(`FID raw 784-d pixels, half A vs half B:     ${show(timed('  fid', () => fid(halfA, halfB)))}`);
  console.log(`FID raw 784-d pixels, half A vs noise:      ${show(timed('  fid', () => fid(halfA, noise)))}`);
}

const rng = new Rng(3);
const real: FeatureMatrix = { rows: prRows, cols: 64, data: rng.normalArray(prRows * 64) };
const fake: FeatureMatrix = { rows: prRows, cols: 64, data: rng.normalArray(prRows * 64, 0.1) };
const pr = timed(`precisionRecall ${prRows}×${prRows}, width 64`, () => precisionRecall(real, fake));
console.log(`  ${JSON.stringify(pr)}`);
const dc = timed(`densityCoverage ${prRows}×${prRows}, width 64`, () => densityCoverage(real, fake));
console.log(`  ${JSON.stringify(dc)}`);
console.log(`load average (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(1)).join(', ')}; cores: 2`);
