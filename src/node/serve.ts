/**
 * The local server of `saddlepoint serve` (hono on Node's http): the built web app (the lab at
 * `/`, the runs dashboard at `/runs.html`), a JSON API over the run directories of one folder,
 * and each run's `metrics.jsonl` live as server-sent events. Read-only: GET and HEAD only, and
 * nothing outside the runs folder (or the web build) is ever read — see {@link requestSegments}
 * and {@link resolveInside} for what a path may be.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { CheckpointError, ConfigError, DataError, RunIOError } from '../errors.ts';
import { summarizeRun, type LockState, type RunDetail, type RunList, type RunListing, type RunSummary } from '../run/index.ts';
import { errorCode } from './atomic.ts';
import { MetricsFollower, type FollowEvent } from './metrics-follow.ts';
import { RUN_FILES, readMetrics, readRunConfig, readRunLock } from './run-dir.ts';
import { findRunDirs } from './run-index.ts';
import { REPORT_FILES } from './report.ts';
import { isInside, requestSegments, resolveInside } from './safe-path.ts';

/** The web app's build (`npm run build:web`), beside the package's `src/` or `dist/`. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
/** The pages the server needs from the build. */
export const WEB_PAGES = { lab: 'index.html', runs: 'runs.html', theory: 'theory.html' } as const;
/** The port `serve` listens on unless told. */
export const DEFAULT_SERVE_PORT = 7860;

/** Options of {@link startServer}. */
export interface ServeOptions {
  /** The folder of run directories (what `train --out` writes to). */
  runsDir: string;
  /** 0 for a free port (default {@link DEFAULT_SERVE_PORT}). */
  port?: number;
  /** The address to bind (default 127.0.0.1, this machine only). */
  host?: string;
  /** The built web app (default {@link WEB_DIST}). */
  webDist?: string;
  /** How often a live stream looks at `metrics.jsonl`, in ms (default 250). */
  pollMs?: number;
}

/** A server that listens. */
export interface RunningServer {
  /** `http://127.0.0.1:7860/` */
  url: string;
  host: string;
  port: number;
  /** The runs folder, as a real path. */
  runsDir: string;
  /** Ends the live streams and stops listening. */
  close(): Promise<void>;
}

/** Whether `host` names this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
};

/** The folder, checked: it exists and is a folder; its real path. */
function runsFolder(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) throw new DataError('no such folder; give the folder your runs are in (train writes them to runs/, or to its --out)', path);
  if (!statSync(path).isDirectory()) throw new DataError('is a file, not a folder; give the folder that holds the run directories (train writes them to runs/, or to its --out)', path);
  return realpathSync(path);
}

function webFolder(dir: string): string {
  const path = resolve(dir);
  const missing = Object.values(WEB_PAGES).filter((page) => !existsSync(join(path, page)));
  if (missing.length) throw new DataError(`the web app is not built (no ${missing.join(', ')}); build it with: npm run build:web`, path);
  return realpathSync(path);
}

type Env = { Bindings: HttpBindings; Variables: { segments: string[] } };

/**
 * Why a request is refused before anything reads a file, or undefined: a method other than GET
 * and HEAD (405); bound to loopback, a Host that is not a loopback name (403: a page elsewhere
 * that rebinds its own name to 127.0.0.1 cannot read the runs); a path {@link requestSegments}
 * refuses (404). Checked on the raw request, before a URL parser could normalize it.
 */
function refusal(incoming: IncomingMessage, loopbackOnly: boolean): { status: 403 | 404 | 405; error: string } | undefined {
  const method = incoming.method ?? '';
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, error: 'read-only: GET and HEAD only' };
  const host = (incoming.headers.host ?? '').replace(/:\d+$/, '');
  if (loopbackOnly && !isLoopback(host)) return { status: 403, error: `host "${host}" is not a loopback name of this machine` };
  if (!requestSegments(incoming.url ?? '')) return { status: 404, error: 'refused: a path here is plain names under the runs folder' };
  return undefined;
}

/** Reads run directories, keeping each one's records until its metrics file changes. */
class RunReader {
  private readonly cache = new Map<string, { stamp: string; records: Record<string, unknown>[] }>();

  constructor(readonly root: string) {}

  /** The run directories under the root that resolve inside it, by name (`a/b` for nested ones). */
  list(): { name: string; dir: string }[] {
    return findRunDirs(this.root)
      .filter((dir) => dir !== this.root && isInside(this.root, realpathSync(dir)))
      .map((dir) => ({ name: relative(this.root, dir).split(sep).join('/'), dir }));
  }

