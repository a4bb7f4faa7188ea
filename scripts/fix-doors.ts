/**
 * Codemod: imports that enter another folder of src/ through a side door (`../train/session.ts`)
 * are rewritten to go through that folder's `index.ts`, the rule `folder-door` of
 * `.dependency-cruiser.cjs` checks. An import is rewritten only when every name it takes is the
 * very same declaration the index exports (checked with the type checker, so a homonym from
 * another file of the folder is never substituted). A name the index lacks is added to it as a
 * re-export (listed in the output); an index that does not exist is created. Imports of the same
 * file that end up naming the same index are merged into one declaration.
 *
 * Printed: every rewrite, every re-export added, what could not be fixed and why (default,
 * namespace and side-effect imports, `export *`, a name the index exports from another
 * declaration), then the folder-level dependency graph of the result and its folder cycles.
 *
 * Usage: `npx tsx scripts/fix-doors.ts [--dry-run] [--root DIR]` (exit 1 if a side door or a folder
 * cycle is left).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const rootFlag = process.argv.indexOf('--root');
/** The project whose src/ is rewritten: this repo, or `--root DIR` (the codemod's own test uses a throwaway tree). */
const ROOT = rootFlag >= 0 ? resolve(process.argv[rootFlag + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const dryRun = process.argv.includes('--dry-run');

/** The top-level folder of src/ a file belongs to: '' for files directly in src/, undefined outside src/. */
function folderOf(file: string): string | undefined {
  const rel = relative(SRC, file);
  if (rel.startsWith('..') || rel.startsWith(sep) || rel === '') return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? '' : parts[0];
}

const indexOf = (folder: string) => join(SRC, folder, 'index.ts');
const posixRelative = (fromDir: string, to: string) => {
  const rel = relative(fromDir, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
};
const show = (file: string) => relative(ROOT, file).split(sep).join('/');

function loadProgram(): ts.Program {
  const configPath = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  return ts.createProgram({ rootNames: parsed.fileNames.filter((f) => folderOf(f) !== undefined), options: parsed.options });
}

type Statement = ts.ImportDeclaration | ts.ExportDeclaration;

/** One relative import or re-export of a src/ file, resolved. */
interface Edge {
  file: ts.SourceFile;
  statement: Statement;
  specifier: ts.StringLiteral;
  target: string;
}

function edgesOf(program: ts.Program, file: ts.SourceFile): Edge[] {
  const edges: Edge[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const resolved = ts.resolveModuleName(specifier.text, file.fileName, program.getCompilerOptions(), ts.sys).resolvedModule;
    if (resolved) edges.push({ file, statement, specifier, target: resolve(resolved.resolvedFileName) });
  }
  return edges;
}

/** A side-door edge: from one folder (or src/ itself) into a non-index file of another folder. */
function isViolation(edge: Edge): boolean {
  const from = folderOf(edge.file.fileName);
  const to = folderOf(edge.target);
  return from !== undefined && to !== undefined && to !== '' && to !== from && edge.target !== indexOf(to);
}

/** The names an import/export statement takes, or why it cannot be redirected name by name. */
function namesOf(statement: Statement): { names: ts.ImportSpecifier[] | ts.ExportSpecifier[] } | { reason: string } {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause) return { reason: 'side-effect import' };
    if (clause.name) return { reason: 'default import' };
    if (!clause.namedBindings) return { reason: 'import without names' };
    if (ts.isNamespaceImport(clause.namedBindings)) return { reason: 'namespace import (import * as …)' };
    return { names: [...clause.namedBindings.elements] };
  }
  if (!statement.exportClause) return { reason: 'export * from …' };
  if (ts.isNamespaceExport(statement.exportClause)) return { reason: 'export * as … from …' };
  return { names: [...statement.exportClause.elements] };
}

function finalSymbol(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function exportsOf(checker: ts.TypeChecker, file: ts.SourceFile | undefined): Map<string, ts.Symbol> {
  const module = file && checker.getSymbolAtLocation(file);
  return new Map((module ? checker.getExportsOfModule(module) : []).map((s) => [s.name, finalSymbol(checker, s)]));
}

interface Addition {
  name: string;
  from: string;
  typeOnly: boolean;
}

interface Plan {
  rewrites: { edge: Edge; index: string }[];
  additions: Map<string, Addition[]>;
  unfixed: { edge: Edge; reason: string }[];
}

function plan(program: ts.Program): Plan {
  const checker = program.getTypeChecker();
  const candidates: { edge: Edge; index: string; adds: Addition[] }[] = [];
  const unfixed: Plan['unfixed'] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || folderOf(file.fileName) === undefined) continue;
    for (const edge of edgesOf(program, file).filter(isViolation)) {
      const index = indexOf(folderOf(edge.target)!);
      const taken = namesOf(edge.statement);
      if ('reason' in taken) {
        unfixed.push({ edge, reason: taken.reason });
        continue;
      }
      const targetExports = exportsOf(checker, program.getSourceFile(edge.target));
      const indexExports = exportsOf(checker, program.getSourceFile(index));
      const adds: Addition[] = [];
      let reason: string | undefined;
      for (const element of taken.names) {
        const name = (element.propertyName ?? element.name).text;
        const symbol = targetExports.get(name);
        if (!symbol) {
          reason = `${show(edge.target)} does not export '${name}'`;
          break;
        }
        const atDoor = indexExports.get(name);
        if (atDoor === symbol) continue;
        if (atDoor) {
          reason = `${show(index)} exports another '${name}'`;
          break;
        }
        adds.push({ name, from: edge.target, typeOnly: !(symbol.flags & ts.SymbolFlags.Value) });
      }
      if (reason) unfixed.push({ edge, reason });
      else candidates.push({ edge, index, adds });
    }
  }
  // Two files of one folder offering the same missing name: the door cannot export both.
  const offered = new Map<string, Set<string>>();
  for (const c of candidates) for (const a of c.adds) offered.set(`${c.index}\0${a.name}`, (offered.get(`${c.index}\0${a.name}`) ?? new Set()).add(a.from));
  const additions = new Map<string, Addition[]>();
  const rewrites: Plan['rewrites'] = [];
  // The file graph as the accepted rewrites leave it. A door re-exports its whole folder, so going
  // through it can close a cycle the side door did not: such a rewrite is refused (an ES module
  // cycle can read a binding before it is initialised), and the cycle is printed for a refactor.
  const graph = fileGraph(program);
  candidates.sort((a, b) => a.edge.file.fileName.localeCompare(b.edge.file.fileName) || a.edge.statement.pos - b.edge.statement.pos);
  for (const c of candidates) {
    const clash = c.adds.find((a) => offered.get(`${c.index}\0${a.name}`)!.size > 1);
    if (clash) {
      unfixed.push({ edge: c.edge, reason: `'${clash.name}' is exported by several files of ${show(dirname(c.index))} and not by its index` });
      continue;
    }
    const from = c.edge.file.fileName;
    const added = c.adds.map((a) => a.from).filter((t) => !graph.get(c.index)?.has(t));
    for (const t of added) link(graph, c.index, t);
    const loop = pathBetween(graph, c.index, from);
    if (loop) {
      for (const t of added) graph.get(c.index)!.delete(t);
      unfixed.push({ edge: c.edge, reason: `the door would close a cycle: ${[from, ...loop].map(show).join(' → ')}` });
      continue;
    }
    link(graph, from, c.index);
    rewrites.push({ edge: c.edge, index: c.index });
    const list = additions.get(c.index) ?? [];
    for (const a of c.adds) if (!list.some((b) => b.name === a.name)) list.push(a);
    additions.set(c.index, list);
  }
  for (const [index, list] of additions) if (!list.length) additions.delete(index);
  return { rewrites, additions, unfixed };
}

