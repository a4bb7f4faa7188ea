import type { Finding } from './types.ts';

/**
 * A finding as a few readable lines: what, since when, the numbers, and what to try (the first
 * remedy is the one to try first).
 *
 * @example
 * findings.map(formatFinding).join('\n');
 */
export function formatFinding(f: Finding, index: number): string {
  const when = f.toStep !== undefined ? `steps ${f.fromStep}–${f.toStep}` : `from step ${f.fromStep}`;
  const lines = [`${index + 1}. ${f.pathology} [${f.severity}] ${when}`, `   ${f.explanation}`];
  const evidence = Object.entries(f.evidence).map(([k, v]) => `${k}=${v}`);
  if (evidence.length) lines.push(`   evidence: ${evidence.join(', ')}`);
  f.remedies.forEach((r, i) => lines.push(`   ${i === 0 ? 'try' : ' or'}: ${r.change}`, `        ${r.why}`));
  return lines.join('\n');
}
