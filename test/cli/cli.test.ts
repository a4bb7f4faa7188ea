import { cli } from '../helpers/cli.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js');
const small = ['--no-report', '--backend', 'cpu', '--set', 'batchSize=32', '--set', 'model.g.hidden=[16]', '--set', 'model.d.hidden=[16]'];

describe('saddlepoint CLI', () => {
  it('train --json prints the summary as the last stdout line and leaves a run directory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const r = (await cli(['train', '--preset', 'ring8', '--loss', 'hinge', '--steps', '20', '--seed', '4', '--out', out, '--json', ...small.slice(1)]));
    // The report is written at the end unless --no-report.
    expect(r.stderr).toMatch(/report: .*report\.html \(\d+ plots\)/);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ status: 'done', steps: 20, backend: 'cpu', last: { kind: 'step', step: 20 } });
    expect(summary.stepsPerSecond).toBeGreaterThan(0);
    const config = JSON.parse(readFileSync(join(summary.runDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ seed: 4, steps: 20, loss: { name: 'hinge' }, batchSize: 32, _run: { backend: 'cpu' } });
    const records = readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((r) => r.kind === 'step')).toHaveLength(20);
    expect(records.filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([20]);
    expect(r.stderr).toMatch(/saddlepoint train · data ring8 · loss hinge · seed 4 · 20 steps · backend cpu/);
    expect(readFileSync(join(summary.runDir, 'report.html'), 'utf8')).toMatch(/<img[^>]+src="data:image\/png;base64,/);
  });

  it('train --doctor --autopilot reports what it saw, in --json too; the report has its Diagnosis section; a bad --autopilot is refused', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const r = await cli(['train', '--preset', 'ring8', '--steps', '30', '--out', out, '--json', '--doctor', '--autopilot', '3', ...small.slice(1)]);
    expect(r.status).toBe(0);
    // 30 steps is inside the doctor's warm-up: nothing can be confirmed yet, and it says so.
    expect(r.stderr).toMatch(/doctor: no finding while training · autopilot: 0 interventions \(details: npx saddlepoint doctor .*\)/);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ status: 'done', steps: 30, findings: 0, interventions: 0 });
    const html = readFileSync(join(summary.runDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Diagnosis</h2>');
    expect(html).toMatch(/<ol class="findings"><li class="[a-z]+"><b>[a-z-]+<\/b> \[(info|warning|critical)\]/);
    const bad = await cli(['train', '--preset', 'ring8', '--steps', '30', '--out', out, '--autopilot', '0', ...small.slice(1)]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--autopilot/);
  });

  it('a diverged run exits 3 and --json still ends stdout with what happened and the checkpoint kept', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    // WGAN with SGD at lr 1e5 overflows within a few dozen steps (measured: step 10 at the tiny test config).
    const diverge = ['--set', 'checkpointEvery=2', '--set', 'optim.d={"name":"sgd","lr":1e5}', '--set', 'optim.g={"name":"sgd","lr":1e5}'];
    const r = await cli(['train', '--loss', 'wasserstein', '--steps', '200', '--out', out, '--json', ...small, ...diverge]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/error: training diverged at step \d+/);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ status: 'diverged', reason: expect.stringMatching(/^training diverged at step \d+: [DG]'s /), backend: 'cpu' });
    expect(summary.step).toBeLessThan(200);
    expect(summary.lastGoodCheckpoint.step).toBe(2 * Math.floor((summary.step - 1) / 2));
    expect(existsSync(join(summary.runDir, 'checkpoints', String(summary.lastGoodCheckpoint.step), 'checkpoint.json'))).toBe(true);
  });

  it('--resume continues to a larger --steps', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const first = JSON.parse((await cli(['train', '--steps', '10', '--out', out, '--json', ...small])).stdout.trim().split('\n').pop()!);
    const r = (await cli(['train', '--resume', first.runDir, '--steps', '15', '--backend', 'cpu', '--json']));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ steps: 15, runDir: first.runDir });
    expect(r.stderr).toMatch(/resuming at step 10/);
  });

  it.each([
    [['train', '--loss', 'wgan'], /loss\.name: got "wgan"; allowed: .*"wgan-gp"/],
    [['train', '--steps', 'ten'], /steps: got "ten"; expected an integer/],
    [['train', '--set', 'model.d.act=swish'], /model\.d\.act: got "swish"/],
    [['train', '--backend', 'gpu'], /backend: got "gpu"; allowed: "auto", "native", "wasm", "cpu"/],
    [['train', '--resume', '/nonexistent/run'], /\/nonexistent\/run: no config\.json here/],
  ])('refuses bad input before training: %j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/    at /); // a message, not a stack trace
  });

  it.each([
    [['--remedies', 'none,spectral-nrom'], /remedies: got "spectral-nrom"; allowed: none, spectral-norm, .*, lr-decay \(join with \+, e\.g\. spectral-norm\+pac2\)/],
    [['--seeds', '0'], /--seeds: got "0"; expected a positive integer/],
    [['--seeds', 'two'], /--seeds: got "two"; expected a positive integer/],
    [['--jobs', '1.5'], /--jobs: got "1\.5"; expected a positive integer/],
    [['--set', 'dStepsPerG=0'], /dStepsPerG: Too small/],
  ])('compare refuses bad input before any run: %j', async (args, message) => {
    const out = join(mkdtempSync(join(tmpdir(), 'sp-cli-')), 'cmp');
    const r = (await cli(['compare', '--out', out, '--steps', '5', ...(args as string[])]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/    at /);
    expect(existsSync(out)).toBe(false);
  });

  it('compare --help lists the remedies and says children run single-threaded BLAS in parallel', async () => {
    const r = (await cli(['compare', '--help']));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^  spectral-norm +D's weights divided by their largest singular value/m);
    expect(r.stdout).toMatch(/--jobs > 1 every run gets threads=1 \(one OpenBLAS/);
  });

  it('refuses a config file that does not parse, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'loss: [unclosed\n');
    const r = (await cli(['train', '--config', join(dir, 'bad.yaml')]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: cannot parse/);
  });

  it('Ctrl-C saves a checkpoint and exits with 130; the run resumes from it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const child = spawn(process.execPath, [bin, 'train', '--steps', '100000', '--out', out, '--json', ...small], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let scheduled = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      // Interrupt once, when training is under way (a second Ctrl-C would quit without saving).
      if (/run directory:/.test(stderr) && !scheduled) {
        scheduled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopped at step (\d+); checkpoint saved\. Resume with: npx saddlepoint train --resume/);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.status).toBe('stopped');
    const step = Number(/stopped at step (\d+)/.exec(stderr)![1]);
    expect(summary.steps).toBe(step);
    const resumed = (await cli(['train', '--resume', summary.runDir, '--steps', String(step + 3), '--backend', 'cpu', '--json']));
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming at step ${step}`));
  });

  it('eval recomputes from a checkpoint exactly what training measured at that step', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const run = JSON.parse((await cli(['train', '--steps', '12', '--out', out, '--json', '--set', 'eval.samples=300', ...small])).stdout.trim().split('\n').pop()!);
    const r = (await cli(['eval', run.runDir, '--backend', 'cpu', '--json']));
    expect(r.status).toBe(0);
    const fields = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const logged = readFileSync(join(run.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.kind === 'eval');
    const { ms: _a, kind: _k, ...expected } = logged;
    const { ms: _b, ...got } = fields;
    expect(got).toEqual(expected);
    expect(got).toMatchObject({ step: 12, modesTotal: 8, samples: 300 });
    expect((await cli(['eval', run.runDir, '--checkpoint', '7', '--backend', 'cpu'])).stderr).toMatch(/no checkpoint at step 7; available: 12/);
  });

  it('presets lists presets and losses', async () => {
    const r = (await cli(['presets']));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ring8 +8 Gaussians on a circle/);
    expect(r.stdout).toMatch(/wgan-gp +WGAN-GP/);
  });
});
