/**
 * Smallest array worth recycling, in floats (64 KB). Below it V8's allocation is cheap; above it
 * every fresh backing store is new memory from the OS, and the first write to each page faults:
 * 0.5 ms for a 512×512 output (measured), three times the cost of adding two such arrays.
 */
export const POOL_MIN_FLOATS = 16 * 1024;

/** Upper bound on floats held idle in the pool (256 MB). */
export const POOL_MAX_FLOATS = 64 * 1024 * 1024;

/**
 * Float32Arrays of the sizes a training step keeps allocating, kept for reuse. Handing out
 * arrays that still have readers would corrupt results, so the backend returns an array here
 * only when it allocated it and no tensor and no caller can see it any more (see backend.ts).
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private idleFloats = 0;

  /** An array of `length` floats with arbitrary contents (every element will be written). */
  take(length: number): Float32Array {
    const stack = this.free.get(length);
    const reused = stack?.pop();
    if (reused === undefined) return new Float32Array(length);
    this.idleFloats -= length;
    return reused;
  }

  /** An array of `length` zeros. */
  takeZeroed(length: number): Float32Array {
    const stack = this.free.get(length);
    if (stack === undefined || stack.length === 0) return new Float32Array(length);
    return this.take(length).fill(0);
  }

  /** Keeps `array` for a later {@link take}; drops it when the pool is full or it is small. */
  give(array: Float32Array): void {
    const length = array.length;
    if (length < POOL_MIN_FLOATS || this.idleFloats + length > POOL_MAX_FLOATS) return;
    let stack = this.free.get(length);
    if (stack === undefined) {
      stack = [];
      this.free.set(length, stack);
    }
    stack.push(array);
    this.idleFloats += length;
  }

  /** Floats currently idle in the pool. */
  get idle(): number {
    return this.idleFloats;
  }

  /** Lets the garbage collector have every idle array. */
  clear(): void {
    this.free.clear();
    this.idleFloats = 0;
  }
}
