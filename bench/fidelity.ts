/**
 * `npm run fidelity`: the same ring8 experiments in saddlepoint and in an independent PyTorch
 * implementation (bench/torch_fidelity.py), over the same seeds, side by side — so a difference
 * in behaviour is seen, not argued. saddlepoint trains through `compare` (each run a `train`
 * child with the settings the config resolves to, one BLAS thread each, two at a time); PyTorch
 * trains the same settings, one thread per process, two processes at a time. The seeds of the two
 * frameworks draw different random numbers, so runs are compared as distributions over seeds.
 *
 *   npm run fidelity                                   # non-saturating, pac2, wgan-gp; 3 seeds; 2,000 steps
 *   npm run fidelity -- --configs non-saturating,pac2 --seeds 5 --steps 2000
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { meanSe, type CompareSummary } from '../src/node/index.ts';
import { findTorch } from '../src/node/torch-reference.ts';

/** A config of the fidelity set: its saddlepoint remedy over the ring8 preset, and its name in torch_fidelity.py. */
const CONFIGS: Record<string, { remedy: string; summary: string }> = {
  'non-saturating': { remedy: 'none', summary: 'the ring8 preset: non-saturating loss, Adam 5e-4 β (0.5, 0.999), k 1' },
  pac2: { remedy: 'pac2', summary: 'the preset with PacGAN packing, m = 2' },
  'wgan-gp': { remedy: 'wgan-gp', summary: 'WGAN-GP at its recommended settings: k 5, β2 0.9, λ 0.1' },
};

const { values } = parseArgs({ options: { configs: { type: 'string', default: 'non-saturating,pac2,wgan-gp' }, seeds: { type: 'string', default: '3' }, steps: { type: 'string', default: '2000' } } });
const names = values.configs!.split(',');
for (const n of names) if (!(n in CONFIGS)) throw new Error(`--configs: got "${n}"; allowed: ${Object.keys(CONFIGS).join(', ')}`);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const steps = Number(values.steps);
const torch = findTorch();
if ('reason' in torch) {
  console.error(`fidelity needs PyTorch: ${torch.reason} (apt-get install -y python3-torch)`);
  process.exit(2);
}

interface Run {
  seed: number;
  modes: number;
  highQuality: number;
  reverseKL: number | null;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

const bin = join(import.meta.dirname, '..', 'bin', 'saddlepoint.js');
const out = join(mkdtempSync(join(tmpdir(), 'sp-fidelity-')), 'compare');
const t0 = performance.now();
console.error(`saddlepoint: ${names.length} configs × ${seeds.length} seeds, ${steps} steps (compare → ${out})`);
await run(process.execPath, [bin, 'compare', '--preset', 'ring8', '--remedies', names.map((n) => CONFIGS[n].remedy).join(','), '--seeds', String(seeds.length), '--steps', String(steps), '--jobs', '2', '--out', out, '--json']);
const summary = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as CompareSummary;
const ours: Record<string, Run[]> = Object.fromEntries(
  names.map((n) => [
    n,
    summary.runs
      .filter((r) => r.remedy === CONFIGS[n].remedy && r.ok && r.eval)
      .map((r) => ({ seed: r.seed, modes: r.eval!.modes ?? 0, highQuality: r.eval!.highQuality ?? 0, reverseKL: r.eval!.reverseKL })),
  ]),
);
const oursSeconds = (performance.now() - t0) / 1000;

console.error(`PyTorch ${torch.version}: the same configs and seeds, 2 processes at a time, 1 thread each`);
const t1 = performance.now();
const jobs = names.flatMap((n) => seeds.map((s) => ({ n, s })));
const theirs: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, [] as Run[]]));
let next = 0;
const script = join(import.meta.dirname, 'torch_fidelity.py');
await Promise.all(
  [0, 1].map(async () => {
    while (next < jobs.length) {
      const { n, s } = jobs[next++];
      const line = (await run(torch.python, [script, '--config', n, '--seeds', String(s), '--steps', String(steps), '--threads', '1'], { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' })).trim().split('\n').pop()!;
      theirs[n].push(JSON.parse(line) as Run);
    }
  }),
);
const theirSeconds = (performance.now() - t1) / 1000;

const stat = (xs: number[], digits: number) => {
  const s = meanSe(xs);
  return s.mean === null ? '–' : `${s.mean.toFixed(digits)} ± ${s.se === null ? '–' : s.se.toFixed(digits)}`;
};
const per = (rs: Run[]) => [...rs].sort((a, b) => a.seed - b.seed).map((r) => r.modes).join(', ');
const lines = [
  `# Fidelity: saddlepoint and PyTorch on ring8, ${steps} steps, seeds ${seeds.join(', ')}`,
  '',
  '| config | framework | modes (of 8) | per seed | HQ % | reverse KL |',
  '|:--|:--|--:|:--|--:|--:|',
];
for (const n of names) {
  for (const [framework, runs] of [['saddlepoint', ours[n]], [`PyTorch ${torch.version}`, theirs[n]]] as const) {
    const kl = runs.map((r) => r.reverseKL).filter((v): v is number => v !== null && Number.isFinite(v));
    lines.push(`| ${n} | ${framework} | ${stat(runs.map((r) => r.modes), 1)} | ${per(runs)} | ${stat(runs.map((r) => 100 * r.highQuality), 1)} | ${stat(kl, 3)}${kl.length < runs.length ? ` (n=${kl.length})` : ''} |`);
  }
}
lines.push('', ...names.map((n) => `- \`${n}\`: ${CONFIGS[n].summary}`), '', `Wall time: saddlepoint ${oursSeconds.toFixed(0)} s, PyTorch ${theirSeconds.toFixed(0)} s (2 runs at a time each).`);
console.log(lines.join('\n'));
