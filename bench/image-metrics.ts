/**
 * MNIST load time, the metric floors and ceilings on pixels, and the k-NN metrics' time.
 *
 *   npx tsx bench/image-metrics.ts                 # everything (the raw 784-d FIDs take ~15 s of CPU each)
 *   npx tsx bench/image-metrics.ts --no-raw        # only the 64-d projection
 *   npx tsx bench/image-metrics.ts --pr-rows=2000  # smaller precision/recall timing (default 10,000)
 *
 * Reference: the first 5,000 MNIST test images ("test[:5k]"). Compared with: the last 5,000
 * ("test[5k:]", which LeCun's page describes as drawn from different writers, so not the same
 * distribution), 5,000 other test images in a seeded random split ("random half"), 5,000 train
 * images, and 5,000 images of uniform [−1, 1] noise. Features: raw pixels (784-d), and a cheap 64-d
 * projection x ↦ Px, P a fixed seeded Gaussian 64 × 784 matrix scaled by 1/√784 (a stand-in until
 * the MNIST classifier's features exist). CPU time is printed beside wall time: on a shared machine
 * the wall clock mostly measures the neighbours.
 */
import { loadavg } from 'node:os';
import { loadMnist } from '../src/node/mnist.ts';
import { densityCoverage, fid, kernelInceptionDistance, precisionRecall, type FeatureMatrix } from '../src/metrics/index.ts';
import { Rng } from '../src/tensor/rng.ts';

const args = new Set(process.argv.slice(2));
const prRows = Number(process.argv.find((a) => a.startsWith('--pr-rows='))?.split('=')[1] ?? 10_000);

function timed<T>(label: string, f: () => T): T {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = f();
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s cpu`);
  return out;
}

const test = timed('load MNIST test (10k, parse + check)', () => loadMnist('test'));
const train = timed('load MNIST train (60k, parse + check)', () => loadMnist('train'));

function pixels(bytes: Uint8Array, rows: ArrayLike<number>): FeatureMatrix {
  const data = new Float32Array(rows.length * 784);
  for (let i = 0; i < rows.length; i++) {
    for (let p = 0; p < 784; p++) data[i * 784 + p] = bytes[rows[i] * 784 + p] / 127.5 - 1;
  }
  return { rows: rows.length, cols: 784, data };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const shuffled = range(0, 10_000);
const rng = new Rng(5);
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
}

const reference = pixels(test.pixels, range(0, 5000));
const others: [string, FeatureMatrix][] = [
  ['test[5k:]', pixels(test.pixels, range(5000, 10_000))],
  ['train[:5k]', pixels(train.pixels, range(0, 5000))],
  ['noise', { rows: 5000, cols: 784, data: new Rng(1).uniformArray(5000 * 784, -1, 1) }],
];
// The seeded random split compares two random halves with each other (not with test[:5k]).
const randomA = pixels(test.pixels, shuffled.slice(0, 5000));
const randomB = pixels(test.pixels, shuffled.slice(5000));

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

type Pair = [string, FeatureMatrix, FeatureMatrix];
const pairs: Pair[] = [['random half vs random half', randomA, randomB], ...others.map(([name, m]): Pair => [`test[:5k] vs ${name}`, reference, m])];
for (const [name, a, b] of pairs) {
  const [pa, pb] = [project(a), project(b)];
  const f = timed(`  fid 64-d`, () => fid(pa, pb));
  const k = timed(`  kid 64-d`, () => kernelInceptionDistance(pa, pb, { subsets: 10, subsetSize: 1000, rng: new Rng(4) }));
  console.log(`${name}, 64-d projection: FID ${f.value.toFixed(3)} (n ${f.nReal}/${f.nFake}, offset ${f.offset}); KID ${k.value.toFixed(4)} ± ${k.standardError.toFixed(4)} (${k.subsets} × ${k.subsetSize})`);
  if (!args.has('--no-raw')) {
    const r = timed('  fid 784-d', () => fid(a, b));
    console.log(`${name}, raw 784-d pixels: FID ${r.value.toFixed(3)} (n ${r.nReal}/${r.nFake}, offset ${r.offset})`);
  }
}

const g = new Rng(3);
const real: FeatureMatrix = { rows: prRows, cols: 64, data: g.normalArray(prRows * 64) };
const fake: FeatureMatrix = { rows: prRows, cols: 64, data: g.normalArray(prRows * 64, 0.1) };
const pr = timed(`precisionRecall ${prRows}×${prRows}, width 64`, () => precisionRecall(real, fake));
console.log(`  ${JSON.stringify(pr)}`);
const dc = timed(`densityCoverage ${prRows}×${prRows}, width 64`, () => densityCoverage(real, fake));
console.log(`  ${JSON.stringify(dc)}`);
console.log(`load average (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(1)).join(', ')}; cores: 2`);
