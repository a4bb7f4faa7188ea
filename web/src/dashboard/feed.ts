/**
 * One run's records in the dashboard: read once from the runs API, then followed live through its
 * event stream (`records` events append, `reset` starts over when the file was cut back or
 * rewritten). The records become the same columns the lab's charts draw ({@link appendSteps},
 * {@link appendEval}).
 */
import type { EvalRecord, RunDetail, StepRecord } from '../core.ts';
import { EVAL_SERIES, STEP_SERIES, appendEval, appendSteps, emptyColumns, type Columns } from '../lab-state.ts';

/** A run name (`a/b`) as a URL path: each segment encoded. */
export function runPath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** JSON as the run files hold it: a measure that was NaN is stored as null, and becomes NaN again. */
export function parseRecordsJson<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => (value === null ? NaN : value)) as T;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return parseRecordsJson<T>(await response.text());
}

/** Where the live stream is. */
export type FeedLink = 'loading' | 'live' | 'reconnecting' | 'failed';

/** A run's records, kept up to date; `changed` is called after every change. */
export class RunFeed {
  steps: Columns<(typeof STEP_SERIES)[number]> = emptyColumns(STEP_SERIES);
  evals: Columns<(typeof EVAL_SERIES)[number]> = emptyColumns(EVAL_SERIES);
  detail?: RunDetail;
  lastEval?: EvalRecord;
  link: FeedLink = 'loading';
  /** The newest step with a `samples/<step>.json` snapshot, as far as this page knows. */
  snapshotStep?: number;
  problem?: string;
  private source?: EventSource;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly changed: () => void,
  ) {
    void this.open();
  }

  private async open(): Promise<void> {
    try {
      const detail = await getJson<RunDetail>(`api/runs/${runPath(this.name)}`);
      if (this.closed) return;
      this.detail = detail;
      this.add(detail.records);
      this.snapshotStep = detail.samples.at(-1);
      // The run writes an evaluation's snapshot before its record, unless its config turned snapshots off.
      const snapshots = (detail.config.eval as { snapshots?: unknown } | undefined)?.snapshots !== false;
      const source = new EventSource(`api/events/${runPath(this.name)}?from=${detail.offset}`);
      source.addEventListener('records', (e: MessageEvent<string>) => {
        const records = parseRecordsJson<Record<string, unknown>[]>(e.data);
        if (snapshots) for (const r of records) if (r.kind === 'eval' && typeof r.step === 'number') this.snapshotStep = r.step;
        this.add(records);
      });
      source.addEventListener('reset', () => this.clear());
      source.onopen = () => this.setLink('live');
      // EventSource reconnects by itself, from the last offset it received.
      source.onerror = () => this.setLink(source.readyState === EventSource.CLOSED ? 'failed' : 'reconnecting');
      this.source = source;
    } catch (err) {
      this.problem = err instanceof Error ? err.message : String(err);
      this.setLink('failed');
    }
  }

  private setLink(link: FeedLink): void {
    this.link = link;
    this.changed();
  }

  /** Appends records in file order: runs of step records at once, each eval record in its place. */
  private add(records: readonly Record<string, unknown>[]): void {
    let steps: StepRecord[] = [];
    const flush = () => {
      if (steps.length) appendSteps(this.steps, steps);
      steps = [];
    };
    for (const r of records) {
      if (r.kind === 'step') steps.push(r as StepRecord);
      else if (r.kind === 'eval') {
        flush();
        appendEval(this.evals, r as EvalRecord);
        this.lastEval = r as EvalRecord;
      }
    }
    flush();
    if (records.length) this.changed();
  }

  private clear(): void {
    this.steps = emptyColumns(STEP_SERIES);
    this.evals = emptyColumns(EVAL_SERIES);
    this.lastEval = undefined;
    this.changed();
  }

  /** Stops following. */
  close(): void {
    this.closed = true;
    this.source?.close();
  }
}
