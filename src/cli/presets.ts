import type { Command } from 'commander';
import { PRESETS } from '../config/index.ts';
import { LOSSES, LOSS_NAMES } from '../losses/index.ts';

/** Registers `saddlepoint presets`. */
export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the built-in presets and loss families')
    .option('--json', 'print them as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ presets: Object.values(PRESETS), losses: LOSS_NAMES })}\n`);
        return;
      }
      process.stdout.write('Presets (use with --preset):\n');
      for (const p of Object.values(PRESETS)) process.stdout.write(`  ${p.name.padEnd(12)} ${p.summary}\n`);
      process.stdout.write('\nLosses (use with --loss):\n');
      for (const n of LOSS_NAMES) process.stdout.write(`  ${n.padEnd(15)} ${LOSSES[n].summary}\n`);
    });
}
