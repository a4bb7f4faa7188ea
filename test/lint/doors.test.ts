/**
 * The doors of DESIGN.md, enforced in `npm test`: dependency-cruiser with the repo's
 * `.dependency-cruiser.cjs` over src/ must report nothing, and the same config must report each of
 * its rules on a throwaway tree built to break them (so the lint can fail).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

/** Runs depcruise in `cwd` over its src/ (async: a blocking spawn would starve vitest's worker RPC). */
async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', 'src'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const show = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

describe('the doors of src/', () => {
  it('src/ has no cycle, no Node import in the core, no side door and no import of the CLI or tests', async () => {
    expect((await cruise(ROOT)).map(show)).toEqual([]);
  }, 300_000);
});

describe('the lint fails on a violation', () => {
  /** One file per rule broken, plus files that must pass (the Node adapter may use Node; doors may be used). */
  const tree: Record<string, string> = {
    // A cycle through a door: a/a.ts → b/b.ts → a/index.ts → a/a.ts; a/a.ts also takes a side door.
    'src/a/index.ts': "export { a } from './a.ts';\n",
    'src/a/a.ts': "import { b } from '../b/b.ts';\nexport const a = 1 + b;\n",
    'src/b/index.ts': "export { b } from './b.ts';\n",
    'src/b/b.ts': "import { a } from '../a/index.ts';\nexport const b = 2;\nexport const ab = () => a;\n",
    // A cycle that closes only through type-only imports is erased when compiled: allowed, not reported.
    'src/d/x.ts': "import type { Y } from './y.ts';\nexport interface X { y?: Y }\n",
    'src/d/y.ts': "import type { X } from './x.ts';\nexport interface Y { x?: X }\n",
    // The core reaching for Node, the adapter, the CLI and the tests.
    'src/c/bad.ts': [
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      "import koffi from 'koffi';",
      "import { Command } from 'commander';",
      "import { ok } from '../node/index.ts';",
      "import { run } from '../cli/main.ts';",
      "import { helper } from '../../test/helper.ts';",
      'export const all = [readFileSync, join, koffi, Command, ok, run, helper];',
      '',
    ].join('\n'),
    'src/c/good.ts': "import { a } from '../a/index.ts';\nexport const good = a;\n",
    'src/node/index.ts': "export { ok } from './ok.ts';\n",
    'src/node/ok.ts': "import { readFileSync } from 'node:fs';\nimport koffi from 'koffi';\nimport { a } from '../a/index.ts';\nexport const ok = [readFileSync, koffi, a];\n",
    'src/cli/main.ts': "import { ok } from '../node/index.ts';\nexport const run = ok;\n",
    // The package entry taking a side door.
    'src/index.ts': "export { b } from './b/b.ts';\nexport { good } from './c/good.ts';\n",
    'test/helper.ts': 'export const helper = 1;\n',
  };

  it('reports exactly the broken rules, each where it is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddlepoint-doors-'));
    temps.push(dir);
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const found = (await cruise(dir)).map(show).sort();
    expect(found).toEqual(
      [
        'no-circular: src/a/a.ts → src/b/b.ts (cycle src/b/b.ts → src/a/index.ts → src/a/a.ts)',
        'core-no-node-builtin: src/c/bad.ts → fs',
        'core-no-node-builtin: src/c/bad.ts → path',
        'core-no-node-package: src/c/bad.ts → koffi',
        'core-no-node-package: src/c/bad.ts → commander',
        'core-no-adapter: src/c/bad.ts → src/node/index.ts',
        'core-no-adapter: src/c/bad.ts → src/cli/main.ts',
        'folder-door: src/a/a.ts → src/b/b.ts',
        'folder-door: src/c/bad.ts → src/cli/main.ts',
        'root-door: src/index.ts → src/b/b.ts',
        'root-door: src/index.ts → src/c/good.ts',
        'no-cli-or-test: src/c/bad.ts → src/cli/main.ts',
        'no-cli-or-test: src/c/bad.ts → test/helper.ts',
      ].sort(),
    );
  }, 300_000);
});