  records(dir: string): Record<string, unknown>[] {
    const path = join(dir, RUN_FILES.metrics);
    const info = existsSync(path) ? statSync(path) : undefined;
    const stamp = info ? `${info.ino}:${info.size}:${info.mtimeMs}` : 'none';
    const hit = this.cache.get(dir);
    if (hit?.stamp === stamp) return hit.records;
    const records = readMetrics(path);
    this.cache.set(dir, { stamp, records });
    return records;
  }

  summary(dir: string, records: readonly Record<string, unknown>[] = this.records(dir)): RunSummary {
    return summarizeRun(readRunConfig(dir).config, records, lockState(dir));
  }

  listing(name: string, dir: string): RunListing {
    try {
      const metrics = join(dir, RUN_FILES.metrics);
      const started = statSync(join(dir, RUN_FILES.config)).mtime;
      return {
        name,
        ...this.summary(dir),
        startedAt: started.toISOString(),
        updatedAt: (existsSync(metrics) ? statSync(metrics).mtime : started).toISOString(),
        report: existsSync(join(dir, REPORT_FILES.html)),
      };
    } catch (err) {
      return { name, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

function lockState(dir: string): LockState {
  const lock = readRunLock(dir);
  return lock === undefined ? 'none' : lock.alive ? 'live' : 'stale';
}

/** Files of a run folder `sub` with the extension, as paths relative to the run. */
async function filesIn(dir: string, sub: string, ext: string): Promise<string[]> {
  const names = await readdir(join(dir, sub)).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(ext) && !n.startsWith('.')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => `${sub}/${n}`);
}

const notFound = (c: Context) => c.json({ error: 'not found' }, 404);

/**
 * The hono app: the guard (method, Host, path) in front of the API, the run files and the web
 * build. {@link startServer} serves it on Node's http and runs the same guard on the raw request
 * before hono's adapter sees it.
 */
export function serveApp(options: { runsDir: string; webDist: string; pollMs: number; loopbackOnly: boolean; closing: AbortSignal }): Hono<Env> {
  const { runsDir: root, webDist, pollMs, closing } = options;
  const runs = new RunReader(root);
  const app = new Hono<Env>();

  app.onError((err, c) => {
    // A run that cannot be read (a torn config, a bad record) is the run's problem, said in one line; anything else is a bug, with its stack.
    const known = err instanceof CheckpointError || err instanceof DataError || err instanceof RunIOError;
    process.stderr.write(`saddlepoint serve: ${c.req.method} ${c.env.incoming.url}: ${known ? err.message : (err.stack ?? err.message)}\n`);
    return c.json({ error: err.message }, 500);
  });

  app.use('*', async (c, next) => {
    const refused = refusal(c.env.incoming, options.loopbackOnly);
    if (refused) return c.json({ error: refused.error }, refused.status, refused.status === 405 ? { Allow: 'GET, HEAD' } : {});
    c.set('segments', requestSegments(c.env.incoming.url ?? '')!);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  /** The run directory a request names after `skip` segments, or undefined. */
  const runDir = async (c: Context<Env>, skip: number) => {
    const name = c.get('segments').slice(skip);
    if (name.length === 0) return undefined;
    const dir = await resolveInside(root, name, 'dir');
    if (!dir || !(await resolveInside(root, [...name, RUN_FILES.config], 'file'))) return undefined;
    return { name: name.join('/'), dir };
  };

  app.get('/api/runs', (c) => {
    const listed = runs.list().map(({ name, dir }) => runs.listing(name, dir));
    const time = (r: RunListing) => ('startedAt' in r ? r.startedAt : '');
    listed.sort((a, b) => time(b).localeCompare(time(a)) || a.name.localeCompare(b.name));
    const body: RunList = { root, runs: listed };
    return c.json(body, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/api/runs/*', async (c) => {
    const run = await runDir(c, 2);
    if (!run) return notFound(c);
    const { config, facts } = readRunConfig(run.dir);
    // One read gives the records and the byte offset they end at: a live stream from there misses and repeats nothing.
    const follower = new MetricsFollower(join(run.dir, RUN_FILES.metrics));
    const records = (await follower.poll()).flatMap((e) => (e.type === 'records' ? e.records : []));
    const samples = (await filesIn(run.dir, RUN_FILES.samples, '.json')).map((p) => Number(p.slice(RUN_FILES.samples.length + 1, -'.json'.length))).filter(Number.isInteger);
    const body: RunDetail = {
      name: run.name,
      ...runs.summary(run.dir, records),
      config: { ...(config as Record<string, unknown>), _run: facts },
      records,
      offset: follower.position,
      samples,
      report: existsSync(join(run.dir, REPORT_FILES.html)) ? REPORT_FILES.html : null,
      plots: [...(await filesIn(run.dir, REPORT_FILES.plots, '.png')), ...(await filesIn(run.dir, REPORT_FILES.plots, '.svg'))],
    };
    return c.json(body, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/api/events/*', async (c) => {
    const run = await runDir(c, 2);
    if (!run) return notFound(c);
    const from = Number(c.req.header('Last-Event-ID') ?? c.req.query('from') ?? 0);
    const follower = new MetricsFollower(join(run.dir, RUN_FILES.metrics), Number.isSafeInteger(from) && from > 0 ? from : 0);
    if (c.env.incoming.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream' });
    return streamSSE(c, async (stream) => {
      const stop = new AbortController();
      const end = () => stop.abort();
      stream.onAbort(end);
      closing.addEventListener('abort', end);
      try {
        let quiet = 0;
        while (!stop.signal.aborted) {
          const events: FollowEvent[] = await follower.poll();
          for (const e of events) {
            if (e.type === 'reset') await stream.writeSSE({ event: 'reset', data: JSON.stringify({ reason: e.reason }), id: '0' });
            else await stream.writeSSE({ event: 'records', data: JSON.stringify(e.records), id: String(e.offset) });
          }
          // A comment now and then keeps proxies and idle timeouts from closing a quiet stream.
          quiet = events.length ? 0 : quiet + pollMs;
          if (quiet >= 15_000) {
            await stream.write(': idle\n\n');
            quiet = 0;
          }
          await sleep(pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      } finally {
        closing.removeEventListener('abort', end);
      }
    });
  });

  app.get('/files/*', async (c) => {
    const path = await resolveInside(root, c.get('segments').slice(1), 'file');
    if (!path) return notFound(c);
    // Run files are shown as documents of their own: no script in them runs with this origin.
    return sendFile(c, path, { 'Content-Security-Policy': 'sandbox', 'Cache-Control': 'no-cache' });
  });

  app.get('/api/*', notFound);

  app.get('*', async (c) => {
    const segments = c.get('segments');
    const path = await resolveInside(webDist, segments.length ? segments : [WEB_PAGES.lab], 'file');
    if (!path) return notFound(c);
    return sendFile(c, path, { 'Cache-Control': segments[0] === 'assets' ? 'max-age=31536000, immutable' : 'no-cache' });
  });

  return app;
}

async function sendFile(c: Context<Env>, path: string, headers: Record<string, string>): Promise<Response> {
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  if (c.env.incoming.method === 'HEAD') {
    const info = await stat(path);
    return c.body(null, 200, { ...headers, 'Content-Type': type, 'Content-Length': String(info.size) });
  }
  return c.body(new Uint8Array(await readFile(path)), 200, { ...headers, 'Content-Type': type });
}

/**
 * Serves a runs folder and the web app until `close()`: checks the folder and the build first
 * ({@link DataError} naming the path), then listens ({@link ConfigError} when the port is taken
 * or the address is not this machine's).
 *
 * @example
 * const server = await startServer({ runsDir: 'runs', port: 0 });
 * console.log(server.url); // http://127.0.0.1:41234/
 * await server.close();
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const runsDir = runsFolder(options.runsDir);
  const webDist = webFolder(options.webDist ?? WEB_DIST);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_SERVE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port: got ${port}; a port is a whole number from 0 (any free one) to 65535`);
  const closing = new AbortController();
  const loopbackOnly = isLoopback(host);
  const app = serveApp({ runsDir, webDist, pollMs: options.pollMs ?? 250, loopbackOnly, closing: closing.signal });
  const listener = getRequestListener(app.fetch, { hostname: host });
  // Refused before hono's adapter parses the URL (it would fold a backslash or `..` into a plain path).
  const server = createServer((req, res) => {
    const refused = refusal(req, loopbackOnly);
    if (!refused) return void listener(req, res);
    res.writeHead(refused.status, { 'Content-Type': 'application/json; charset=utf-8', ...(refused.status === 405 ? { Allow: 'GET, HEAD' } : {}) });
    res.end(JSON.stringify({ error: refused.error }));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (err) => {
      const code = errorCode(err);
      if (code === 'EADDRINUSE') fail(new ConfigError(`--port ${port}: ${host}:${port} is already in use by another program; pick another --port, or --port 0 for a free one`));
      else if (code === 'EACCES') fail(new ConfigError(`--port ${port}: this user may not listen on ports below 1024; pick a port from 1024 up, or --port 0 for a free one`));
      else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(new ConfigError(`--host ${host}: not an address of this machine (${code}); 127.0.0.1 serves this machine only, 0.0.0.0 every network it is on`));
      else fail(err);
    });
    server.listen(port, host, () => done());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`,
    host,
    port: bound,
    runsDir,
    close() {
      closing.abort();
      return new Promise<void>((done) => {
        const force = setTimeout(() => server.closeAllConnections(), 1000);
        server.close(() => {
          clearTimeout(force);
          done();
        });
        server.closeIdleConnections();
      });
    },
  };
}
