import type { Command } from 'commander';
import { allRecommendations, PRESETS } from '../config/index.ts';
import { LOSSES, LOSS_NAMES } from '../losses/index.ts';

/** The leaves of a config fragment as dotted paths. */
function flatten(fragment: Readonly<Record<string, unknown>>, prefix = ''): [string, unknown][] {
  return Object.entries(fragment).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

/** Registers `saddlepoint presets`. */
export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the built-in presets, loss families and the settings each loss and remedy recommends')
    .option('--json', 'print them as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ presets: Object.values(PRESETS), losses: LOSS_NAMES, recommended: allRecommendations() })}\n`);
        return;
      }
      process.stdout.write('Presets (use with --preset):\n');
      for (const p of Object.values(PRESETS)) process.stdout.write(`  ${p.name.padEnd(12)} ${p.summary}\n`);
      process.stdout.write('\nLosses (use with --loss):\n');
      for (const n of LOSS_NAMES) process.stdout.write(`  ${n.padEnd(15)} ${LOSSES[n].summary}\n`);
      process.stdout.write(
        "\nRecommended settings, applied when the loss or stabilizer is chosen unless you set the field\n(a preset does not count; --no-recommended turns them off; config.json lists what a run received):\n",
      );
      for (const { kind, name, recommended } of allRecommendations()) {
        for (const r of recommended) {
          const leaves = flatten(r.settings).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
          process.stdout.write(`  ${kind} ${name}${r.domain ? ` (${r.domain} only)` : ''}: ${leaves}\n      ${r.why}\n`);
        }
      }
    });
}
