import { cli } from '../helpers/cli.ts';
/**
 * A lab run exported as a tar, unpacked, and read by the CLI: `report` draws it and `eval`
 * restores its checkpoint and measures the same generator the lab measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeWasmDir, useNodeBackend } from '../../src/node/backends.ts';
import type { LabSettings, WorkerEvent } from '../../web/src/protocol.ts';
import { createEngine } from '../../web/src/worker/engine.ts';
import { tar } from '../../web/src/worker/tar.ts';

const bin = resolve(import.meta.dirname, '../../bin/saddlepoint.js');
const base: LabSettings = { data: 'ring8', loss: 'non-saturating', remedies: [], lrG: 5e-4, lrD: 5e-4, k: 1, seed: 3 };
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'saddlepoint-lab-export-'));
  await useNodeBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function untar(archive: Uint8Array, into: string): void {
  const file = join(into, 'archive.tar');
  writeFileSync(file, archive);
  const out = spawnSync('tar', ['-xf', file, '-C', into], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
}

describe('tar', () => {
  it('packs files that tar unpacks byte for byte, padded to 512-byte blocks', async () => {
    const a = new TextEncoder().encode('hello\n');
    const b = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const archive = tar([
      { path: 'run/a.txt', data: a },
      { path: 'run/sub/b.bin', data: b },
    ]);
    // Two headers, 1 + 2 data blocks, two closing blocks.
    expect(archive.length).toBe(512 * (2 + 3 + 2));
    const dir = mkdtempSync(join(tmp, 'tar-'));
    untar(archive, dir);
    expect(readFileSync(join(dir, 'run/a.txt'), 'utf8')).toBe('hello\n');
    expect(Uint8Array.from(readFileSync(join(dir, 'run/sub/b.bin')))).toEqual(b);
  });

  it('refuses a path longer than ustar holds', async () => {
    expect(() => tar([{ path: 'x'.repeat(101), data: new Uint8Array(1) }])).toThrow(`tar: path '${'x'.repeat(101)}' is longer than 100 bytes`);
  });
});

describe('export', () => {
  it('is a run directory the CLI reports on and evaluates', async () => {
    const events: WorkerEvent[] = [];
    const engine = createEngine((e) => events.push(e), { wasmDir: nodeWasmDir() });
    await engine.handle({ type: 'init', settings: base, backend: 'wasm', evalEvery: 10, evalSamples: 500 });
    await engine.handle({ type: 'step', count: 20 });
    await engine.handle({ type: 'export' });
    const exported = events.find((e): e is Extract<WorkerEvent, { type: 'export' }> => e.type === 'export')!;
    expect(exported.fileName).toBe('lab-ring8-s3-step20.tar');
    untar(exported.archive, tmp);
    const dir = join(tmp, 'lab-ring8-s3-step20');
    expect(readdirSync(join(dir, 'samples')).sort()).toEqual(['0.json', '10.json', '20.json']);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number });
    expect(lines.filter((r) => r.kind === 'step').map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lines.filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([0, 10, 20]);

    const report = (await cli(['report', dir]));
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);

    const evaluated = (await cli(['eval', dir, '--samples', '500', '--backend', 'wasm', '--json']));
    expect(evaluated.status).toBe(0);
    const measured = JSON.parse(evaluated.stdout.trim().split('\n').at(-1)!) as { step: number; modes: number; w1: number };
    const lab = events.filter((e): e is Extract<WorkerEvent, { type: 'eval' }> => e.type === 'eval').at(-1)!.record;
    expect(measured.step).toBe(20);
    // The same weights, evaluation seed and samples on the same backend: the same measurements.
    expect(measured.modes).toBe(lab.modes);
    expect(measured.w1).toBeCloseTo(lab.w1!, 5);
  });
});
