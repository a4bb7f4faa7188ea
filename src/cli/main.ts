import { Command } from 'commander';
import { registerBench } from './bench.ts';
import { registerCompare } from './compare.ts';
import { registerDoctor } from './doctor.ts';
import { registerEval } from './eval.ts';
import { registerInfo } from './info.ts';
import { registerPlot } from './plot.ts';
import { registerPresets } from './presets.ts';
import { registerReport } from './report.ts';
import { registerScenario } from './scenario.ts';
import { registerTrain } from './train.ts';

const program = new Command();
program
  .name('saddlepoint')
  .description('Train GANs, see why they fail, and fix them.')
  .version('0.1.0')
  .showHelpAfterError();
registerTrain(program);
registerCompare(program);
registerPresets(program);
registerEval(program);
registerDoctor(program);
registerReport(program);
registerPlot(program);
registerScenario(program);
registerBench(program);
registerInfo(program);
await program.parseAsync(process.argv);
