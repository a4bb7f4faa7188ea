/**
 * scripts/fix-doors.ts on a throwaway tree: side doors become doors (merged, with the re-export the
 * door lacked), while a homonym, a namespace import and a rewrite that would close a cycle are left
 * alone and reported.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SCRIPT = join(ROOT, 'scripts', 'fix-doors.ts');

const tree: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true, strict: true }, include: ['src'] }),
  'src/a/index.ts': "export { x } from './x.ts';\n",
  'src/a/x.ts': 'export const x = 1;\nexport interface Y { y: number }\n',
  'src/a/other.ts': "export const x = 'other';\n",
  'src/b/use.ts': [
    "import { x } from '../a/x.ts';",
    "import type { Y } from '../a/x.ts';",
    "import { x as otherX } from '../a/other.ts';",
    "import * as all from '../a/x.ts';",
    'export const used = [x, otherX, all] as const;',
    'export type U = Y;',
    '',
  ].join('\n'),
  // c.ts → d/index.ts would close c.ts → d/index.ts → d/dc.ts → c/index.ts → c.ts.
  'src/c/index.ts': "export { c } from './c.ts';\n",
  'src/c/c.ts': "import { d } from '../d/d.ts';\nexport const c = d;\n",
  'src/d/index.ts': "export { d } from './d.ts';\nexport { dc } from './dc.ts';\n",
  'src/d/d.ts': 'export const d = 1;\n',
  'src/d/dc.ts': "import { c } from '../c/index.ts';\nexport const dc = () => c;\n",
};

let dir: string;
let stdout: string;
let exitCode: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saddlepoint-fix-doors-'));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // Async: a blocking spawn would starve vitest's worker RPC. Exit 1 is expected (doors are left).
  const result = await promisify(execFile)(process.execPath, [TSX, SCRIPT, '--root', dir], { encoding: 'utf8' }).then(
    (r) => ({ stdout: r.stdout, code: 0 }),
    (e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }),
  );
  stdout = result.stdout;
  exitCode = result.code;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(dir, path), 'utf8');

describe('scripts/fix-doors.ts', () => {
  it('merges the side doors of one file into one import of the door, keeping type-only names typed', () => {
    expect(read('src/b/use.ts').split('\n').slice(0, 3)).toEqual([
      "import { x, type Y } from '../a/index.ts';",
      "import { x as otherX } from '../a/other.ts';",
      "import * as all from '../a/x.ts';",
    ]);
  });

  it('adds the re-export the door lacked, as a type when the name is one', () => {
    expect(read('src/a/index.ts')).toBe("export { x } from './x.ts';\nexport { type Y } from './x.ts';\n");
  });

  it('leaves a homonym, a namespace import and a cycle-closing rewrite, and says why', () => {
    expect(read('src/c/c.ts')).toBe(tree['src/c/c.ts']);
    expect(stdout).toContain("src/b/use.ts: ../a/other.ts (src/a/index.ts exports another 'x')");
    expect(stdout).toContain('src/b/use.ts: ../a/x.ts (namespace import (import * as …))');
    expect(stdout).toContain('src/c/c.ts: ../d/d.ts (the door would close a cycle: src/c/c.ts → src/d/index.ts → src/d/dc.ts → src/c/index.ts → src/c/c.ts)');
    expect(stdout).toContain('3 side-door import(s) not fixed');
    expect(stdout).toContain('2 side-door import(s) redirected');
    expect(exitCode).toBe(1);
  });
});
