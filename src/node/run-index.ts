/**
 * The run index: every run and sweep in one SQLite file (better-sqlite3), queryable by config,
 * status and final metrics. WAL mode so a sweep's writer and readers (`runs list`, the dashboard)
 * do not block each other; a schema version in `PRAGMA user_version`. Filters are parsed into a
 * small whitelist of column and JSON-path expressions with every value bound as a parameter:
 * user text never becomes SQL.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, DataError } from '../errors.ts';
import { readMetrics, readRunConfig, RUN_FILES } from './run-dir.ts';

/** The schema this code writes and reads. */
export const RUN_INDEX_VERSION = 1;

/** Where a run is: waiting in a queue for a worker, training, waiting at an ASHA rung, finished, stopped early by ASHA, failed, diverged, or found unfinished by a scan. */
export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'stopped' | 'failed' | 'diverged' | 'incomplete';
/** Where a sweep is. */
export type SweepStatus = 'running' | 'done' | 'interrupted' | 'failed';

/** A run as the index stores it. */
export interface IndexedRun {
  /** Unique: `<sweep>/<trial>` for sweep trials, the folder relative to the scanned root's parent for scanned runs. */
  id: string;
  sweep: string | null;
  trial: string | null;
  dir: string | null;
  /** The run's config (as in config.json, without `_run`). */
  config: Record<string, unknown>;
  /** A sweep trial's parameters by key (config path, `remedy`, `seed`). */
  params: Record<string, unknown> | null;
  status: RunStatus;
  host: string | null;
  /** ISO 8601. */
  startedAt: string | null;
  finishedAt: string | null;
  /** Steps trained. */
  steps: number | null;
  /** Training seconds (without process start-up). */
  wallSeconds: number | null;
  /** The last evaluation's numeric fields (modes, highQuality, w1, …). */
  metrics: Record<string, number> | null;
  error: string | null;
}

/** What {@link RunIndex.upsertRun} takes: id, config and status are required, the rest may come later. */
export type RunInput = Pick<IndexedRun, 'id' | 'config' | 'status'> & Partial<Omit<IndexedRun, 'id' | 'config' | 'status'>>;

/** How a run ended, for {@link RunIndex.finishRun}. */
export type RunFinish = Pick<IndexedRun, 'status'> & Partial<Pick<IndexedRun, 'finishedAt' | 'steps' | 'wallSeconds' | 'metrics' | 'error'>>;

/** A sweep as the index stores it. */
export interface IndexedSweep {
  id: string;
  name: string;
  /** The validated spec. */
  spec: Record<string, unknown>;
  strategy: string;
  metric: string;
  direction: 'max' | 'min';
  status: SweepStatus;
  out: string | null;
  host: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  trials: number;
}

/** Query of {@link RunIndex.listRuns}. */
export interface RunQuery {
  sweep?: string;
  /** `loss=wgan-gp,modes>=7`: clauses joined by `,` or ` and `; see {@link parseWhere}. */
  where?: string;
  /** `-modes,steps`: keys, `-` for descending; runs without the value sort last. */
  sort?: string;
  limit?: number;
}

/** Table columns a filter or sort may name, by the name users type. */
const COLUMNS: Record<string, string> = {
  id: 'id',
  sweep: 'sweep_id',
  trial: 'trial',
  dir: 'dir',
  status: 'status',
  host: 'host',
  steps: 'steps',
  wall: 'wall_seconds',
  started: 'started_at',
  finished: 'finished_at',
};

/** Short names for the config fields one filters by most. */
const CONFIG_SHORTHANDS: Record<string, string[]> = {
  loss: ['loss', 'name'],
  data: ['data', 'kind'],
  seed: ['seed'],
  backend: ['backend'],
};

/** Eval-record fields kept as final metrics (filterable by their bare name). */
export const INDEX_METRICS = ['modes', 'modesTotal', 'highQuality', 'reverseKL', 'kl', 'reverseKl', 'js', 'w1', 'mmd', 'dAccuracy', 'criticGap', 'step'] as const;

const OPERATORS = ['>=', '<=', '!=', '=', '>', '<'] as const;
type Operator = (typeof OPERATORS)[number];

/** One parsed clause: a whitelisted SQL expression (with its own bound parameters) compared to a bound value. */
export interface WhereClause {
  key: string;
  /** SQL text from the whitelist only, never from user input. */
  sql: string;
  params: unknown[];
  op: Operator;
  value: string | number;
}