/** File → files it imports or re-exports from (relative specifiers, type-only included). */
function fileGraph(program: ts.Program): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || folderOf(file.fileName) === undefined) continue;
    for (const edge of edgesOf(program, file)) link(graph, resolve(file.fileName), edge.target);
  }
  return graph;
}

function link(graph: Map<string, Set<string>>, from: string, to: string): void {
  graph.set(from, (graph.get(from) ?? new Set()).add(to));
}

/** A shortest import path from `from` to `to` (both ends included), or undefined. */
function pathBetween(graph: Map<string, Set<string>>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift()!;
    if (node === to) {
      const path = [node];
      while (path[0] !== from) path.unshift(previous.get(path[0])!);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

interface TextEdit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);
}

/** The edits of one file: redirected specifiers, and imports of one index merged into the first. */
function fileEdits(program: ts.Program, file: ts.SourceFile, rewrites: Plan['rewrites']): TextEdit[] {
  const edits: TextEdit[] = [];
  const byIndex = new Map<string, ts.ImportDeclaration[]>();
  for (const { edge, index } of rewrites) {
    const spec = posixRelative(dirname(file.fileName), index);
    if (ts.isImportDeclaration(edge.statement)) byIndex.set(index, [...(byIndex.get(index) ?? []), edge.statement]);
    else edits.push({ start: edge.specifier.getStart(file), end: edge.specifier.getEnd(), text: `'${spec}'` });
  }
  // Imports that already go through a door join the group of that door.
  for (const edge of edgesOf(program, file)) {
    const group = byIndex.get(edge.target);
    const taken = namesOf(edge.statement);
    if (group && ts.isImportDeclaration(edge.statement) && 'names' in taken && !group.includes(edge.statement)) group.push(edge.statement);
  }
  for (const [index, group] of byIndex) {
    const spec = posixRelative(dirname(file.fileName), index);
    group.sort((a, b) => a.getStart(file) - b.getStart(file));
    if (group.length === 1) {
      const literal = group[0].moduleSpecifier;
      edits.push({ start: literal.getStart(file), end: literal.getEnd(), text: `'${spec}'` });
      continue;
    }
    const allTypes = group.every((d) => d.importClause!.isTypeOnly);
    const names: string[] = [];
    for (const d of group) {
      for (const element of (d.importClause!.namedBindings as ts.NamedImports).elements) {
        const text = !allTypes && d.importClause!.isTypeOnly ? `type ${element.getText(file)}` : element.getText(file);
        if (!names.includes(text)) names.push(text);
      }
    }
    edits.push({ start: group[0].getStart(file), end: group[0].getEnd(), text: `import ${allTypes ? 'type ' : ''}{ ${names.join(', ')} } from '${spec}';` });
    for (const d of group.slice(1)) {
      const end = file.text[d.getEnd()] === '\n' ? d.getEnd() + 1 : d.getEnd();
      edits.push({ start: d.getStart(file), end, text: '' });
    }
  }
  return edits;
}

