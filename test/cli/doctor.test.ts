import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PATHOLOGIES, type Finding } from '../../src/doctor/index.ts';
import { runTraining } from '../../src/node/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js');
/** Runs the CLI without blocking the test worker; resolves with the exit code instead of throwing. */
async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const tmp = () => mkdtempSync(join(tmpdir(), 'sp-doctor-'));
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as { findings: Finding[] };

let runDir: string;
beforeAll(async () => {
  await selectTestBackend('cpu');
  const run = await runTraining({ config: tinyConfig({ steps: 60, eval: { every: 20, samples: 200 } }), outRoot: tmp() });
  runDir = run.runDir;
}, 120_000);

describe('saddlepoint doctor', () => {
  it('diagnoses a real run: readable findings, { findings } as the last stdout line, a timeline PNG in plots/', async () => {
    const r = await cli(['doctor', runDir, '--json', '--scale', '1']);
    expect(r.status).toBe(0);
    const { findings } = lastJson(r.stdout);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(PATHOLOGIES).toContain(f.pathology);
      expect(f.fromStep).toBeGreaterThanOrEqual(0);
      expect(f.fromStep).toBeLessThanOrEqual(60);
      expect(r.stdout).toContain(`${f.pathology} [${f.severity}]`);
    }
    expect(r.stdout).toContain(`${findings.length} finding`);
    const png = readFileSync(join(runDir, 'plots', 'diagnosis.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(5000);
    expect(r.stdout).toContain(`timeline: ${join(runDir, 'plots', 'diagnosis.png')}`);
  }, 120_000);

  it('names the divergence of a run whose records end in a diverged record, with exact --set remedies', async () => {
    const dir = join(tmp(), 'run');
    cpSync(runDir, dir, { recursive: true });
    rmSync(join(dir, 'plots'), { recursive: true, force: true });
    appendFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ kind: 'diverged', step: 61, message: 'non-finite gLoss (NaN) at step 61' })}\n`);
    const r = await cli(['doctor', dir, '--json', '--no-plot']);
    expect(r.status).toBe(0);
    const [first] = lastJson(r.stdout).findings;
    expect(first).toMatchObject({ pathology: 'divergence', severity: 'critical', fromStep: 61 });
    expect(first.remedies[0]).toMatchObject({ remedy: 'lower-lr', sets: ['optim.g={"name":"adam","lr":0.0001}', 'optim.d={"name":"adam","lr":0.0001}'] });
    expect(r.stdout).toContain(`try: --set 'optim.g={"name":"adam","lr":0.0001}'`);
    expect(existsSync(join(dir, 'plots', 'diagnosis.png'))).toBe(false);
  }, 60_000);

  it.each([
    [['/nonexistent/run'], /error: \/nonexistent\/run: no such run directory/],
    [[join(import.meta.dirname)], /no config\.json here: not a saddlepoint run directory/],
  ])('refuses a bad RUN_DIR with exit 2 naming the path: %j', async (args, message) => {
    const r = await cli(['doctor', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/    at /);
  }, 60_000);
});
