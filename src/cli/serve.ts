import { existsSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_SERVE_PORT, isLoopback, startServer } from '../node/index.ts';
import { exitWithError } from './errors.ts';
import { intFlag } from './flags.ts';
import { onInterrupt } from './interrupt.ts';
import { DEFAULT_RUNS_DIR } from './train.ts';

interface ServeFlags {
  port: string;
  host: string;
  web?: string;
}

async function serve(runsDir: string, flags: ServeFlags, first: 'dashboard' | 'lab'): Promise<void> {
  const port = intFlag('--port', flags.port, { min: 0 })!;
  // The default folder is made on first use, so a fresh checkout serves the lab with no runs yet;
  // any other folder must exist (a typo is an error, not a new empty dashboard).
  if (runsDir === DEFAULT_RUNS_DIR && !existsSync(runsDir)) mkdirSync(runsDir, { recursive: true });
  const server = await startServer({ runsDir, port, host: flags.host, webDist: flags.web });
  if (!isLoopback(flags.host)) {
    process.stderr.write(
      `warning: --host ${flags.host}: anyone who can reach this machine on the network can read the runs in ${server.runsDir} (no login, no encryption); the default, 127.0.0.1, serves this machine only\n`,
    );
  }
  process.stdout.write(first === 'lab' ? `saddlepoint lab: ${server.url}\n` : `saddlepoint serve: ${server.url}\n`);
  process.stderr.write(`runs dashboard: ${server.url}runs.html · lab: ${server.url} · theory: ${server.url}theory.html · runs from ${server.runsDir} (read-only) · Ctrl-C to stop\n`);
  // The first Ctrl-C closes the streams and the socket; the process then ends on its own (a second one quits at once).
  let stop = () => {};
  const stopped = new Promise<void>((done) => (stop = done));
  const interrupt = onInterrupt('saddlepoint serve: stopping', () => stop());
  await stopped;
  await server.close();
  interrupt.dispose();
  process.exitCode = interrupt.exitCode();
}

/** Registers `saddlepoint serve [RUNS_DIR]` and `saddlepoint lab [RUNS_DIR]` (the same server, its lab page first). */
export function registerServe(program: Command): void {
  register(program, 'serve', 'dashboard');
  register(program, 'lab', 'lab').description('the lab in the browser (a GAN trains as the page opens), served with the runs dashboard; the same server as serve');
}

function register(program: Command, name: 'serve' | 'lab', first: 'dashboard' | 'lab'): Command {
  return program
    .command(name)
    .argument('[runs-dir]', 'the folder of run directories (where train --out writes)', DEFAULT_RUNS_DIR)
    .description('a local, read-only dashboard of run directories, live while they train, and the lab')
    .option('--port <port>', 'the port to listen on (0: any free one)', String(DEFAULT_SERVE_PORT))
    .option('--host <address>', 'the address to bind; other than 127.0.0.1/localhost, the runs are readable from the network', '127.0.0.1')
    .option('--web <dir>', 'the built web app to serve (default: the one npm run build:web writes, web/dist)')
    .addHelpText('after', '\nExamples:\n  npx saddlepoint serve                 # runs/ on http://127.0.0.1:7860/runs.html\n  npx saddlepoint serve /tmp/sweep --port 0')
    .action(async (runsDir: string, flags: ServeFlags) => {
      try {
        await serve(runsDir, flags, first);
      } catch (err) {
        exitWithError(err);
      }
    });
}
