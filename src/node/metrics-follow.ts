/**
 * Follows a `metrics.jsonl` that a training process appends to: each {@link MetricsFollower.poll}
 * returns the complete lines added since the last one. A partial last line (a write in progress)
 * waits for its newline. A file cut back (resume truncates it to a checkpoint) or replaced (an
 * atomic rewrite) is noticed, and reading starts over from its first byte with a `reset`.
 */
import { open, stat } from 'node:fs/promises';

/** What one poll found: records to add, or that the file changed under the reader (drop what it sent, then read again from byte 0). */
export type FollowEvent = { type: 'records'; records: Record<string, unknown>[]; offset: number } | { type: 'reset'; reason: string };

/** Bytes before the offset kept to tell a rewrite that happens to grow past it from an append. */
const TAIL = 64;
/** Records per event at most, so a long file replays in pieces. */
const BATCH = 500;

/**
 * A reader of the complete lines of a growing file, from `offset` on (a byte offset at a line
 * boundary, e.g. the `offset` of an earlier event; one that is not is treated as a changed file).
 *
 * @example
 * const follow = new MetricsFollower(join(runDir, 'metrics.jsonl'));
 * for (const event of await follow.poll()) …
 */
export class MetricsFollower {
  private ino: number | undefined;
  private tail: Buffer | undefined;
  /** Lines that were not JSON (skipped, not sent). */
  skipped = 0;

  constructor(
    readonly path: string,
    private offset = 0,
  ) {}

  /** The byte offset after the last complete line read. */
  get position(): number {
    return this.offset;
  }

  /** Reads what was appended since the last poll. */
  async poll(): Promise<FollowEvent[]> {
    const events: FollowEvent[] = [];
    const info = await stat(this.path).catch(() => undefined);
    if (!info) {
      if (this.offset > 0) events.push(this.restart('the metrics file is gone'));
      return events;
    }
    const handle = await open(this.path, 'r');
    try {
      const changed = await this.changedSince(handle, info.ino, info.size);
      if (changed) events.push(this.restart(changed));
      this.ino = info.ino;
      if (info.size <= this.offset) return events;
      const fresh = Buffer.alloc(info.size - this.offset);
      const { bytesRead } = await handle.read(fresh, 0, fresh.length, this.offset);
      const bytes = fresh.subarray(0, bytesRead);
      const whole = bytes.lastIndexOf(0x0a) + 1;
      if (whole === 0) return events;
      let records: Record<string, unknown>[] = [];
      let at = this.offset;
      for (const line of bytes.subarray(0, whole).toString('utf8').split('\n')) {
        at += Buffer.byteLength(line) + 1;
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.skipped++;
        }
        if (records.length === BATCH) {
          events.push({ type: 'records', records, offset: at });
          records = [];
        }
      }
      this.offset += whole;
      if (records.length) events.push({ type: 'records', records, offset: this.offset });
      this.tail = await readAt(handle, Math.max(0, this.offset - TAIL), Math.min(TAIL, this.offset));
      return events;
    } finally {
      await handle.close();
    }
  }

  private restart(reason: string): FollowEvent {
    this.offset = 0;
    this.tail = undefined;
    return { type: 'reset', reason };
  }

  /** Why what was read before no longer stands, or undefined when the file only grew. */
  private async changedSince(handle: Awaited<ReturnType<typeof open>>, ino: number, size: number): Promise<string | undefined> {
    if (this.offset === 0) return undefined;
    if (this.ino !== undefined && ino !== this.ino) return 'the metrics file was replaced';
    if (size < this.offset) return 'the metrics file was cut back';
    const want = this.tail ?? (await readAt(handle, Math.max(0, this.offset - TAIL), Math.min(TAIL, this.offset)));
    if (this.tail === undefined) {
      // The first poll from a caller's offset: it must sit right after a newline.
      if (want.at(-1) !== 0x0a) return 'the offset is not at the end of a line';
      this.tail = want;
      return undefined;
    }
    const now = await readAt(handle, this.offset - want.length, want.length);
    return now.equals(want) ? undefined : 'the metrics file was rewritten';
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
