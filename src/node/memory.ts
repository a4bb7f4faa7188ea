import { freemem, totalmem } from 'node:os';
import { io } from './atomic.ts';

/**
 * Bytes this process can still use: the OS's free memory, capped by a cgroup (container) limit
 * when one is set, so `checkSizes` refuses sizes a container would kill the run for.
 */
export function availableMemory(): number {
  let limit = Math.max(freemem(), 0);
  for (const [maxPath, usedPath] of [
    ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory.current'],
    ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory/memory.usage_in_bytes'],
  ]) {
    try {
      const max = Number(io.readFileSync(maxPath, 'utf8').trim());
      const used = Number(io.readFileSync(usedPath, 'utf8').trim());
      // "max" (no limit) reads as NaN; v1's "no limit" is a huge number beyond the machine's RAM.
      if (Number.isFinite(max) && max < totalmem() * 4 && Number.isFinite(used)) limit = Math.min(limit, Math.max(max - used, 0));
      break;
    } catch {
      // No cgroup file on this platform: the OS figure stands.
    }
  }
  return limit;
}
