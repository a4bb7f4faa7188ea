import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.ts';

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON writes NaN and ±Infinity as null, which would hide what the user wrote.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(config)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** Turns one zod issue into a sentence naming the field, the value and what is allowed. */
function describe(issue: z.core.$ZodIssue, root: unknown): ConfigIssue {
  const field = fieldOf(issue.path);
  const received = issue.input ?? valueAt(root, issue.path);
  switch (issue.code) {
    case 'invalid_value':
      return { field, received, message: `got ${show(received)}; allowed: ${issue.values.map((v) => show(v)).join(', ')}` };
    case 'unrecognized_keys':
      return { field, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
    case 'invalid_union': {
      const note = (issue as { note?: string }).note;
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator) {
        const options = (issue as { options?: unknown[] }).options;
        // zod 4 already ends the path with the discriminator; older versions stop at the object.
        const path = issue.path[issue.path.length - 1] === discriminator ? issue.path : [...issue.path, discriminator];
        const got = valueAt(root, path);
        const allowed = options?.length ? `; allowed: ${options.map((o) => show(o)).join(', ')}` : '';
        return { field: fieldOf(path), received: got, message: `got ${show(got)}${allowed}` };
      }
      return { field, received, message: note ?? issue.message };
    }
    case 'invalid_type':
      return { field, received, message: received === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}, got ${show(received)}` };
    default:
      return { field, received, message: `${issue.message}${received !== undefined ? ` (got ${show(received)})` : ''}` };
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Validates `input` against `schema`, or throws a {@link ConfigError} listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'config'): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => describe(i, input));
  const lines = issues.map((i) => `  ${i.field}: ${i.message}`);
  throw new ConfigError(`invalid ${what}:\n${lines.join('\n')}`, issues);
}
