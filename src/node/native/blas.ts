import { createRequire } from 'node:module';
import type { default as Koffi } from 'koffi';

/** Where OpenBLAS is looked for, in order, after the `SADDLEPOINT_BLAS` override. */
export const OPENBLAS_CANDIDATES: readonly string[] = [
  'libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  'libopenblas.so',
];

/**
 * GEMMs with M·N·K below this run on one OpenBLAS thread. Measured on the 2-vCPU machine
 * (OpenBLAS 0.3.21 Haswell kernels, idle): at 64³ (2.6e5) two threads gain nothing (6.7 µs either
 * way), at 96³ (8.8e5) they are 1.46× faster, at 128³ 1.66×, at 512³ 2.0×; thin shapes such as
 * 3136×64×16 (3.2e6, the im2col GEMM of a first conv layer) gain nothing either, but no shape lost
 * more than 3%. Switching costs ~0.05 µs, so it is decided per call. (OpenBLAS 0.3.21 also drops
 * to one thread by itself below ~2.6e5.) With another process busy on one core, two threads lose
 * everywhere (512³: 0.71×, 128³: 0.85×): that is what `registerNativeBackend({ threads: 1 })` is for.
 */
export const SINGLE_THREAD_BELOW_MNK = 500_000;

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

/** The subset of CBLAS that the native kernels use, with JS-friendly arguments. */
export interface Blas {
  /** Path or soname the library was opened from. */
  readonly library: string;
  /** Upper bound on OpenBLAS threads; large GEMMs use this many, small ones one. */
  readonly maxThreads: number;
  /**
   * Row-major `C = op(A)·op(B) + beta·C`, with op(A) M×K and op(B) K×N. `lda`/`ldb`/`ldc` are the
   * row strides of the arrays as stored (before transposition). Views (`subarray`) address
   * batch slices without copying.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
}

/** Outcome of {@link openBlas}: the binding, or a reason a user can act on. */
export type BlasResult = { ok: true; blas: Blas } | { ok: false; reason: string };

type SgemmFn = (
  order: number,
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/** The opened library: one per process, because OpenBLAS's thread count is process-wide state. */
interface OpenedLibrary {
  path: string;
  sgemm: SgemmFn;
  setThreads(n: number): void;
  /** OpenBLAS's own default (OPENBLAS_NUM_THREADS or the core count). */
  defaultThreads: number;
  /** Last value given to setThreads, so unchanged counts cost no FFI call. */
  currentThreads: number;
}

let opened: { ok: true; library: OpenedLibrary } | { ok: false; reason: string } | undefined;

/**
 * Opens OpenBLAS through koffi (the library once per process) and returns a binding whose large
 * GEMMs use `threads` threads (default: OpenBLAS's own default). Never throws: a missing koffi or
 * library becomes `{ ok: false, reason }`.
 */
export function openBlas(options: { threads?: number } = {}): BlasResult {
  opened ??= load();
  if (!opened.ok) return opened;
  const library = opened.library;
  const maxThreads = Math.max(1, Math.floor(options.threads ?? library.defaultThreads));
  return { ok: true, blas: makeBlas(library, maxThreads) };
}

function load(): NonNullable<typeof opened> {
  let koffi: typeof Koffi;
  try {
    // Required lazily so that importing this module never loads a native addon.
    koffi = createRequire(import.meta.url)('koffi');
  } catch (err) {
    return { ok: false, reason: `the 'koffi' package could not be loaded (${message(err)}); run npm install` };
  }
  const override = process.env.SADDLEPOINT_BLAS;
  const candidates = override ? [override] : OPENBLAS_CANDIDATES;
  const failures: string[] = [];
  for (const path of candidates) {
    let lib: ReturnType<typeof koffi.load>;
    try {
      lib = koffi.load(path);
    } catch (err) {
      failures.push(`${path}: ${message(err)}`);
      continue;
    }
    try {
      return { ok: true, library: bind(lib, path) };
    } catch (err) {
      failures.push(`${path}: not an OpenBLAS (${message(err)})`);
      lib.unload();
    }
  }
  const where = override ? `SADDLEPOINT_BLAS=${override}` : candidates.join(', ');
  return {
    ok: false,
    reason:
      `OpenBLAS was not found (tried ${where}). Install it with \`apt-get install -y libopenblas0-pthread\`` +
      ` or set SADDLEPOINT_BLAS to the path of a libopenblas.so. Details: ${failures.join('; ')}`,
  };
}

function bind(lib: ReturnType<typeof Koffi.load>, path: string): OpenedLibrary {
  const sgemm: SgemmFn = lib.func(
    'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, ' +
      'const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
  );
  const setThreads: (n: number) => void = lib.func('void openblas_set_num_threads(int n)');
  const getThreads: () => number = lib.func('int openblas_get_num_threads()');
  const defaultThreads = getThreads();
  return { path, sgemm, setThreads, defaultThreads, currentThreads: defaultThreads };
}

function makeBlas(library: OpenedLibrary, maxThreads: number): Blas {
  return {
    library: library.path,
    maxThreads,
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        // cblas rejects K = 0 with zero leading dimensions; the product is empty, so C = beta·C.
        if (beta !== 1) scaleRows(c, m, n, ldc, beta);
        return;
      }
      const threads = m * n * k < SINGLE_THREAD_BELOW_MNK ? 1 : maxThreads;
      if (threads !== library.currentThreads) {
        library.setThreads(threads);
        library.currentThreads = threads;
      }
      library.sgemm(
        CBLAS_ROW_MAJOR,
        transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
        transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
        m,
        n,
        k,
        1,
        a,
        Math.max(1, lda),
        b,
        Math.max(1, ldb),
        beta,
        c,
        Math.max(1, ldc),
      );
    },
  };
}

function scaleRows(c: Float32Array, m: number, n: number, ldc: number, beta: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) c[i * ldc + j] = beta === 0 ? 0 : beta * c[i * ldc + j];
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