const KEY_HELP =
  `keys: ${Object.keys(COLUMNS).join(', ')}; ${Object.keys(CONFIG_SHORTHANDS).join(', ')} (config shorthands); ` +
  `${INDEX_METRICS.join(', ')} (final metrics); config.<path>, param.<key>, metric.<name>`;

function whereError(message: string): ConfigError {
  return new ConfigError(`invalid --where: ${message}`, [{ field: 'where', message }]);
}

/** A JSON path `$."a"."b"` from segments that passed the field-name check, so they hold no quote. */
function jsonPath(segments: readonly string[]): string {
  return `$${segments.map((s) => `."${s}"`).join('')}`;
}

/** The SQL expression of a key, from the whitelist, with its bound parameters; a key outside it is a ConfigError listing the allowed ones. */
function keyExpression(key: string, what: string): { sql: string; params: unknown[] } {
  if (Object.hasOwn(COLUMNS, key)) return { sql: COLUMNS[key], params: [] };
  if (Object.hasOwn(CONFIG_SHORTHANDS, key)) return { sql: 'json_extract(config, ?)', params: [jsonPath(CONFIG_SHORTHANDS[key])] };
  if ((INDEX_METRICS as readonly string[]).includes(key)) return { sql: 'json_extract(metrics, ?)', params: [jsonPath([key])] };
  const [head, ...rest] = key.split('.');
  const segmentsOk = rest.length > 0 && rest.every((s) => /^[\w-]+$/.test(s));
  if (head === 'config' && segmentsOk) return { sql: 'json_extract(config, ?)', params: [jsonPath(rest)] };
  // A param key is a whole config path (`optim.d.lr`): one JSON key with dots in it.
  if (head === 'param' && segmentsOk) return { sql: 'json_extract(params, ?)', params: [jsonPath([rest.join('.')])] };
  if (head === 'metric' && segmentsOk && rest.length === 1) return { sql: 'json_extract(metrics, ?)', params: [jsonPath(rest)] };
  throw whereError(`${what} "${key}" is not a key the index knows; ${KEY_HELP}`);
}

const VALUE = /^[\w.+\-:/@]+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a filter such as `loss=wgan-gp,modes>=7` (or `loss=wgan-gp and modes>=7`) into
 * whitelisted clauses. A key is a column, a config shorthand, a final metric, `config.<path>`,
 * `param.<key>` or `metric.<name>`; an operator one of `= != > >= < <=`; a value letters, digits
 * and `. _ + - : / @` (numbers compare as numbers, `true`/`false` as JSON booleans). Anything
 * else is refused with a ConfigError that says what is allowed.
 *
 * @example
 * parseWhere('loss=wgan-gp,modes>=7') // [{ key: 'loss', sql: 'json_extract(config, ?)', params: ['$."loss"."name"'], op: '=', value: 'wgan-gp' }, …]
 */
export function parseWhere(text: string): WhereClause[] {
  const parts = text.split(/\s*,\s*|\s+and\s+/i).map((p) => p.trim());
  if (parts.some((p) => !p)) throw whereError(`"${text}" has an empty clause; write key=value clauses joined by "," or " and "`);
  return parts.map((part) => {
    const m = /^([A-Za-z][\w.-]*)\s*(>=|<=|!=|=|>|<)\s*(.*)$/.exec(part);
    if (!m) throw whereError(`"${part}" is not key<op>value; operators: ${OPERATORS.join(' ')}, e.g. loss=wgan-gp or modes>=7`);
    const [, key, op, raw] = m;
    if (!VALUE.test(raw)) throw whereError(`in "${part}", the value "${raw}" may only hold letters, digits and . _ + - : / @ (one value per clause; join clauses with ",")`);
    const { sql, params } = keyExpression(key, 'key');
    const value = NUMBER.test(raw) ? Number(raw) : raw === 'true' ? 1 : raw === 'false' ? 0 : raw;
    return { key, sql, params, op: op as Operator, value };
  });
}

