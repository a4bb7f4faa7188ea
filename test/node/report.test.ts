import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPlot } from '../../src/cli/plot.ts';
import { registerReport } from '../../src/cli/report.ts';
import { CheckpointError, ConfigError, DataError } from '../../src/errors.ts';
import { readRunRecords, writeOverlayPlot, writeReport, type ReportResult } from '../../src/node/report.ts';
import { writeFixtureRun } from '../report/fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'saddlepoint-report-'));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ALL_2D = ['losses', 'grad-norms', 'd-output', 'coverage', 'divergences', 'scatter', 'scatter-strip'];

describe('writeReport on a 2-D run with evaluations and snapshots', () => {
  let dir: string;
  let result: ReportResult;
  let html: string;
  beforeAll(async () => {
    dir = join(tmp(), 'ring8-run');
    writeFixtureRun(dir, { steps: 400, evalEvery: 100, dim: 2, samples: 150 });
    result = await writeReport(dir, { scale: 1 });
    html = readFileSync(result.html, 'utf8');
  });

  it('writes a PNG and an SVG per plot under plots/, and report.html', () => {
    expect(result.html).toBe(join(dir, 'report.html'));
    // Every plot as PNG and SVG, then the doctor's timeline (the Diagnosis section's, as `saddlepoint doctor` writes it).
    expect(result.plots).toEqual([...ALL_2D.flatMap((n) => [join(dir, 'plots', `${n}.png`), join(dir, 'plots', `${n}.svg`)]), join(dir, 'plots', 'diagnosis.png')]);
    expect(readdirSync(join(dir, 'plots')).sort()).toEqual(result.plots.map((p) => basename(p)).sort());
    for (const p of result.plots.filter((f) => f.endsWith('.png'))) expect([...readFileSync(p).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    for (const p of result.plots.filter((f) => f.endsWith('.svg'))) expect(readFileSync(p, 'utf8').startsWith('<svg')).toBe(true);
    expect(result.skipped).toEqual([]);
  });

  it('inlines every plot PNG byte for byte', () => {
    for (const p of result.plots.filter((f) => f.endsWith('.png'))) {
      expect(html).toContain(`src="data:image/png;base64,${readFileSync(p).toString('base64')}"`);
    }
    expect(html.match(/<img /g)).toHaveLength(ALL_2D.length + 1);
  });

  it('ends with the Diagnosis section: the findings with their evidence, and the timeline', () => {
    expect(html).toContain('<h2>Diagnosis</h2>');
    expect(html).toMatch(/<ol class="findings"><li class="(healthy|info|warning|critical)"><b>[a-z-]+<\/b> \[(info|warning|critical)\]/);
    expect(html).toContain('<figure id="diagnosis">');
    expect(html.indexOf('<h2>Diagnosis</h2>')).toBeGreaterThan(html.indexOf('<h2>Plots</h2>'));
  });

  it('is self-contained: no http(s) URL, no script, no external stylesheet', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link /);
    expect(html.match(/\ssrc="([^"]*)"/g)?.every((s) => s.includes('data:image/png;base64,'))).toBe(true);
  });

  it('shows the title, the run facts, the final metrics and the config', () => {
    expect(html).toContain('<h1>ring8-run</h1>');
    expect(html).toContain('loss <b>non-saturating</b>');
    expect(html).toContain('steps <b>400 of 400</b>');
    expect(html).toContain('last evaluation (step 400)');
    expect(html).toContain('<tr><th>modes</th><td>8</td></tr>');
    expect(html).toContain('<tr><th>highQuality</th><td>98.0 %</td></tr>');
    expect(html).toContain('last training step (step 400)');
    expect(html).toContain('<details><summary>config.json');
    expect(html).toContain('&quot;kind&quot;: &quot;ring8&quot;');
    expect(html).not.toContain('class="diverged"');
  });
});

