/**
 * `saddlepoint serve` with real HTTP: a server on a free loopback port over a temp runs folder
 * holding a run a real `train` wrote, hand-made runs in each state, and symlinks that lead out of
 * the folder. Requests go out through node:http (or a raw socket), never fetch, so a path reaches
 * the server exactly as written: fetch's URL parser would fold `..` away before sending.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, startServer, type RunningServer } from '../../src/node/index.ts';
import type { RunDetail, RunList } from '../../src/run/index.ts';
import { cli } from '../helpers/cli.ts';
import { tinyConfig } from '../helpers/configs.ts';

const SECRET = 'outside-the-runs-folder';
const BIN = fileURLToPath(new URL('../../bin/saddlepoint.js', import.meta.url));

let temp: string;
let runs: string;
let web: string;
let trained: string;
let server: RunningServer;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request with the path sent as written (a full URL is sent as an absolute-form target). */
function get(path: string, options: { method?: string; host?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { ...(options.host ? { Host: options.host } : {}), ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request written byte for byte on a socket (for what node:http refuses to send, such as a NUL). */
function rawGet(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** An open event stream: the events so far, and a wait for the next one that matches. */
function openEvents(path: string, headers: Record<string, string> = {}): Promise<{ events: SseEvent[]; next(match: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const events: SseEvent[] = [];
      const waiting: { match: (e: SseEvent) => boolean; done: (e: SseEvent) => void; from: number }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          if (fields.event === undefined) continue;
          events.push({ event: fields.event, data: fields.data ?? '', id: fields.id });
          for (const w of [...waiting]) {
            const found = events.slice(w.from).find(w.match);
            if (found) {
              waiting.splice(waiting.indexOf(w), 1);
              w.done(found);
            }
          }
        }
      });
      let seen = 0;
      resolve({
        events,
        next(match, ms = 5000) {
          return new Promise((done, fail) => {
            const from = seen;
            const found = events.slice(from).find(match);
            const finish = (e: SseEvent) => {
              seen = events.indexOf(e) + 1;
              done(e);
            };
            if (found) return finish(found);
            const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events.slice(from))}`)), ms);
            waiting.push({ match, from, done: (e) => (clearTimeout(timer), finish(e)) });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => ('code' in err && err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end();
  });
}

const records = (e: SseEvent) => JSON.parse(e.data) as { step: number }[];
const line = (step: number) => `${JSON.stringify({ kind: 'step', step, dLoss: 1, dPenalty: 0, gLoss: 1, dReal: 0.5, dFake: 0.5, gradNormD: 1, gradNormG: 1, ms: 1 })}\n`;

/** A hand-made run directory: config, records, and optionally a lock file. */
function fakeRun(name: string, lines: object[], lock?: { pid: number; host?: string }): string {
  const dir = join(runs, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: { kind: 'ring8' }, loss: { name: 'hinge' }, stabilizers: [{ name: 'spectral-norm' }], steps: 2, seed: 4, _run: {} }));
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  if (lock) writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: lock.pid, host: lock.host ?? hostname(), startedAt: new Date().toISOString(), token: 't' }));
  return dir;
}

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'sp-serve-'));
  runs = join(temp, 'runs');
  web = join(temp, 'web');
  mkdirSync(runs);
  mkdirSync(join(temp, 'outside', 'run-like'), { recursive: true });
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>lab</title>');
  writeFileSync(join(web, 'runs.html'), '<!doctype html><title>runs</title>');
  writeFileSync(join(web, 'theory.html'), '<!doctype html><title>theory</title>');
  writeFileSync(join(temp, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(temp, 'outside', 'run-like', 'config.json'), JSON.stringify({ secret: SECRET }));
  const config = join(temp, 'tiny.json');
  writeFileSync(config, JSON.stringify(tinyConfig({ steps: 20, eval: { every: 10, samples: 200 } })));
  const train = await cli(['train', '--config', config, '--out', runs, '--backend', 'cpu', '--no-report', '--json']);
  expect(train.status, train.stderr).toBe(0);
  trained = (JSON.parse(train.stdout.trim().split('\n').at(-1)!) as { runDir: string }).runDir.slice(runs.length + 1);
  // Ways out of the folder: a file symlink inside a run, a folder symlink, a symlinked run; and one symlink that stays inside.
  symlinkSync(join(temp, 'outside', 'secret.txt'), join(runs, trained, 'leak.txt'));
  symlinkSync(join(temp, 'outside'), join(runs, 'escape'));
  symlinkSync(join(temp, 'outside', 'run-like'), join(runs, 'outside-run'));
  symlinkSync(join(runs, trained, 'config.json'), join(runs, 'inside-link.json'));
  symlinkSync(join(temp, 'gone'), join(runs, 'dangling'));
  server = await startServer({ runsDir: runs, port: 0, webDist: web, pollMs: 40 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('the runs API', () => {
  it('lists the run train wrote, with its config summary, status and last records', async () => {
    const reply = await get('/api/runs');
    expect(reply.status).toBe(200);
    const list = JSON.parse(reply.body) as RunList;
    expect(list.root).toBe(runs);
    const run = list.runs.find((r) => r.name === trained);
    const stored = readMetrics(join(runs, trained, 'metrics.jsonl'));
    expect(run).toMatchObject({ data: 'ring', loss: 'non-saturating', stabilizers: [], steps: 20, seed: 0, status: 'finished', step: 20, report: false });
    expect(run && 'lastEval' in run && run.lastEval).toEqual(stored.filter((r) => r.kind === 'eval').at(-1));
    expect(run && 'lastStep' in run && run.lastStep).toEqual(stored.filter((r) => r.kind === 'step').at(-1));
    // The symlinked run outside the folder is not listed.
    expect(list.runs.map((r) => r.name)).not.toContain('outside-run');
  });

  it.each([
    ['a live lock', 'running', [{ kind: 'step', step: 1 }], { pid: process.pid }],
    ['a lock on another host', 'running', [{ kind: 'step', step: 1 }], { pid: 1, host: 'elsewhere' }],
    ['a lock of a dead process', 'interrupted', [{ kind: 'step', step: 1 }], { pid: 2 ** 22 + 7 }],
    ['no lock, short of its steps', 'interrupted', [{ kind: 'step', step: 1 }], undefined],
    ['no lock, all steps and the final eval', 'finished', [{ kind: 'step', step: 1 }, { kind: 'step', step: 2 }, { kind: 'eval', step: 2, samples: 1, ms: 1 }], undefined],
    ['a divergence record', 'failed', [{ kind: 'step', step: 1 }, { kind: 'diverged', step: 2, message: 'gLoss is NaN' }], undefined],
  ])('reads the status of a run with %s as %s', async (label, status, lines, lock) => {
    const name = `state-${label.replace(/\W+/g, '-')}`;
    fakeRun(name, lines, lock);
    const list = JSON.parse((await get('/api/runs')).body) as RunList;
    expect(list.runs.find((r) => r.name === name)).toMatchObject({ status, data: 'ring8', loss: 'hinge', stabilizers: ['spectral-norm'], seed: 4, ...(status === 'failed' ? { reason: 'gLoss is NaN' } : {}) });
  });

  it("gives one run's config, records, snapshots and files", async () => {
    const reply = await get(`/api/runs/${trained}`);
    expect(reply.status).toBe(200);
    const detail = JSON.parse(reply.body) as RunDetail;
    const metrics = join(runs, trained, 'metrics.jsonl');
    expect(detail.records).toEqual(readMetrics(metrics));
    expect(detail.offset).toBe(readFileSync(metrics).byteLength);
    expect(detail.config).toMatchObject({ steps: 20, loss: { name: 'non-saturating' }, _run: { backend: 'cpu' } });
    const snapshots = readdirSync(join(runs, trained, 'samples')).map((f) => Number(f.replace('.json', ''))).sort((a, b) => a - b);
    expect(snapshots).toEqual([10, 20]);
    expect(detail.samples).toEqual(snapshots);
    expect(detail).toMatchObject({ report: null, plots: [] });
    const snapshot = await get(`/files/${trained}/samples/20.json`);
    expect(snapshot.status).toBe(200);
    expect(snapshot.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(snapshot.body)).toMatchObject({ step: 20, dim: 2 });
  });

  it('serves a report and its plots when the run has them, sandboxed', async () => {
    const dir = fakeRun('reported', [{ kind: 'step', step: 1 }]);
    writeFileSync(join(dir, 'report.html'), '<!doctype html><p>report</p>');
    mkdirSync(join(dir, 'plots'));
    writeFileSync(join(dir, 'plots', 'losses.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const detail = JSON.parse((await get('/api/runs/reported')).body) as RunDetail;
    expect(detail).toMatchObject({ report: 'report.html', plots: ['plots/losses.png'] });
    const html = await get('/files/reported/report.html');
    expect([html.status, html.headers['content-type'], html.headers['content-security-policy'], html.body]).toEqual([200, 'text/html; charset=utf-8', 'sandbox', '<!doctype html><p>report</p>']);
    expect((await get('/files/reported/plots/losses.png')).headers['content-type']).toBe('image/png');
  });

  it('serves the web build at / and /runs.html', async () => {
    expect(await get('/')).toMatchObject({ status: 200, body: '<!doctype html><title>lab</title>' });
    expect(await get('/runs.html')).toMatchObject({ status: 200, body: '<!doctype html><title>runs</title>' });
  });
});

describe('read-only and inside the runs folder', () => {
  it('serves a file of a run, and a symlink that stays inside the folder', async () => {
    const own = readFileSync(join(runs, trained, 'config.json'), 'utf8');
    expect(await get(`/files/${trained}/config.json`)).toMatchObject({ status: 200, body: own });
    expect(await get('/files/inside-link.json')).toMatchObject({ status: 200, body: own });
    const head = await get(`/files/${trained}/config.json`, { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body]).toEqual([200, String(Buffer.byteLength(own)), '']);
  });

  const secretPath = () => join(temp, 'outside', 'secret.txt');
  it.each<[string, () => string]>([
    ['.. segments', () => `/files/${trained}/../../outside/secret.txt`],
    ['.. segments that stay inside the folder', () => `/files/${trained}/../${trained}/config.json`],
    ['encoded .. segments that stay inside the folder', () => `/files/${trained}/%2e%2e/${trained}/config.json`],
    ['. segments', () => `/files/./${trained}/config.json`],
    ['.. segments through the API', () => '/api/runs/../outside/run-like'],
    ['.. segments in the events stream', () => '/api/events/../outside/run-like'],
    ['percent-encoded dots', () => '/files/%2e%2e/outside/secret.txt'],
    ['percent-encoded dots, upper case', () => '/files/%2E%2E/outside/secret.txt'],
    ['percent-encoded slashes', () => `/files/${trained}%2f..%2f..%2foutside%2fsecret.txt`],
    ['double encoding', () => '/files/%252e%252e/outside/secret.txt'],
    ['double-encoded slashes', () => `/files/${trained}%252f..%252f..%252foutside%252fsecret.txt`],
    ['an absolute path, encoded', () => `/files/${encodeURIComponent(secretPath())}`],
    ['an absolute path after //', () => `/files/${secretPath()}`.replace('/files/', '/files//')],
    ['a path that starts with //', () => `/${secretPath()}`],
    ['an absolute-form request target', () => `http://127.0.0.1:${server.port}/files/../outside/secret.txt`],
    ['backslashes', () => `/files/${trained}\\..\\..\\outside\\secret.txt`],
    ['encoded backslashes', () => `/files/${trained}%5c..%5c..%5coutside%5csecret.txt`],
    ['an encoded NUL', () => `/files/${trained}/leak.txt%00.json`],
    ['a symlinked file that leads outside', () => `/files/${trained}/leak.txt`],
    ['a symlinked folder that leads outside', () => '/files/escape/secret.txt'],
    ['a symlinked run outside, through the API', () => '/api/runs/outside-run'],
    ['a symlinked run outside, through the events stream', () => '/api/events/outside-run'],
    ['a symlinked folder, through the run files', () => '/files/outside-run/config.json'],
    ['a hidden file', () => `/files/${trained}/.config.json`],
  ])('refuses %s', async (_label, path) => {
    const reply = await get(path());
    expect([403, 404]).toContain(reply.status);
    expect(reply.body).not.toContain(SECRET);
  });

  it('refuses a raw NUL byte in the path', async () => {
    const reply = await rawGet(`/files/${trained}/leak.txt\u0000`);
    expect(reply).toMatch(/^HTTP\/1\.1 (400|403|404) /);
    expect(reply).not.toContain(SECRET);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('refuses %s and changes nothing', async (method) => {
    const path = join(runs, trained, 'config.json');
    const before = readFileSync(path, 'utf8');
    const reply = await get(`/files/${trained}/config.json`, { method });
    expect([reply.status, reply.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    expect((await get('/api/runs', { host: 'attacker.example:80' })).status).toBe(403);
    expect((await get('/api/runs', { host: `localhost:${server.port}` })).status).toBe(200);
  });
});

describe('live records (server-sent events)', () => {
  it('sends lines appended after connecting, a partial line only once complete, and starts over when the file is cut back or replaced', async () => {
    const dir = fakeRun('live', []);
    const metrics = join(dir, 'metrics.jsonl');
    const stream = await openEvents('/api/events/live');
    try {
      appendFileSync(metrics, line(1) + line(2));
      const first = await stream.next((e) => e.event === 'records');
      expect(records(first).map((r) => r.step)).toEqual([1, 2]);
      expect(first.id).toBe(String(readFileSync(metrics).byteLength));
      // Half a line: nothing is sent until its newline lands.
      const third = line(3);
      appendFileSync(metrics, third.slice(0, 40));
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.events).toHaveLength(1);
      appendFileSync(metrics, third.slice(40));
      expect(records(await stream.next((e) => e.event === 'records')).map((r) => r.step)).toEqual([3]);
      // Cut back to the first line (a resume from an earlier checkpoint): reset, then the file again from byte 0.
      truncateSync(metrics, line(1).length);
      expect(JSON.parse((await stream.next((e) => e.event === 'reset')).data)).toEqual({ reason: 'the metrics file was cut back' });
      expect(records(await stream.next((e) => e.event === 'records')).map((r) => r.step)).toEqual([1]);
      // Replaced by an atomic rewrite (a new file renamed over it).
      writeFileSync(`${metrics}.new`, line(1) + line(5));
      renameSync(`${metrics}.new`, metrics);
      expect(JSON.parse((await stream.next((e) => e.event === 'reset')).data)).toEqual({ reason: 'the metrics file was replaced' });
      expect(records(await stream.next((e) => e.event === 'records')).map((r) => r.step)).toEqual([1, 5]);
      expect(stream.events.map((e) => e.event)).toEqual(['records', 'records', 'reset', 'records', 'reset', 'records']);
    } finally {
      stream.close();
    }
  });

  it('continues from an offset (?from= or Last-Event-ID) without repeating a line', async () => {
    const dir = fakeRun('resumed', [{ kind: 'step', step: 1 }, { kind: 'step', step: 2 }]);
    const after1 = Buffer.byteLength(`${JSON.stringify({ kind: 'step', step: 1 })}\n`);
    for (const [path, headers] of [[`/api/events/resumed?from=${after1}`, {}], ['/api/events/resumed', { 'Last-Event-ID': String(after1) }]] as const) {
      const stream = await openEvents(path, headers);
      try {
        expect(records(await stream.next((e) => e.event === 'records')).map((r) => r.step)).toEqual([2]);
      } finally {
        stream.close();
      }
    }
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n')).toHaveLength(3);
  });
});

describe('saddlepoint serve (the command)', () => {
  it('refuses a missing runs folder and a port in use with exit code 2, naming the path or the port', async () => {
    const [missing, busy] = await Promise.all([cli(['serve', join(temp, 'nope'), '--port', '0', '--web', web]), cli(['serve', runs, '--port', String(server.port), '--web', web])]);
    expect([missing.status, missing.stderr]).toEqual([2, `error: ${join(temp, 'nope')}: no such folder; give the folder your runs are in (train writes them to runs/, or to its --out)\n`]);
    expect([busy.status, busy.stderr]).toEqual([2, `error: --port ${server.port}: 127.0.0.1:${server.port} is already in use by another program; pick another --port, or --port 0 for a free one\n`]);
  }, 60_000);

  it('refuses a file as the runs folder, and a web build that is missing', async () => {
    const file = join(temp, 'tiny.json');
    await expect(startServer({ runsDir: file, port: 0, webDist: web })).rejects.toMatchObject({
      name: 'DataError',
      message: `${file}: is a file, not a folder; give the folder that holds the run directories (train writes them to runs/, or to its --out)`,
    });
    await expect(startServer({ runsDir: runs, port: 0, webDist: join(temp, 'no-build') })).rejects.toMatchObject({
      name: 'DataError',
      message: `${join(temp, 'no-build')}: the web app is not built (no index.html, runs.html, theory.html); build it with: npm run build:web`,
    });
  });

  it('prints its URL, warns when bound beyond loopback, serves, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', runs, '--port', '0', '--host', '0.0.0.0', '--web', web], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const url = await new Promise<string>((done) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^saddlepoint serve: (http:\/\/0\.0\.0\.0:(\d+)\/)\n/.exec(stdout);
        if (m) done(`http://127.0.0.1:${m[2]}/`);
      }),
    );
    expect(stderr).toContain(`warning: --host 0.0.0.0: anyone who can reach this machine on the network can read the runs in ${runs}`);
    const list = (await (await fetch(`${url}api/runs`)).json()) as RunList;
    expect(list.runs.map((r) => r.name)).toContain(trained);
    // A live stream open at Ctrl-C must not hold the process up.
    const streaming = await fetch(`${url}api/events/${trained}`);
    expect(streaming.status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('saddlepoint serve: stopping');
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
  }, 60_000);

  it('lab in a folder with no runs yet: makes the default runs/ folder and serves the lab at its URL', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sp-lab-'));
    const child = spawn(process.execPath, [BIN, 'lab', '--port', '0', '--web', web], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    try {
      let stdout = '';
      const url = await new Promise<string>((done) =>
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /^saddlepoint lab: (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout);
          if (m) done(m[1]);
        }),
      );
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>lab</title>');
      expect(((await (await fetch(`${url}api/runs`)).json()) as RunList).runs).toEqual([]);
      expect(statSync(join(cwd, 'runs')).isDirectory()).toBe(true);
    } finally {
      child.kill('SIGINT');
      await exited;
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
