import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js');
/** Runs the CLI without blocking the test worker (a spawnSync stalls vitest's RPC on a busy machine). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })));
}

/** A run directory as `train` leaves it: config.json with `_run` facts, metrics.jsonl with steps and a final eval. */
function runDir(root: string, name: string, loss: string, modes: number): void {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: { kind: 'ring8' }, loss: { name: loss }, seed: 0, steps: 1, _run: { backend: 'cpu' } }));
  writeFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ kind: 'step', step: 1, ms: 100 })}\n${JSON.stringify({ kind: 'eval', step: 1, samples: 10, modes, modesTotal: 8, ms: 50 })}\n`);
}

describe('saddlepoint runs', () => {
  it('indexes a runs folder, lists it filtered and sorted, shows one run, and refuses an injected filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-runs-'));
    const index = join(dir, 'index.sqlite');
    runDir(join(dir, 'runs'), 'a-s0', 'hinge', 6);
    runDir(join(dir, 'runs'), 'b-s0', 'wgan-gp', 8);
    runDir(join(dir, 'runs'), 'c-s0', 'wgan-gp', 7);
    expect(await cli(['runs', 'index', join(dir, 'runs'), '--index', index, '--sweep', 'old'])).toMatchObject({ status: 0, stdout: `indexed 3 run directories into ${index}\n` });
    const listed = await cli(['runs', 'list', '--index', index, '--where', 'loss=wgan-gp', '--sort', '-modes', '--json']);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { id: string; status: string; metrics: { modes: number } }) => [r.id, r.status, r.metrics.modes])).toEqual([
      ['runs/b-s0', 'done', 8],
      ['runs/c-s0', 'done', 7],
    ]);
    const best = await cli(['runs', 'best', '--sweep', 'old', '--metric', 'modes', '--direction', 'min', '--index', index]);
    expect(best.stdout.split('\n')[1]).toMatch(/^runs\/a-s0\s+done\s+1\s+ring8\s+hinge\s+0\s+6\/8\s+–\s+–\s+0\.1$/);
    expect(JSON.parse((await cli(['runs', 'show', 'runs/c-s0', '--index', index])).stdout)).toMatchObject({ id: 'runs/c-s0', sweep: 'old', config: { loss: { name: 'wgan-gp' } }, metrics: { modes: 7, step: 1 } });
    const evil = await cli(['runs', 'list', '--index', index, '--where', "loss=x' OR 1=1 --"]);
    expect(evil.status).toBe(2);
    expect(evil.stderr).toMatch(/^error: invalid --where: in "loss=x' OR 1=1 --", the value "x' OR 1=1 --" may only hold letters, digits/);
    expect(existsSync(index)).toBe(true);
  }, 300_000);
});