describe('writeReport skips what the run has no data for', () => {
  it('a run with step records only: curves, no coverage, divergences or samples', async () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 200, evals: false, snapshots: false });
    const result = await writeReport(dir, { scale: 1 });
    expect(readdirSync(join(dir, 'plots')).sort()).toEqual(['d-output.png', 'd-output.svg', 'diagnosis.png', 'grad-norms.png', 'grad-norms.svg', 'losses.png', 'losses.svg']);
    expect(result.skipped).toEqual([
      { plot: 'coverage', reason: 'no evaluation records in metrics.jsonl' },
      { plot: 'divergences', reason: 'no evaluation records in metrics.jsonl' },
      { plot: 'samples', reason: 'no sample snapshots in samples/' },
    ]);
    const html = readFileSync(result.html, 'utf8');
    expect(html).toContain('<li><b>coverage</b>: no evaluation records in metrics.jsonl</li>');
    expect(html.match(/<img /g)).toHaveLength(4); // the three curves and the diagnosis timeline
  });

  it('a 1-D run gets histograms, not scatters', async () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 200, evalEvery: 50, dim: 1, samples: 150 });
    const { plots } = await writeReport(dir, { scale: 1 });
    const names = plots.map((p) => basename(p));
    expect(names).toContain('histogram.png');
    expect(names).toContain('histogram-strip.png');
    expect(names.some((n) => n.startsWith('scatter'))).toBe(false);
  });

  it('a run with one snapshot gets no strip, and N-D snapshots are skipped', async () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 100, evalEvery: 100, dim: 2, samples: 50 });
    const one = await writeReport(dir, { scale: 1 });
    expect(one.skipped).toEqual([{ plot: 'scatter-strip', reason: 'only one snapshot: nothing to show over time' }]);
    writeFileSync(join(dir, 'samples', '100.json'), JSON.stringify({ step: 100, dim: 3, real: [[0, 0, 0]], fake: [[1, 1, 1]] }));
    const nd = await writeReport(dir, { scale: 1 });
    expect(nd.skipped.at(-1)).toEqual({ plot: 'samples', reason: 'samples are 3-D; histograms and scatters are drawn for 1-D and 2-D data' });
  });

  it('a diverged run gets a note and a marker at the step', async () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 300, evalEvery: 100, dim: 2, output: 'score', divergeAt: 250, samples: 50 });
    const result = await writeReport(dir, { scale: 1 });
    const html = readFileSync(result.html, 'utf8');
    expect(html).toContain('<div class="diverged"><b>This run diverged at step 251</b>: dLoss is NaN at step 251.');
    expect(readFileSync(join(dir, 'plots', 'losses.svg'), 'utf8')).toContain('stroke="#e03131"');
    expect(readFileSync(join(dir, 'plots', 'd-output.svg'), 'utf8')).toContain('mean critic score D(x)');
  });
});

describe('reading run directories', () => {
  it('a missing directory or one without config.json is a CheckpointError naming the path', async () => {
    const missing = join(tmp(), 'nope');
    await expect(writeReport(missing)).rejects.toThrow(new CheckpointError('no such run directory', missing));
    const empty = tmp();
    await expect(writeReport(empty)).rejects.toThrow(CheckpointError);
    await expect(writeReport(empty)).rejects.toThrow(`${empty}: no config.json here`);
  });

  it('records without a numeric step and malformed snapshots are DataErrors naming the file', () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 20, evals: false, snapshots: false });
    writeFileSync(join(dir, 'metrics.jsonl'), '{"kind":"step","step":1,"dLoss":1}\n{"kind":"eval","samples":3}\n');
    expect(() => readRunRecords(dir)).toThrow(new DataError('record 2 (kind "eval") has no numeric "step"', join(dir, 'metrics.jsonl')));
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    mkdirSync(join(dir, 'samples'));
    writeFileSync(join(dir, 'samples', '10.json'), JSON.stringify({ step: 10, dim: 2, real: [[0]], fake: [] }));
    expect(() => readRunRecords(dir)).toThrow(new DataError('"real" and "fake" must be arrays of 2-number points', join(dir, 'samples', '10.json')));
    // Image snapshots: the byte counts must match the shape, or the grid would be drawn from garbage.
    const four = btoa(String.fromCharCode(...new Uint8Array(4 * 4)));
    const image = { step: 10, dim: 4, real: [], fake: [], images: { shape: [2, 2, 1], count: 4, fake: four, real: four } };
    writeFileSync(join(dir, 'samples', '10.json'), JSON.stringify(image));
    expect(readRunRecords(dir).snapshots[0].images?.count).toBe(4);
    writeFileSync(join(dir, 'samples', '10.json'), JSON.stringify({ ...image, images: { ...image.images, count: 5 } }));
    expect(() => readRunRecords(dir)).toThrow(new DataError('"images" must be { shape: [h, w, 1 or 3], count, fake, real } with count images of base64 bytes in each of fake and real', join(dir, 'samples', '10.json')));
    writeFileSync(join(dir, 'samples', '10.json'), JSON.stringify({ ...image, images: { ...image.images, neighbours: { count: 3, pool: 9, images: four } } }));
    expect(() => readRunRecords(dir)).toThrow(/"images\.neighbours" must be/);
  });

  it('null values (NaN in JSON) read as NaN, and D output kind comes from the loss', () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 20, evals: false, snapshots: false, output: 'energy' });
    writeFileSync(join(dir, 'metrics.jsonl'), '{"kind":"step","step":1,"dLoss":null,"dPenalty":0,"gLoss":1,"dReal":1,"dFake":1,"gradNormD":1,"gradNormG":1,"ms":1}\n');
    const run = readRunRecords(dir);
    expect(run.steps[0].dLoss).toBeNaN();
    expect(run.steps[0].gLoss).toBe(1);
    expect(run.dOutput).toBe('energy');
  });
});

