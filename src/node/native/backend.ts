import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { Blas } from './blas.ts';
import { BufferPool } from './pool.ts';

/** The name the backend is registered under. */
export const NATIVE_BACKEND_NAME = 'native';

/**
 * The `cpu` backend with its heavy kernels on OpenBLAS. Tensors live in Float32Arrays exactly as
 * on `cpu`, so every `cpu` kernel runs on it unchanged and only the overridden ones differ.
 *
 * It also recycles the large output arrays of its own kernels (see pool.ts). An array goes back to
 * the pool only when (1) this backend allocated it, (2) no stored tensor uses its memory any
 * more, counting views of it (a cpu Slice can return a subarray of its input), and (3) it was
 * never handed out by `readSync`/`read`, since `dataSync()` returns the stored array itself and
 * callers may keep it after disposing the tensor.
 */
export class NativeBackend extends MathBackendCPU {
  private readonly pool = new BufferPool();
  /** Arrays this backend allocated from the pool, by their memory. */
  private readonly owned = new WeakMap<ArrayBufferLike, Float32Array>();
  /** How many stored tensors use each piece of memory. */
  private readonly uses = new WeakMap<ArrayBufferLike, number>();
  /** Memory that has been given to a reader and so must never be reused. */
  private readonly exposed = new WeakSet<ArrayBufferLike>();

  constructor(
    readonly blas: Blas,
    private readonly pooling = true,
  ) {
    super();
    // The cpu backend's first write in Node prints advice to install tfjs-node, which is wrong
    // here: this backend is the fast path. The flag is private in the typings, hence Reflect.
    Reflect.set(this, 'firstUse', false);
  }

  /** A float32 output array whose every element the caller will write. */
  allocate(length: number): Float32Array {
    return this.pooling ? this.own(this.pool.take(length)) : new Float32Array(length);
  }

  /** A float32 output array of zeros. */
  allocateZeroed(length: number): Float32Array {
    return this.pooling ? this.own(this.pool.takeZeroed(length)) : new Float32Array(length);
  }

  /** Gives back a scratch array from {@link allocate} that was never stored in a tensor. */
  release(array: Float32Array): void {
    if (this.pooling && this.owned.get(array.buffer) === array && (this.uses.get(array.buffer) ?? 0) === 0) {
      this.pool.give(array);
    }
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object {
    this.countUse(values, 1);
    return super.write(values, shape, dtype);
  }

  override move(dataId: object, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.countUse(values, 1);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: object): tf.backend_util.BackendValues {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    if (values !== undefined && ArrayBuffer.isView(values)) this.exposed.add(values.buffer);
    return super.readSync(dataId);
  }

  override disposeData(dataId: object, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values !== undefined) this.countUse(values, -1);
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }

  private own(array: Float32Array): Float32Array {
    this.owned.set(array.buffer, array);
    return array;
  }

  private countUse(values: tf.backend_util.BackendValues | undefined, delta: 1 | -1): void {
    if (values === undefined || !ArrayBuffer.isView(values)) return;
    const memory = values.buffer;
    const count = (this.uses.get(memory) ?? 0) + delta;
    this.uses.set(memory, count);
    if (count > 0 || this.exposed.has(memory)) return;
    const array = this.owned.get(memory);
    if (array !== undefined) this.pool.give(array);
  }
}

/** What an overriding kernel receives: typed inputs and attributes, and the backend. */
export interface NativeKernelArgs<I, A> {
  inputs: I;
  attrs: A;
  backend: NativeBackend;
}

/**
 * Declares a `native` kernel. `run` returns `undefined` for cases it does not accelerate (other
 * dtypes, NCHW, …); those run the `cpu` kernel of the same name on this backend's data.
 *
 * The casts from tfjs's untyped maps are the same contract tfjs's own kernels rely on: the engine
 * calls a kernel with the inputs and attributes of its op.
 */
export function defineNativeKernel<I extends tf.NamedTensorInfoMap, A extends object>(
  kernelName: string,
  run: (args: NativeKernelArgs<I, A>) => tf.TensorInfo | undefined,
): tf.KernelConfig {
  let cpuKernel: tf.KernelFunc | undefined;
  return {
    kernelName,
    backendName: NATIVE_BACKEND_NAME,
    kernelFunc: (params) => {
      const backend = params.backend;
      if (!(backend instanceof NativeBackend)) {
        throw new Error(`kernel ${kernelName} for '${NATIVE_BACKEND_NAME}' called with another backend`);
      }
      const attrs: tf.NamedAttrMap = params.attrs ?? {};
      const result = run({ inputs: params.inputs as I, attrs: attrs as A, backend });
      if (result !== undefined) return result;
      cpuKernel ??= tf.getKernel(kernelName, 'cpu').kernelFunc;
      return cpuKernel(params);
    },
  };
}

/** The values of a float32 tensor on this backend, or `undefined` when it is anything else. */
export function float32Values(backend: NativeBackend, t: tf.TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}

/** Runs the kernel registered for this backend under `kernelName` and returns its one output. */
export function runNativeKernel(
  backend: NativeBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const out = tf.getKernel(kernelName, NATIVE_BACKEND_NAME).kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`kernel ${kernelName} returned ${out.length} outputs, expected one`);
  return out;
}