/** Parses `-modes,steps` into ORDER BY terms from the whitelist (runs without the value last). */
export function parseSort(text: string): { sql: string; params: unknown[] } {
  const terms = text.split(',').map((t) => t.trim());
  if (terms.some((t) => !t)) throw whereError(`--sort "${text}" has an empty key`);
  const out = terms.map((t) => {
    const desc = t.startsWith('-');
    const { sql, params } = keyExpression(desc ? t.slice(1) : t, 'sort key');
    return { sql: `${sql} IS NULL, ${sql} ${desc ? 'DESC' : 'ASC'}`, params: [...params, ...params] };
  });
  return { sql: out.map((o) => o.sql).join(', '), params: out.flatMap((o) => o.params) };
}

interface RunRow {
  id: string;
  sweep_id: string | null;
  trial: string | null;
  dir: string | null;
  config: string;
  params: string | null;
  status: RunStatus;
  host: string | null;
  started_at: string | null;
  finished_at: string | null;
  steps: number | null;
  wall_seconds: number | null;
  metrics: string | null;
  error: string | null;
}

interface SweepRow {
  id: string;
  name: string;
  spec: string;
  strategy: string;
  metric: string;
  direction: 'max' | 'min';
  status: SweepStatus;
  out: string | null;
  host: string | null;
  started_at: string | null;
  finished_at: string | null;
  trials: number;
}

const SCHEMA = `
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  spec TEXT NOT NULL,
  strategy TEXT NOT NULL,
  metric TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('max', 'min')),
  status TEXT NOT NULL,
  out TEXT,
  host TEXT,
  started_at TEXT,
  finished_at TEXT,
  trials INTEGER NOT NULL
);
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  sweep_id TEXT,
  trial TEXT,
  dir TEXT,
  config TEXT NOT NULL CHECK (json_valid(config)),
  params TEXT CHECK (params IS NULL OR json_valid(params)),
  status TEXT NOT NULL,
  host TEXT,
  started_at TEXT,
  finished_at TEXT,
  steps INTEGER,
  wall_seconds REAL,
  metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  error TEXT
);
CREATE INDEX runs_by_sweep ON runs (sweep_id);
`;

function fromRow(r: RunRow): IndexedRun {
  return {
    id: r.id,
    sweep: r.sweep_id,
    trial: r.trial,
    dir: r.dir,
    config: JSON.parse(r.config) as Record<string, unknown>,
    params: r.params === null ? null : (JSON.parse(r.params) as Record<string, unknown>),
    status: r.status,
    host: r.host,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    steps: r.steps,
    wallSeconds: r.wall_seconds,
    metrics: r.metrics === null ? null : (JSON.parse(r.metrics) as Record<string, number>),
    error: r.error,
  };
}

function fromSweepRow(r: SweepRow): IndexedSweep {
  const { started_at: startedAt, finished_at: finishedAt, spec, ...rest } = r;
  return { ...rest, spec: JSON.parse(spec) as Record<string, unknown>, startedAt, finishedAt };
}

/**
 * An open run index. Writes are single statements (atomic in SQLite); several processes may
 * write one file (WAL, a 5 s busy timeout).
 *
 * @example
 * const index = openRunIndex('runs/index.sqlite');
 * index.upsertRun({ id: 'sw/t0', config, status: 'running', startedAt: new Date().toISOString() });
 * index.finishRun('sw/t0', { status: 'done', steps: 200, metrics: { modes: 8 } });
 * index.listRuns({ where: 'loss=wgan-gp', sort: '-modes' });
 */
