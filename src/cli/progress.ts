import cliProgress from 'cli-progress';
import type { StepRecord } from '../train/index.ts';

/** Shows training progress on stderr: a live bar on a terminal, a line every 10 % otherwise. */
export class TrainProgress {
  private bar?: cliProgress.SingleBar;
  private readonly t0 = performance.now();
  private nextLine: number;

  constructor(private readonly start: number, private readonly total: number, private readonly quiet = false) {
    this.nextLine = start;
    if (!quiet && process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'step {value}/{total} |{bar}| D {dLoss} G {gLoss} | {sps} steps/s | ETA {eta_formatted}',
          barsize: 24,
          hideCursor: true,
          etaBuffer: 200,
          fps: 8,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, start, { dLoss: '-', gLoss: '-', sps: '-' });
    }
  }

  update(record: StepRecord): void {
    if (this.quiet) return;
    const elapsed = (performance.now() - this.t0) / 1000;
    const sps = (record.step - this.start) / Math.max(elapsed, 1e-9);
    const payload = { dLoss: record.dLoss.toFixed(3), gLoss: record.gLoss.toFixed(3), sps: sps.toFixed(1) };
    if (this.bar) {
      this.bar.update(record.step, payload);
      return;
    }
    if (record.step >= this.nextLine || record.step === this.total) {
      const eta = (this.total - record.step) / Math.max(sps, 1e-9);
      process.stderr.write(`step ${record.step}/${this.total}  D ${payload.dLoss}  G ${payload.gLoss}  ${payload.sps} steps/s  ETA ${eta.toFixed(0)}s\n`);
      this.nextLine = record.step + Math.max(1, Math.round((this.total - this.start) / 10));
    }
  }

  /** Prints lines above the bar (the bar redraws on its next update). */
  note(text: string): void {
    process.stderr.write(`${this.bar ? '\r\x1b[K' : ''}${text.endsWith('\n') ? text : `${text}\n`}`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