describe('writeOverlayPlot', () => {
  it('overlays runs into one PNG and leaves out runs without the metric', async () => {
    const root = tmp();
    writeFixtureRun(join(root, 'a'), { steps: 200, evalEvery: 50, snapshots: false });
    writeFixtureRun(join(root, 'b'), { steps: 300, evalEvery: 50, snapshots: false });
    writeFixtureRun(join(root, 'c'), { steps: 100, evals: false, snapshots: false });
    const out = join(root, 'modes.png');
    const result = await writeOverlayPlot(['a', 'b', 'c'].map((n) => join(root, n)), 'modes', out, { scale: 1 });
    expect(result).toEqual({ path: out, leftOut: ['c'] });
    expect([...readFileSync(out).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const svg = join(root, 'g.svg');
    await writeOverlayPlot(['a', 'c'].map((n) => join(root, n)), 'gLoss', svg);
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain('>a</text>');
    expect(text).toContain('>c</text>');
  });

  it('rejects a metric no run has, an unknown metric and an unknown file type', async () => {
    const dir = join(tmp(), 'steps-only');
    writeFixtureRun(dir, { steps: 50, evals: false, snapshots: false });
    await expect(writeOverlayPlot([dir], 'w1', join(dir, 'w1.png'))).rejects.toThrow(DataError);
    await expect(writeOverlayPlot([dir], 'w1', join(dir, 'w1.png'))).rejects.toThrow('no run has w1 values');
    // @ts-expect-error a name the CLI would pass through unchecked
    await expect(writeOverlayPlot([dir], 'fid', join(dir, 'x.png'))).rejects.toThrow(ConfigError);
    await expect(writeOverlayPlot([dir], 'gLoss', join(dir, 'x.jpg'))).rejects.toThrow('expected a file ending in .png or .svg');
  });
});

describe('CLI commands', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs one command on a fresh program; returns what it printed to stdout. */
  async function run(register: (p: Command) => void, args: string[]): Promise<string[]> {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command().exitOverride();
    register(program);
    // The actions return their promise, so parseAsync resolves once the files are written.
    await program.parseAsync(['node', 'saddlepoint', ...args]);
    return out.join('').trim().split('\n');
  }

  it('saddlepoint report RUN_DIR prints every path it wrote, the HTML last', async () => {
    const dir = tmp();
    writeFixtureRun(dir, { steps: 100, evals: false, snapshots: false });
    const lines = await run(registerReport, ['report', dir, '--scale', '1']);
    expect(lines).toEqual([...['losses', 'grad-norms', 'd-output'].flatMap((n) => [join(dir, 'plots', `${n}.png`), join(dir, 'plots', `${n}.svg`)]), join(dir, 'plots', 'diagnosis.png'), join(dir, 'report.html')]);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('saddlepoint plot RUN_DIR... --metric M --out FILE prints the file', async () => {
    const root = tmp();
    writeFixtureRun(join(root, 'a'), { steps: 100, evals: false, snapshots: false });
    const out = join(root, 'd.png');
    const lines = await run(registerPlot, ['plot', join(root, 'a'), '--metric', 'dLoss', '--out', out, '--scale', '1']);
    expect(lines).toEqual([out]);
    expect(existsSync(out)).toBe(true);
  });
});
