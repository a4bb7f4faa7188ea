import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

describe('saddlepoint demo', () => {
  it('trains the failing run and its fix side by side and writes one page with the numbers, the samples and the commands', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sp-demo-')), 'demo');
    // 40 steps instead of 2,000: the test checks the page, not the outcome (docs/results.md measures that).
    const r = await cli(['demo', '--steps', '40', '--out', out, '--backend', 'native']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/saddlepoint demo · ring8 · seed \d+ · 40 steps · two runs at once: plain GAN/);
    expect(r.stdout).toMatch(/^  plain GAN \(non-saturating loss\) +\d of 8 modes · [\d.]+ % high quality · reverse KL/m);
    expect(r.stdout).toMatch(/^  PacGAN: D judges 2 samples at once +\d of 8 modes/m);
    const html = readFileSync(join(out, 'demo.html'), 'utf8');
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)).toHaveLength(3);
    expect(html).toContain('npx saddlepoint train --preset ring8 --steps 40 --backend native --remedy pac2 --set threads=1 --seed');
    expect(html).toMatch(/<td>\d of 8<\/td>/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    for (const run of ['none', 'pac2']) expect(existsSync(join(out, run, `seed-${/seed (\d+)/.exec(r.stderr)![1]}`, 'metrics.jsonl'))).toBe(true);
  }, 180_000);

  it.each([
    [['--seed', 'x'], /--seed: got "x"; expected an integer/],
    [['--backend', 'gpu'], /backend: got "gpu"; allowed:/],
  ])('refuses bad input with exit 2 before anything is written: %j', async (args, message) => {
    const out = join(mkdtempSync(join(tmpdir(), 'sp-demo-')), 'demo');
    const r = await cli(['demo', '--out', out, ...(args as string[])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out that exists', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-demo-'));
    mkdirSync(join(out, 'x'));
    const r = await cli(['demo', '--out', join(out, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: .*x already exists/);
  });
});
