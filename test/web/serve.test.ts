/**
 * The runs dashboard in a real browser: `serve`'s server on a temp runs folder, a real
 * `saddlepoint train` writing into it, and the page in headless chromium. What a user sees: the
 * run appears as running, its charts grow while it trains, every record arrives exactly once, the
 * status turns finished, and a second run overlays. The site is built into a temp folder so the
 * lab's test, which rebuilds web/dist, cannot pull it away mid-test. Screenshots:
 * test-artifacts/web/runs-live.png (while training) and runs.png (at the end).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/node/index.ts';
import { ARTIFACTS, CHROMIUM, buildSite, launchChromium } from './browser.ts';

const BIN = fileURLToPath(new URL('../../bin/saddlepoint.js', import.meta.url));
const STEPS = 300;
const EVAL_EVERY = 50;

let temp: string;
let runs: string;
let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const problems: string[] = [];

const points = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-points'));

/** A finished run written by hand: 100 steps, evaluations every 25. */
function finishedRun(name: string): void {
  const dir = join(runs, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: { kind: 'ring8' }, loss: { name: 'hinge' }, stabilizers: [], steps: 100, seed: 1, _run: {} }));
  const lines: object[] = [];
  for (let step = 1; step <= 100; step++) {
    lines.push({ kind: 'step', step, dLoss: 1 + 0.3 * Math.sin(step / 9), dPenalty: 0, gLoss: 0.8 + 0.2 * Math.cos(step / 7), dReal: 0.5, dFake: 0.5, gradNormD: 1 + step / 50, gradNormG: 0.5, ms: 5 });
    if (step % 25 === 0) lines.push({ kind: 'eval', step, samples: 100, modes: Math.min(8, step / 12.5), modesTotal: 8, highQuality: step / 200, kl: 1 / step, js: 0.3, w1: 2 / step, reverseKL: null, ms: 10 });
  }
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

describe('the runs dashboard in chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    temp = mkdtempSync(join(tmpdir(), 'sp-serve-web-'));
    runs = join(temp, 'runs');
    mkdirSync(runs);
    finishedRun('00-earlier-hinge-s1');
    await buildSite(join(temp, 'web'));
    server = await startServer({ runsDir: runs, port: 0, webDist: join(temp, 'web') });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('shows a run while train writes it, its charts growing live, then finished, and overlays another run', async () => {
    // Small networks and evaluation samples: a few hundred steps in well under half a minute.
    const train = spawn(
      process.execPath,
      [BIN, 'train', '--preset', 'ring8', '--steps', String(STEPS), '--out', runs, '--no-report',
        '--set', `eval.every=${EVAL_EVERY}`, '--set', 'eval.samples=500', '--set', 'model.g.hidden=[32,32]', '--set', 'model.d.hidden=[32,32]', '--set', 'checkpointEvery=1000'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let trainLog = '';
    train.stderr.on('data', (d: Buffer) => (trainLog += d.toString()));
    const trained = new Promise<number | null>((done) => train.on('close', (code) => done(code)));
    let finished = false;
    void trained.then(() => (finished = true));

    await page.goto(`${server.url}runs.html`);
    const row = page.locator('[data-testid=run-row][data-status=running]');
    await row.waitFor({ timeout: 60_000 });
    const name = (await row.getAttribute('data-name'))!;
    expect(name).toMatch(/-ring8-s0$/);
    // The running run is followed without a click: its charts fill while it trains.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-dLoss]')?.getAttribute('data-points')) > 0, null, { timeout: 30_000 });
    const early = await points('chart-dLoss');
    // Grown well past the first points (a third of the run), so the screenshot shows a run in progress.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=chart-dLoss]')?.getAttribute('data-points')) > n, Math.max(early, STEPS / 3), { timeout: 30_000 });
    const later = await points('chart-dLoss');
    expect(finished, 'training had ended before the chart grew: nothing was seen live').toBe(false);
    expect(later).toBeGreaterThan(early);
    expect(later).toBeLessThan(STEPS);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-live.png') });

    expect(await trained, trainLog).toBe(0);
    await page.locator(`[data-testid=run-row][data-name="${name}"][data-status=finished]`).waitFor({ timeout: 15_000 });
    // Every record arrived once: one point per step, one evaluation every 50 steps (the last at 300).
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=chart-dLoss]')?.getAttribute('data-points')) === n, STEPS, { timeout: 15_000 });
    expect(await points('chart-gradNormG')).toBe(STEPS);
    expect(await points('chart-modes')).toBe(STEPS / EVAL_EVERY);
    expect(await page.getByTestId('link').textContent()).toBe('live');
    await page.getByTestId('heatmap').waitFor();

    // Overlay the hand-written run: its 100 steps share the x of the first run's 300.
    await page.locator('[data-testid=run-row][data-name="00-earlier-hinge-s1"] input[type=checkbox]').check();
    await expect.poll(() => page.getByTestId('chart-dLoss').getAttribute('data-lines'), { timeout: 10_000 }).toBe(`${name}|00-earlier-hinge-s1`);
    expect(await points('chart-dLoss')).toBe(STEPS);
    // Evaluations at different steps (25s and 50s) on one x: their union. The second run's line is
    // named as soon as it is picked and fills when its records arrive, so this waits for them.
    const union = new Set([...Array.from({ length: STEPS / EVAL_EVERY }, (_, i) => (i + 1) * EVAL_EVERY), 25, 50, 75, 100]).size;
    await expect.poll(() => points('chart-modes'), { timeout: 10_000 }).toBe(union);
    await page.screenshot({ path: join(ARTIFACTS, 'runs.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
