/** Walks vega-lite specs in tests: compile with warnings captured, and collect marks, data and encodings. */
import { compile, type TopLevelSpec } from 'vega-lite';

/** Compiles a spec; returns the vega spec and every warning vega-lite logged (a good spec has none). */
export function compileChecked(spec: TopLevelSpec): { vega: ReturnType<typeof compile>['spec']; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => {
      throw new Error(args.map(String).join(' '));
    },
    warn: (...args: readonly unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { vega: compile(spec, { logger }).spec, warnings };
}

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

/** Every mark type in the spec, in document order. */
export function marksOf(spec: TopLevelSpec): string[] {
  const out: string[] = [];
  walk(spec, (n) => {
    if (typeof n.mark === 'string') out.push(n.mark);
    else if (n.mark && typeof n.mark === 'object' && typeof (n.mark as Node).type === 'string') out.push((n.mark as Node).type as string);
  });
  return out;
}

/** Every inline data array in the spec, in document order. */
export function dataOf(spec: TopLevelSpec): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  walk(spec, (n) => {
    const data = n.data as Node | undefined;
    if (data && Array.isArray(data.values)) out.push(data.values as Record<string, unknown>[]);
  });
  return out;
}

/** Every encoding channel definition for `channel` (e.g. all `color` encodings). */
export function encodingsOf(spec: TopLevelSpec, channel: string): Node[] {
  const out: Node[] = [];
  walk(spec, (n) => {
    const enc = n.encoding as Node | undefined;
    if (enc && enc[channel] && typeof enc[channel] === 'object') out.push(enc[channel] as Node);
  });
  return out;
}