function additionText(index: string, list: Addition[]): string {
  const byFile = new Map<string, Addition[]>();
  for (const a of list) byFile.set(a.from, [...(byFile.get(a.from) ?? []), a]);
  return [...byFile]
    .map(([from, adds]) => `export { ${adds.map((a) => (a.typeOnly ? `type ${a.name}` : a.name)).join(', ')} } from '${posixRelative(dirname(index), from)}';\n`)
    .join('');
}

/** A node of the folder graph: a folder's name, or a file directly in src/ (`errors.ts`) on its own. */
function nodeOf(file: string): string | undefined {
  const folder = folderOf(file);
  return folder === '' ? relative(SRC, file) : folder;
}

/** Folder → folders it imports (type-only imports included), from the files as they are now. */
function folderGraph(program: ts.Program): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of program.getSourceFiles()) {
    const from = nodeOf(file.fileName);
    if (file.isDeclarationFile || from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const edge of edgesOf(program, file)) {
      const to = nodeOf(edge.target);
      if (to !== undefined && to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder: the folder cycles (Tarjan). */
function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

function main(): void {
  const program = loadProgram();
  const { rewrites, additions, unfixed } = plan(program);
  const byFile = new Map<ts.SourceFile, Plan['rewrites']>();
  for (const r of rewrites) byFile.set(r.edge.file, [...(byFile.get(r.edge.file) ?? []), r]);

  console.log(`${rewrites.length} side-door import(s) redirected to a folder's index.ts, in ${byFile.size} file(s)${dryRun ? ' (dry run: nothing written)' : ''}:`);
  for (const [file, list] of [...byFile].sort(([a], [b]) => a.fileName.localeCompare(b.fileName))) {
    for (const { edge, index } of list) console.log(`  ${show(file.fileName)}: ${edge.specifier.text} → ${posixRelative(dirname(file.fileName), index)}`);
    if (!dryRun) writeFileSync(file.fileName, applyEdits(file.text, fileEdits(program, file, list)));
  }
  console.log(`${[...additions.values()].reduce((n, l) => n + l.length, 0)} re-export(s) added to doors:`);
  for (const [index, list] of [...additions].sort(([a], [b]) => a.localeCompare(b))) {
    const exists = existsSync(index);
    for (const a of list) console.log(`  ${show(index)}${exists ? '' : ' (created)'}: ${a.typeOnly ? 'type ' : ''}${a.name} from ${show(a.from)}`);
    if (dryRun) continue;
    const header = `/** The ${show(dirname(index))} folder's door for other folders (created by scripts/fix-doors.ts). */\n`;
    const before = exists ? readFileSync(index, 'utf8') : header;
    writeFileSync(index, `${before}${before.endsWith('\n') ? '' : '\n'}${additionText(index, list)}`);
  }
  console.log(`${unfixed.length} side-door import(s) not fixed:`);
  for (const { edge, reason } of unfixed) console.log(`  ${show(edge.file.fileName)}: ${edge.specifier.text} (${reason})`);

  const after = dryRun ? program : loadProgram();
  const graph = folderGraph(after);
  console.log('folder dependency graph (type-only imports included):');
  for (const [folder, deps] of [...graph].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${folder} → ${[...deps].sort().join(', ') || '(none)'}`);
  const cycles = folderCycles(graph);
  console.log(cycles.length ? `folder cycles: ${cycles.map((c) => c.join(' ⇄ ')).join('; ')}` : 'folder cycles: none');
  // The file edges that tie each cycle's folders together: what a refactor has to move.
  for (const cycle of cycles) {
    console.log(`  edges inside ${cycle.join(' ⇄ ')}:`);
    for (const file of after.getSourceFiles()) {
      const from = nodeOf(file.fileName);
      if (file.isDeclarationFile || from === undefined || !cycle.includes(from)) continue;
      for (const edge of edgesOf(after, file)) {
        const to = nodeOf(edge.target);
        if (to !== undefined && to !== from && cycle.includes(to)) console.log(`    ${show(file.fileName)} → ${show(edge.target)}`);
      }
    }
  }
  process.exitCode = unfixed.length || cycles.length ? 1 : 0;
}

main();
