#!/usr/bin/env node
// Two ways to run the CLI, told apart by whether the TypeScript source sits beside bin/:
// - a checkout (`npm ci && npx saddlepoint`): src/ through tsx, so edits apply with no rebuild and a
//   stale dist/ is never run;
// - an installed package (the tarball ships dist/, not src/): the compiled ESM with plain Node, so
//   users need neither tsx nor TypeScript.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
