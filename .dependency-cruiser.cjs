// The doors of DESIGN.md, checked on every `npm test` (test/lint/doors.test.ts) and by
// `npm run lint:deps`. Paths are relative to the directory depcruise runs in, so the same rules
// judge the repo's src/ and the test's throwaway trees.

/** The core: everything under src/ that must run in a browser. */
const core = { path: '^src/', pathNot: '^src/(node|cli)/' };

/** Packages that only work in Node (native code, the file system, processes, terminals). */
const nodeOnlyPackages = ['koffi', '@resvg/resvg-js', 'sharp', 'better-sqlite3', 'bullmq', 'ioredis', 'commander', 'cli-progress', '@hono/node-server'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles that exist when the code runs: a cycle makes load order matter and folders inseparable. ' +
        'A cycle that only closes through a type-only import (a session type naming its game-scheme config type, whose registry steps sessions) is erased at compile time and allowed.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-no-node-builtin',
      severity: 'error',
      comment: 'The core runs in the browser: Node builtins (node:fs, path, …) belong in src/node/.',
      from: core,
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-no-node-package',
      severity: 'error',
      comment: `The core runs in the browser: Node-only packages (${nodeOnlyPackages.join(', ')}) belong in src/node/ or src/cli/.`,
      from: core,
      // Unresolved packages (not installed) are matched by their bare name.
      to: { path: `(^|node_modules/)(${nodeOnlyPackages.map((p) => p.replace('/', '\\/')).join('|')})(/|$)` },
    },
    {
      name: 'core-no-adapter',
      severity: 'error',
      comment: 'The core never imports the Node adapter or the CLI: they import the core.',
      from: core,
      to: { path: '^src/(node|cli)/' },
    },
    {
      name: 'folder-door',
      severity: 'error',
      comment: "A folder of src/ is entered through its index.ts: import '../train/index.ts', not '../train/session.ts'.",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'root-door',
      severity: 'error',
      comment: "Files directly in src/ (the package entry) enter folders through their index.ts too.",
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-cli-or-test',
      severity: 'error',
      comment: 'The library never imports the CLI (a frontend over it) or the tests.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^(src/cli|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: they shape the .d.ts files and the folders' coupling as much as values.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6'],
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts'] },
  },
};
