import { cli } from '../helpers/cli.ts';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioSets } from '../../src/cli/scenario.ts';
import { runScenario, runScenarios } from '../../src/node/scenarios.ts';
import { jsVsWasserstein, SCENARIOS, xyGame } from '../../src/scenarios/index.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

describe('runScenario', () => {
  it('writes scenario.json, plots/*.png|svg and a self-contained report.html with the verdict', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-scn-'));
    const result = await runScenario(xyGame, { outRoot: out, settings: { 'xy-game': { lr: '0.3', steps: 120 } }, scale: 1 });
    expect(result).toMatchObject({ name: 'xy-game', holds: true, dir: join(out, 'xy-game') });
    const json = JSON.parse(readFileSync(join(result.dir, 'scenario.json'), 'utf8'));
    expect(json.settings).toEqual({ lr: 0.3, steps: 120, consensusWeight: 1, x0: 1, y0: 1 });
    expect(json.verdict.holds).toBe(true);
    expect(json.measured['simultaneous.growth']).toBeCloseTo(Math.sqrt(1.09), 9);
    expect(readdirSync(join(result.dir, 'plots')).sort()).toEqual(
      ['distance', 'spectral-radius', 'trajectories'].flatMap((n) => [`${n}.png`, `${n}.svg`]).sort(),
    );
    const png = readFileSync(join(result.dir, 'plots', 'distance.png'));
    expect([...png.subarray(0, 4)]).toEqual(PNG_SIGNATURE);
    const html = readFileSync(join(result.dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link/);
    expect(html.match(/<img[^>]+src="data:image\/png;base64,/g)).toHaveLength(3);
    expect(html).toContain('Verdict: holds');
    expect(html).toContain('simultaneous GDA growth per step = 1.04403 &gt; 1');
  });

  it('refuses bad settings before writing anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-scn-'));
    await expect(runScenario(xyGame, { outRoot: out, settings: { 'xy-game': { lr: 'fast' } } })).rejects.toThrow(/xy-game\.lr: got "fast"/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('runScenarios writes an index linking each report; a verdict that fails shows as such', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-scn-'));
    const { results, index } = await runScenarios([xyGame, jsVsWasserstein], { outRoot: out, settings: { 'js-vs-wasserstein': { muMax: 3, points: 7 } }, scale: 1 });
    expect(results.map((r) => [r.name, r.holds])).toEqual([
      ['xy-game', true],
      ['js-vs-wasserstein', false],
    ]);
    const html = readFileSync(index, 'utf8');
    expect(html).toContain('<a href="xy-game/report.html">xy-game</a>');
    expect(html).toContain('<a href="js-vs-wasserstein/report.html">js-vs-wasserstein</a>');
    expect(html).toContain('<b>1</b> of <b>2</b> verdicts hold');
    expect(html).not.toMatch(/https?:\/\//);
    for (const r of results) expect(existsSync(join(r.dir, 'report.html'))).toBe(true);
    expect(readFileSync(join(out, 'js-vs-wasserstein', 'report.html'), 'utf8')).toContain('Verdict: does not hold');
  });
});

describe('parseScenarioSets', () => {
  it('gives a bare key to the one scenario run, and a prefixed key to the named one', async () => {
    expect(parseScenarioSets(['lr=0.3', 'xy-game.steps=50'], [xyGame], SCENARIOS)).toEqual({ 'xy-game': { lr: '0.3', steps: '50' } });
    expect(parseScenarioSets(['xy-game.lr=0.3', 'js-vs-wasserstein.muMax=10'], SCENARIOS.list(), SCENARIOS)).toEqual({ 'xy-game': { lr: '0.3' }, 'js-vs-wasserstein': { muMax: '10' } });
  });

  it.each([
    [['lr'], [xyGame], /expected key=value/],
    [['nope.lr=1'], [xyGame], /no scenario "nope"/],
    [['js-vs-wasserstein.muMax=3'], [xyGame], /scenario "js-vs-wasserstein" is not being run/],
  ])('refuses %j', async (sets, targets, message) => {
    expect(() => parseScenarioSets(sets, targets, SCENARIOS)).toThrow(message);
  });
});

describe('saddlepoint scenario (CLI)', () => {
  it('run NAME --json prints { name, holds, measured, dir } as the last stdout line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-scn-'));
    const r = (await cli(['scenario', 'run', 'dirac-gan', '--out', out, '--json', '--set', 'steps=300', '--scale', '1']));
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(Object.keys(summary).sort()).toEqual(['dir', 'holds', 'measured', 'name']);
    expect(summary).toMatchObject({ name: 'dirac-gan', holds: true, dir: join(out, 'dirac-gan') });
    expect(summary.measured['r1.shrink']).toBeLessThan(1e-3);
    expect(r.stderr).toMatch(/dirac-gan: holds \(\d+\.\d s\) — holds: /);
    expect(existsSync(join(out, 'dirac-gan', 'report.html'))).toBe(true);
  });

  it('list names every scenario with its settings', async () => {
    const r = (await cli(['scenario', 'list']));
    expect(r.status).toBe(0);
    for (const name of ['saturation-curve', 'js-vs-wasserstein', 'xy-game', 'dirac-gan', 'optimal-discriminator']) expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    expect(r.stdout).toContain('--set lr=0.2  learning rate η of both players');
  });

  it.each([
    [['scenario', 'run', 'nope'], /scenario: got "nope"; allowed: saturation-curve, .*, all/],
    [['scenario', 'run', 'xy-game', '--set', 'lr=fast'], /xy-game\.lr: got "fast"; expected a number ≥ 0\.0001 and ≤ 2/],
    [['scenario', 'run', 'all', '--set', 'lr=0.3'], /with several scenarios, name the one it is for: --set <scenario>\.lr=0\.3/],
  ])('refuses bad input with exit code 2: %j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/    at /);
  });
});
