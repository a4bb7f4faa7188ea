import { Command, CommanderError } from 'commander';
import { registerBench } from './bench.ts';
import { registerCompare } from './compare.ts';
import { registerDemo } from './demo.ts';
import { registerDoctor } from './doctor.ts';
import { registerEval } from './eval.ts';
import { registerInfo } from './info.ts';
import { registerMetrics } from './metrics.ts';
import { registerSample } from './sample.ts';
import { registerPlot } from './plot.ts';
import { registerPresets } from './presets.ts';
import { registerReport } from './report.ts';
import { registerRuns, registerSweepStatus } from './runs.ts';
import { registerScenario } from './scenario.ts';
import { registerServe } from './serve.ts';
import { registerSweep } from './sweep.ts';
import { registerTrain } from './train.ts';
import { registerWorker } from './worker.ts';

const program = new Command();
program
  .name('saddlepoint')
  .description('Train GANs, see why they fail, and fix them.')
  .version('0.1.0')
  .showHelpAfterError()
  // Usage errors (unknown command or flag, a missing argument) are input the user can fix: exit 2
  // like every other refused input, not commander's default 1. Set before the commands are
  // registered, so they inherit it.
  .exitOverride();
registerDemo(program);
registerTrain(program);
registerCompare(program);
registerSweepStatus(registerSweep(program));
registerWorker(program);
registerRuns(program);
registerPresets(program);
registerEval(program);
registerMetrics(program);
registerSample(program);
registerDoctor(program);
registerReport(program);
registerPlot(program);
registerScenario(program);
registerServe(program);
registerBench(program);
registerInfo(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  // commander has already printed its message (and the help after it).
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  throw err;
}