export class RunIndex {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    try {
      this.db = new Database(path, { timeout: 5000 });
    } catch (err) {
      throw new DataError(`cannot open the run index: ${err instanceof Error ? err.message : String(err)}`, path);
    }
    this.db.pragma('journal_mode = WAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${RUN_INDEX_VERSION}`);
      })();
    } else if (version !== RUN_INDEX_VERSION) {
      this.db.close();
      throw new DataError(`the run index has schema version ${version}; this saddlepoint reads version ${RUN_INDEX_VERSION}`, path);
    }
  }

  /** The schema version of the open file. */
  get version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** The journal mode SQLite reports (`wal` for a file index). */
  get journalMode(): string {
    return this.db.pragma('journal_mode', { simple: true }) as string;
  }

  /** Inserts a sweep or replaces its fields. */
  upsertSweep(s: IndexedSweep): void {
    this.db
      .prepare(
        `INSERT INTO sweeps (id, name, spec, strategy, metric, direction, status, out, host, started_at, finished_at, trials)
         VALUES (@id, @name, @spec, @strategy, @metric, @direction, @status, @out, @host, @startedAt, @finishedAt, @trials)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, spec = excluded.spec, strategy = excluded.strategy, metric = excluded.metric,
           direction = excluded.direction, status = excluded.status, out = excluded.out, host = excluded.host,
           started_at = COALESCE(sweeps.started_at, excluded.started_at), finished_at = excluded.finished_at, trials = excluded.trials`,
      )
      .run({ ...s, spec: JSON.stringify(s.spec) });
  }

  /** Marks a sweep finished (or interrupted). */
  finishSweep(id: string, status: SweepStatus, finishedAt = new Date().toISOString()): void {
    const info = this.db.prepare('UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, id);
    if (info.changes === 0) throw new DataError(`no sweep "${id}" in the run index`, this.path);
  }

  getSweep(id: string): IndexedSweep | null {
    const row = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepRow | undefined;
    return row ? fromSweepRow(row) : null;
  }

  /** Every sweep, newest first. */
  listSweeps(): IndexedSweep[] {
    return (this.db.prepare('SELECT * FROM sweeps ORDER BY started_at DESC, id').all() as SweepRow[]).map(fromSweepRow);
  }

  /**
   * Inserts a run, or updates it: every field given replaces the stored one, fields left out
   * keep theirs, and the first start time stays (a resumed ASHA trial keeps it).
   */
  upsertRun(run: RunInput): void {
    const row = {
      id: run.id,
      sweep_id: run.sweep ?? null,
      trial: run.trial ?? null,
      dir: run.dir ?? null,
      config: JSON.stringify(run.config),
      params: run.params === undefined || run.params === null ? null : JSON.stringify(run.params),
      status: run.status,
      host: run.host ?? null,
      started_at: run.startedAt ?? null,
      finished_at: run.finishedAt ?? null,
      steps: run.steps ?? null,
      wall_seconds: run.wallSeconds ?? null,
      metrics: run.metrics === undefined || run.metrics === null ? null : JSON.stringify(run.metrics),
      error: run.error ?? null,
    };
    const keep = (c: string) => `${c} = COALESCE(excluded.${c}, runs.${c})`;
    this.db
      .prepare(
        `INSERT INTO runs (id, sweep_id, trial, dir, config, params, status, host, started_at, finished_at, steps, wall_seconds, metrics, error)
         VALUES (@id, @sweep_id, @trial, @dir, @config, @params, @status, @host, @started_at, @finished_at, @steps, @wall_seconds, @metrics, @error)
         ON CONFLICT(id) DO UPDATE SET config = excluded.config, status = excluded.status,
           started_at = COALESCE(runs.started_at, excluded.started_at),
           ${['sweep_id', 'trial', 'dir', 'params', 'host', 'finished_at', 'steps', 'wall_seconds', 'metrics', 'error'].map(keep).join(', ')}`,
      )
      .run(row);
  }

  /** Records how a run ended; a run the index does not hold is a DataError. */
  finishRun(id: string, end: RunFinish): void {
    const info = this.db
      .prepare(
        `UPDATE runs SET status = @status, finished_at = @finished_at, steps = COALESCE(@steps, steps), wall_seconds = COALESCE(@wall_seconds, wall_seconds),
           metrics = COALESCE(@metrics, metrics), error = @error WHERE id = @id`,
      )
      .run({
        id,
        status: end.status,
        finished_at: end.finishedAt ?? new Date().toISOString(),
        steps: end.steps ?? null,
        wall_seconds: end.wallSeconds ?? null,
        metrics: end.metrics ? JSON.stringify(end.metrics) : null,
        error: end.error ?? null,
      });
    if (info.changes === 0) throw new DataError(`no run "${id}" in the run index`, this.path);
  }

  getRun(id: string): IndexedRun | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Runs matching a query; by default in start order. */
  listRuns(query: RunQuery = {}): IndexedRun[] {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.sweep !== undefined) {
      conditions.push('sweep_id = ?');
      params.push(query.sweep);
    }
    for (const c of query.where ? parseWhere(query.where) : []) {
      conditions.push(`${c.sql} ${c.op === '!=' ? 'IS NOT' : c.op} ?`);
      params.push(...c.params, c.value);
    }
    const sort = query.sort ? parseSort(query.sort) : { sql: 'started_at IS NULL, started_at, id', params: [] };
    params.push(...sort.params);
    let sql = `SELECT * FROM runs${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${sort.sql}`;
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(query.limit);
    }
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(fromRow);
  }

  /**
   * The best run of a sweep by a final metric: among runs with a value, those that trained
   * furthest first (ASHA's top rung), then the metric in `direction`, then start order.
   */
  bestRun(sweep: string, metric: string, direction: 'max' | 'min'): IndexedRun | null {
    const { sql, params } = keyExpression(metric, 'metric');
    if (!sql.startsWith('json_extract(metrics')) throw whereError(`metric "${metric}" is not a final metric; ${INDEX_METRICS.join(', ')} or metric.<name>`);
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE sweep_id = ? AND ${sql} IS NOT NULL ORDER BY steps DESC, ${sql} ${direction === 'max' ? 'DESC' : 'ASC'}, started_at, id LIMIT 1`)
      .get(sweep, ...params, ...params) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  close(): void {
    this.db.close();
  }
}

/** Opens (creating when missing) the index at `path`. */
export function openRunIndex(path: string): RunIndex {
  return new RunIndex(path);
}

/** The numeric fields of an eval record worth keeping as final metrics. */
export function finalMetrics(record: Record<string, unknown> | undefined): Record<string, number> | null {
  if (!record) return null;
  const out: Record<string, number> = {};
  for (const key of INDEX_METRICS) {
    const v = record[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}

/** What a scan read from one run directory. */
export function runFromDir(dir: string, id: string): RunInput {
  const { config } = readRunConfig(dir);
  const records = readMetrics(join(dir, RUN_FILES.metrics));
  const steps = records.filter((r) => r.kind === 'step');
  const lastStep = typeof steps.at(-1)?.step === 'number' ? (steps.at(-1)!.step as number) : 0;
  const lastEval = records.filter((r) => r.kind === 'eval').at(-1);
  const diverged = records.find((r) => r.kind === 'diverged');
  const target = typeof (config as { steps?: unknown }).steps === 'number' ? (config as { steps: number }).steps : null;
  const status: RunStatus = diverged ? 'diverged' : target !== null && lastStep >= target && lastEval?.step === lastStep ? 'done' : 'incomplete';
  const ms = records.reduce((a, r) => a + (typeof r.ms === 'number' && (r.kind === 'step' || r.kind === 'eval') ? r.ms : 0), 0);
  const configPath = join(dir, RUN_FILES.config);
  const metricsPath = join(dir, RUN_FILES.metrics);
  return {
    id,
    dir: resolve(dir),
    config: config as Record<string, unknown>,
    status,
    startedAt: statSync(configPath).mtime.toISOString(),
    finishedAt: status === 'incomplete' || !existsSync(metricsPath) ? null : statSync(metricsPath).mtime.toISOString(),
    steps: lastStep,
    wallSeconds: ms / 1000,
    metrics: finalMetrics(lastEval),
    error: diverged ? String(diverged.message ?? 'diverged') : null,
  };
}

/** Folders inside a run directory that never hold another run. */
const RUN_PARTS = new Set<string>([RUN_FILES.checkpoints, RUN_FILES.samples, 'plots']);

/**
 * Every run directory (a folder with config.json) under `root`, to depth 4, sorted. The root
 * itself counts when it is one.
 */
export function findRunDirs(root: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, left: number) => {
    if (existsSync(join(dir, RUN_FILES.config))) {
      out.push(dir);
      return;
    }
    if (left === 0) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || RUN_PARTS.has(name)) continue;
      const child = join(dir, name);
      // A dangling symlink (its target moved or deleted) is skipped, not an error for the whole scan.
      if (statSync(child, { throwIfNoEntry: false })?.isDirectory()) walk(child, left - 1);
    }
  };
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DataError('not a folder', resolve(root));
  walk(resolve(root), depth);
  return out;
}

/**
 * Scans `root` for run directories (config.json + metrics.jsonl) and upserts each into the
 * index, id = its path relative to root's parent (`runs/20261123-…-ring8-s0`); `sweep` tags them.
 * Returns the ids written.
 */
export function indexRunDirs(index: RunIndex, root: string, options: { sweep?: string } = {}): string[] {
  const base = dirname(resolve(root));
  return findRunDirs(root).map((dir) => {
    const id = relative(base, dir);
    index.upsertRun({ ...runFromDir(dir, id), ...(options.sweep !== undefined ? { sweep: options.sweep } : {}) });
    return id;
  });
}
