/**
 * Seeded, serializable pseudo-random numbers (xoshiro128**, seeded through splitmix32).
 *
 * Every random draw in saddlepoint — data, initial weights, noise, interpolation factors —
 * comes from an `Rng`, never from `Math.random` or tfjs's own seeds, so that a seed and a config
 * give the same numbers on every backend, and a checkpoint can restore the exact stream.
 *
 * @example
 * const rng = new Rng(42);
 * const z = rng.normalArray(64 * 2);      // Float32Array of N(0, 1) draws
 * const initRng = rng.fork('init');        // an independent, named stream
 */
export class Rng {
  private s: Uint32Array;
  /** Box–Muller produces draws in pairs; the second one waits here. */
  private spare: number | null = null;

  constructor(seed: number | string = 0) {
    this.s = seedState(typeof seed === 'string' ? hashString(seed) : seed >>> 0 ^ Math.floor(seed / 2 ** 32));
  }

  /** A new, independent stream whose seed depends only on this stream's *seed state* and `label`. */
  fork(label: string): Rng {
    const child = new Rng(0);
    const h = hashString(label);
    child.s = seedState((this.s[0] ^ Math.imul(h, 0x9e3779b1) ^ rotl(this.s[2], 7)) >>> 0, this.s[1] ^ h);
    return child;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform draw in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` draws from N(mean, std²). */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** `n` draws from U[lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    const w = hi - lo;
    for (let i = 0; i < n; i++) out[i] = lo + w * this.uniform();
    return out;
  }

  /** Draws an index from the categorical distribution `weights` (need not sum to 1). */
  categorical(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * `m` distinct indices of 0..n-1, drawn by a partial Fisher–Yates shuffle (the first `m` swaps):
   * a uniform random subset, in random order, for O(n) memory and O(m) draws.
   */
  drawWithoutReplacement(n: number, m: number): Int32Array {
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.subarray(0, m);
  }

  /** The full state, as plain JSON, for checkpoints. */
  getState(): RngState {
    return { s: Array.from(this.s), spare: this.spare };
  }

  /** Restores a state written by {@link Rng.getState}. */
  setState(state: RngState): void {
    if (!Array.isArray(state.s) || state.s.length !== 4 || state.s.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff)) {
      throw new RangeError('Rng.setState: state.s must be four unsigned 32-bit integers');
    }
    this.s = Uint32Array.from(state.s);
    this.spare = state.spare ?? null;
  }
}

/** The serializable state of an {@link Rng}. */
export interface RngState {
  s: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function seedState(seed: number, salt = 0): Uint32Array {
  const next = splitmix32((seed ^ Math.imul(salt, 0x27d4eb2d)) >>> 0);
  const s = new Uint32Array([next(), next(), next(), next()]);
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s[0] = 1;
  return s;
}

/** FNV-1a, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
