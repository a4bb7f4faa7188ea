/**
 * The published package works without this checkout: `npm pack`, install the tarball into an empty
 * project, then use it the ways a user would — plain Node ESM (fixtures/train-ring8.mjs trains 20
 * ring8 steps), the `saddlepoint` bin, TypeScript against the shipped .d.ts, and a browser bundle.
 * Every child process is async: a blocking spawn would starve vitest's worker RPC. Under
 * `npm run test:slow`: packing, installing and type-checking take about 4 minutes on 2 cores.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (cmd: string, args: string[], cwd: string) =>
  promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
const npm = (args: string[], cwd: string) => run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd);

/** Generous: the machine is shared, and tfjs's first import and the cpu backend are slow under load. */
const SLOW = 600_000;
const STEP_FIELDS = ['dLoss', 'dPenalty', 'gLoss', 'dReal', 'dFake', 'gradNormD', 'gradNormG', 'ms'] as const;

let temp: string;
let project: string;
let tarball: string;

const slow = process.env.SADDLEPOINT_SLOW === '1';

beforeAll(async () => {
  if (!slow) return;
  temp = mkdtempSync(join(tmpdir(), 'saddlepoint-pack-'));
  // prepack cleans dist/ and prepare compiles it, so the tarball holds exactly what src/ builds to.
  const packed = await npm(['pack', '--json', '--pack-destination', temp], ROOT);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(temp, info.filename);
  project = join(temp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-saddlepoint', private: true, type: 'module' }));
  // The dependencies come from the npm cache when it has them: the registry is only asked what is missing.
  await npm(['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  for (const file of ['train-ring8.mjs', 'bundle-entry.mjs', 'consumer.ts']) copyFileSync(join(FIXTURES, file), join(project, file));
}, 1_200_000);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe.runIf(slow)('the packed tarball (test:slow)', () => {
  it('ships compiled ESM and .d.ts, not the TypeScript source or the build cache', async () => {
    const installed = join(project, 'node_modules', 'saddlepoint');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/node/index.js', 'dist/node/index.d.ts', 'dist/cli/main.js', 'bin/saddlepoint.js']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'dist', '.tsbuildinfo'))).toBe(false);
    // tsx is a dev tool of the checkout: an installed package must run without it.
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('trains 20 ring8 steps on the cpu backend from a plain .mjs file', async () => {
    const { stdout } = await run(process.execPath, ['train-ring8.mjs'], project);
    const { backend, records } = JSON.parse(stdout.trim().split('\n').pop()!) as { backend: string; records: Record<string, unknown>[] };
    expect(backend).toBe('cpu');
    expect(records).toHaveLength(20);
    records.forEach((r, i) => {
      expect(r.kind).toBe('step');
      expect(r.step).toBe(i + 1);
      for (const field of STEP_FIELDS) expect(Number.isFinite(r[field]), `step ${i + 1} ${field} = ${String(r[field])}`).toBe(true);
    });
    // Training moved the players: the losses are not one repeated number.
    expect(new Set(records.map((r) => r.dLoss)).size).toBeGreaterThan(10);
  }, SLOW);

  it('runs the saddlepoint bin from dist with plain Node', async () => {
    const { stdout } = await run(process.execPath, [join(project, 'node_modules', '.bin', 'saddlepoint'), '--version'], project);
    expect(stdout.trim()).toBe('0.1.0');
  }, SLOW);

  it('type-checks a TypeScript consumer against the shipped .d.ts', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }),
    );
    // tsc exits non-zero on any error, an unresolved .d.ts import included (the promise rejects with its output).
    await expect(run(process.execPath, [TSC, '-p', 'tsconfig.json'], project)).resolves.toMatchObject({ stdout: '' });
  }, SLOW);

  it('bundles for the browser: the core reaches no Node builtin and no Node adapter', async () => {
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['bundle-entry.mjs'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('saddlepoint/dist/train/'))).toBe(true);
    expect(inputs.filter((p) => /saddlepoint\/dist\/(node|cli)\//.test(p))).toEqual([]);
    expect(result.outputFiles[0].text.length).toBeGreaterThan(100_000);
  }, SLOW);
});
