import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { indexRunDirs, openRunIndex, parseWhere, RUN_INDEX_VERSION, type RunIndex } from '../../src/node/run-index.ts';
import { configErrorOf } from '../helpers/errors.ts';

const config = (loss: string, seed: number, lr = 5e-4) => ({ data: { kind: 'ring8' }, loss: { name: loss }, seed, steps: 100, optim: { d: { name: 'adam', lr } } });

describe('run index', () => {
  let dir: string;
  let index: RunIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-index-'));
    index = openRunIndex(join(dir, 'sub', 'index.sqlite'));
    index.upsertSweep({ id: 'sw1', name: 'ring8', spec: { name: 'ring8' }, strategy: 'grid', metric: 'modes', direction: 'max', status: 'running', out: null, host: 'h1', startedAt: '2026-12-01T20:00:00.000Z', finishedAt: null, trials: 4 });
    const runs = [
      ['sw1/t0', 'non-saturating', 0, 6, 0.9, '2026-12-01T20:00:01.000Z'],
      ['sw1/t1', 'wgan-gp', 0, 8, 0.3, '2026-12-01T20:00:02.000Z'],
      ['sw1/t2', 'wgan-gp', 1, 7, 0.2, '2026-12-01T20:00:03.000Z'],
      ['sw1/t3', 'hinge', 1, 8, 0.25, '2026-12-01T20:00:04.000Z'],
    ] as const;
    for (const [id, loss, seed, modes, w1, startedAt] of runs) {
      index.upsertRun({ id, sweep: 'sw1', trial: id.slice(4), config: config(loss, seed), params: { 'optim.d.lr': 5e-4 + seed * 1e-4, seed }, status: 'running', host: 'h1', startedAt });
      index.finishRun(id, { status: 'done', steps: 100, wallSeconds: 2 + seed, metrics: { modes, modesTotal: 8, w1 }, finishedAt: startedAt.replace('20:00', '20:01') });
    }
    index.upsertRun({ id: 'other/r0', config: config('wgan-gp', 3), status: 'failed', error: 'exit 1' });
  });
  afterEach(() => index.close());

  it('is a WAL-mode SQLite file with a schema version', () => {
    expect(index.journalMode).toBe('wal');
    expect(index.version).toBe(RUN_INDEX_VERSION);
  });

  it('stores runs with config, status, host, timing and final metrics, and keeps the first start on a later upsert', () => {
    index.upsertRun({ id: 'sw1/t1', config: config('wgan-gp', 0), status: 'running', steps: 300, startedAt: '2026-12-01T21:00:00.000Z' });
    const run = index.getRun('sw1/t1');
    expect(run).toMatchObject({ sweep: 'sw1', trial: 't1', status: 'running', host: 'h1', startedAt: '2026-12-01T20:00:02.000Z', steps: 300, wallSeconds: 2, metrics: { modes: 8, modesTotal: 8, w1: 0.3 }, params: { seed: 0 } });
    expect(run?.config).toEqual(config('wgan-gp', 0));
    expect(index.getRun('nope')).toBeNull();
    expect(() => index.finishRun('nope', { status: 'done' })).toThrow(DataError);
    expect(() => index.finishRun('nope', { status: 'done' })).toThrow('no run "nope" in the run index');
  });

  it.each([
    [{}, ['sw1/t0', 'sw1/t1', 'sw1/t2', 'sw1/t3', 'other/r0']],
    [{ sweep: 'sw1' }, ['sw1/t0', 'sw1/t1', 'sw1/t2', 'sw1/t3']],
    [{ where: 'loss=wgan-gp' }, ['sw1/t1', 'sw1/t2', 'other/r0']],
    [{ sweep: 'sw1', where: 'loss=wgan-gp' }, ['sw1/t1', 'sw1/t2']],
    [{ where: 'modes>=8' }, ['sw1/t1', 'sw1/t3']],
    [{ where: 'modes>7 and w1<0.26' }, ['sw1/t3']],
    [{ where: 'loss!=wgan-gp, seed=1' }, ['sw1/t3']],
    [{ where: 'status=failed' }, ['other/r0']],
    [{ where: 'param.optim.d.lr>0.00055' }, ['sw1/t2', 'sw1/t3']],
    [{ where: 'config.optim.d.name=adam,config.data.kind=ring8', sweep: 'sw1' }, ['sw1/t0', 'sw1/t1', 'sw1/t2', 'sw1/t3']],
    [{ where: 'host=h1,wall>2.5' }, ['sw1/t2', 'sw1/t3']],
    [{ sort: '-modes' }, ['sw1/t1', 'sw1/t3', 'sw1/t2', 'sw1/t0', 'other/r0']],
    [{ sort: '-modes,w1' }, ['sw1/t3', 'sw1/t1', 'sw1/t2', 'sw1/t0', 'other/r0']],
    [{ sort: 'w1', limit: 2 }, ['sw1/t2', 'sw1/t3']],
  ])('lists runs for %j', (query, ids) => {
    expect(index.listRuns(query).map((r) => r.id)).toEqual(ids);
  });

  it('finds the best run of a sweep in either direction', () => {
    expect(index.bestRun('sw1', 'modes', 'max')?.id).toBe('sw1/t1');
    expect(index.bestRun('sw1', 'w1', 'min')?.id).toBe('sw1/t2');
    expect(index.bestRun('sw1', 'w1', 'max')?.id).toBe('sw1/t0');
    expect(index.bestRun('none', 'modes', 'max')).toBeNull();
    // A run that trained further (ASHA's top rung) outranks a better value at fewer steps.
    index.finishRun('sw1/t0', { status: 'done', steps: 300, metrics: { modes: 1 } });
    expect(index.bestRun('sw1', 'modes', 'max')?.id).toBe('sw1/t0');
    expect(configErrorOf(() => index.bestRun('sw1', 'loss', 'max')).message).toBe('invalid --where: metric "loss" is not a final metric; modes, modesTotal, highQuality, reverseKL, kl, reverseKl, js, w1, mmd, dAccuracy, criticGap, step or metric.<name>');
  });

  it.each([
    ["loss=wgan-gp' OR '1'='1", `invalid --where: in "loss=wgan-gp' OR '1'='1", the value "wgan-gp' OR '1'='1" may only hold letters, digits and . _ + - : / @ (one value per clause; join clauses with ",")`],
    ['loss=x; DROP TABLE runs', 'invalid --where: in "loss=x; DROP TABLE runs", the value "x; DROP TABLE runs" may only hold letters, digits and . _ + - : / @ (one value per clause; join clauses with ",")'],
    ['1=1', 'invalid --where: "1=1" is not key<op>value; operators: >= <= != = > <, e.g. loss=wgan-gp or modes>=7'],
    ['(SELECT 1)=1', 'invalid --where: "(SELECT 1)=1" is not key<op>value; operators: >= <= != = > <, e.g. loss=wgan-gp or modes>=7'],
    ['sqlite_master=x', 'invalid --where: key "sqlite_master" is not a key the index knows; keys: id, sweep, trial, dir, status, host, steps, wall, started, finished; loss, data, seed, backend (config shorthands); modes, modesTotal, highQuality, reverseKL, kl, reverseKl, js, w1, mmd, dAccuracy, criticGap, step (final metrics); config.<path>, param.<key>, metric.<name>'],
    ['config.loss"].name=x', 'invalid --where: "config.loss"].name=x" is not key<op>value; operators: >= <= != = > <, e.g. loss=wgan-gp or modes>=7'],
    ['loss=a,,modes>1', 'invalid --where: "loss=a,,modes>1" has an empty clause; write key=value clauses joined by "," or " and "'],
  ])('refuses the where string %j with a clear error and leaves the tables alone', (where, message) => {
    expect(configErrorOf(() => index.listRuns({ where })).message).toBe(message);
    expect(index.listRuns()).toHaveLength(5);
  });

  it('refuses a sort key outside the whitelist', () => {
    expect(configErrorOf(() => index.listRuns({ sort: '-modes;DROP' })).message).toMatch(/^invalid --where: sort key "modes;DROP" is not a key the index knows/);
  });

  it('binds every value: the parsed clause holds SQL only from the whitelist', () => {
    expect(parseWhere('loss=wgan-gp,modes>=7,config.model.g.act=relu')).toEqual([
      { key: 'loss', sql: 'json_extract(config, ?)', params: ['$."loss"."name"'], op: '=', value: 'wgan-gp' },
      { key: 'modes', sql: 'json_extract(metrics, ?)', params: ['$."modes"'], op: '>=', value: 7 },
      { key: 'config.model.g.act', sql: 'json_extract(config, ?)', params: ['$."model"."g"."act"'], op: '=', value: 'relu' },
    ]);
  });

  it('refuses a file with another schema version', () => {
    const path = join(dir, 'v9.sqlite');
    const raw = new Database(path);
    raw.pragma('user_version = 9');
    raw.close();
    expect(() => openRunIndex(path)).toThrow('the run index has schema version 9; this saddlepoint reads version 1');
  });

  it('scans a runs folder: config.json and metrics.jsonl of each run directory, skipping checkpoints', () => {
    const root = join(dir, 'runs');
    const write = (name: string, cfg: object, records: object[]) => {
      const d = join(root, name);
      mkdirSync(join(d, 'checkpoints', '10'), { recursive: true });
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, _run: { backend: 'cpu' } }));
      writeFileSync(join(d, 'metrics.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    };
    const step = (s: number) => ({ kind: 'step', step: s, dLoss: 1, gLoss: 1, ms: 250 });
    write('a-s0', { ...config('hinge', 0), steps: 2 }, [step(1), step(2), { kind: 'eval', step: 2, samples: 10, modes: 5, modesTotal: 8, w1: 0.5, ms: 500 }]);
    write('cmp/none/seed-1', { ...config('hinge', 1), steps: 3 }, [step(1), step(2)]);
    write('b-s2', { ...config('wgan-gp', 2), steps: 2 }, [step(1), { kind: 'diverged', step: 2, message: 'non-finite dLoss' }]);
    const ids = indexRunDirs(index, root, { sweep: 'scan' });
    expect(ids).toEqual(['runs/a-s0', 'runs/b-s2', 'runs/cmp/none/seed-1']);
    expect(index.getRun('runs/a-s0')).toMatchObject({ status: 'done', steps: 2, wallSeconds: 1, metrics: { modes: 5, modesTotal: 8, w1: 0.5, step: 2 }, sweep: 'scan', dir: join(root, 'a-s0'), error: null });
    expect(index.getRun('runs/a-s0')?.config).toEqual({ ...config('hinge', 0), steps: 2 });
    expect(index.getRun('runs/cmp/none/seed-1')).toMatchObject({ status: 'incomplete', steps: 2, metrics: null, finishedAt: null });
    expect(index.getRun('runs/b-s2')).toMatchObject({ status: 'diverged', steps: 1, error: 'non-finite dLoss' });
    // Scanning again updates, never duplicates.
    indexRunDirs(index, root, { sweep: 'scan' });
    expect(index.listRuns({ sweep: 'scan' })).toHaveLength(3);
    expect(() => indexRunDirs(index, join(dir, 'missing'))).toThrow('not a folder');
  });
});
