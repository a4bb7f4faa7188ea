import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerNativeBackend } from '../../../src/node/native/index.ts';
import { NATIVE_KERNELS } from '../../../src/node/native/kernels.ts';
import { Rng } from '../../../src/tensor/rng.ts';

// Every numeric case runs the same tfjs program on `cpu` and on `native` from the same inputs and
// compares: max|native − cpu| / max(max|cpu|, 1e-3) must stay below 1e-4.
const TOLERANCE = 1e-4;

interface Output {
  shape: number[];
  values: Float32Array;
}

const rng = new Rng('native-kernels');

/** A fixed input: the same numbers become a tensor on whichever backend is active. */
function input(shape: number[]): () => tf.Tensor {
  const values = rng.normalArray(tf.util.sizeFromShape(shape));
  return () => tf.tensor(values, shape);
}

async function runOn(backend: string, program: () => tf.Tensor | tf.Tensor[]): Promise<Output[]> {
  await tf.setBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const outs = tf.tidy(() => {
    const r = program();
    return Array.isArray(r) ? r : [r];
  });
  const result = outs.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) }));
  tf.dispose(outs);
  return result;
}

/** Two-sided: large deviations in either direction fail, and NaN anywhere fails. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    maxDiff = Number.isNaN(d) || d > maxDiff ? d : maxDiff;
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return maxDiff / scale;
}

async function expectSameAsCpu(program: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const expected = await runOn('cpu', program);
  const actual = await runOn('native', program);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].shape).toEqual(expected[i].shape);
    expect(relativeError(actual[i].values, expected[i].values)).toBeLessThan(TOLERANCE);
  }
}

/** Gradients of a random projection of `f`'s output with respect to every input. */
function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: (() => tf.Tensor)[], projection: () => tf.Tensor): () => tf.Tensor[] {
  return () => {
    const xs = inputs.map((make) => make());
    const r = projection();
    const g = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), r)));
    return [f(...xs), ...g(xs)];
  };
}

beforeAll(() => {
  // As useBackend does: silences tfjs's "install tfjs-node" advice in the test output.
  tf.env().set('PROD', true);
  const status = registerNativeBackend();
  if (!status.ok) throw new Error(status.reason);
});

describe('registration', () => {
  it('registers every cpu kernel for native, and replaces the accelerated ones', () => {
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName).sort();
    const native = tf.getKernelsForBackend('native').map((k) => k.kernelName).sort();
    expect(native).toEqual(cpu);
    for (const k of NATIVE_KERNELS) {
      expect(tf.getKernel(k.kernelName, 'native').kernelFunc).not.toBe(tf.getKernel(k.kernelName, 'cpu').kernelFunc);
    }
    expect(NATIVE_KERNELS.map((k) => k.kernelName).sort()).toEqual(
      [
        ...['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
        ...['Add', 'Sub', 'Multiply', 'RealDiv', 'Greater', 'Relu', 'LeakyRelu', 'Step', 'Sqrt', 'Select', 'Sum', 'Tile', 'Neg'],
      ].sort(),
    );
  });

  it('is idempotent and selectable by name', async () => {
    const again = registerNativeBackend();
    expect(again.ok).toBe(true);
    expect(again.ok && again.threads).toBeGreaterThanOrEqual(1);
    await tf.setBackend('native');
    expect(tf.getBackend()).toBe('native');
  });

  it('opens OpenBLAS only when asked, and reports a missing library with the install command', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = [
      `import { readFileSync } from 'node:fs';`,
      `import { registerNativeBackend } from '${root}src/node/native/index.ts';`,
      `const before = readFileSync('/proc/self/maps', 'utf8').includes('libopenblas');`,
      `const status = registerNativeBackend();`,
      `console.log(JSON.stringify({ before, status }));`,
    ].join('\n');
    const run = (env: NodeJS.ProcessEnv): { before: boolean; status: { ok: boolean; reason?: string } } =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: root,
          env: { ...process.env, ...env },
          encoding: 'utf8',
        }),
      );
    const missing = run({ SADDLEPOINT_BLAS: '/nonexistent/libopenblas.so.0' });
    expect(missing.before).toBe(false);
    expect(missing.status.ok).toBe(false);
    expect(missing.status.reason).toContain('apt-get install -y libopenblas0-pthread');
    const found = run({ SADDLEPOINT_BLAS: '' });
    expect(found.before).toBe(false);
    expect(found.status.ok).toBe(true);
  });
});

describe('MatMul / BatchMatMul', () => {
  const transposes = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;
  // [m, k, n]: vectors, sizes not multiples of 8, and one big enough to run on two threads.
  const sizes = [
    [1, 7, 5],
    [5, 7, 1],
    [1, 1, 1],
    [9, 1, 6],
    [13, 17, 11],
    [33, 65, 31],
    [130, 70, 200],
  ];
  const cases = sizes.flatMap(([m, k, n]) => transposes.map(([ta, tb]) => ({ m, k, n, ta, tb })));

  it.each(cases)('$m×$k·$k×$n transposeA=$ta transposeB=$tb, with gradients', async ({ m, k, n, ta, tb }) => {
    const a = input(ta ? [k, m] : [m, k]);
    const b = input(tb ? [n, k] : [k, n]);
    const r = input([m, n]);
    await expectSameAsCpu(gradsOf((x, y) => tf.matMul(x, y, ta, tb), [a, b], r));
  });

  const batched = [
    { a: [1, 3, 5], b: [1, 5, 4], ta: false, tb: false },
    { a: [4, 3, 5], b: [5, 4], ta: false, tb: false },
    { a: [4, 5, 3], b: [5, 4], ta: true, tb: false },
    { a: [4, 3, 5], b: [4, 4, 5], ta: false, tb: true },
    { a: [4, 5, 3], b: [4, 4, 5], ta: true, tb: true },
    { a: [2, 3, 4, 5], b: [3, 5, 6], ta: false, tb: false },
    { a: [2, 3, 4, 5], b: [1, 1, 5, 6], ta: false, tb: false },
    { a: [6, 5], b: [2, 3, 6, 4], ta: true, tb: false },
  ];
  it.each(batched)('batch $a · $b transposeA=$ta transposeB=$tb', async ({ a, b, ta, tb }) => {
    const x = input(a);
    const y = input(b);
    await expectSameAsCpu(() => tf.matMul(x(), y(), ta, tb));
  });

  it('broadcasts batch dims both ways ([2,1] with [3]) like NumPy', async () => {
    // The cpu kernel indexes batches modulo each side's size, which is wrong for this shape,
    // so the reference is an explicit tiling on cpu.
    const a = input([2, 1, 3, 4]);
    const b = input([3, 4, 5]);
    const [expected] = await runOn('cpu', () =>
      tf.matMul(tf.tile(a(), [1, 3, 1, 1]), tf.tile(tf.reshape(b(), [1, 3, 4, 5]), [2, 1, 1, 1])),
    );
    const [actual] = await runOn('native', () => tf.matMul(a(), b()));
    expect(actual.shape).toEqual([2, 3, 3, 5]);
    expect(relativeError(actual.values, expected.values)).toBeLessThan(TOLERANCE);
  });

  it('falls back to the cpu kernel for int32, exactly', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [7, 8, 9, 10, 11, 12];
    const program = () => tf.matMul(tf.tensor2d(a, [2, 3], 'int32'), tf.tensor2d(b, [3, 2], 'int32'));
    await tf.setBackend('native');
    const t = program();
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([58, 64, 139, 154]);
    t.dispose();
  });
});

describe('_FusedMatMul', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
  const cases = activations.flatMap((activation) => [
    { activation, bias: [17], ta: false, tb: false },
    { activation, bias: [1], ta: true, tb: false },
    { activation, bias: [9, 1], ta: false, tb: true },
    { activation, bias: null, ta: true, tb: true },
  ]);
  it.each(cases)('$activation, bias $bias, transposeA=$ta transposeB=$tb', async ({ activation, bias, ta, tb }) => {
    const [m, k, n] = [9, 13, 17];
    const a = input(ta ? [k, m] : [m, k]);
    const b = input(tb ? [n, k] : [k, n]);
    const biasT = bias === null ? undefined : input(bias);
    const alpha = input([n]);
    await expectSameAsCpu(() =>
      tf.fused.matMul({
        a: a(),
        b: b(),
        transposeA: ta,
        transposeB: tb,
        bias: biasT?.(),
        activation,
        preluActivationWeights: activation === 'prelu' ? alpha() : undefined,
        leakyreluAlpha: 0.1,
      }),
    );
  });

  // Inside a gradient tfjs fuses only 'linear'; other activations run as separate ops.
  it('gives the same gradients as cpu (linear, bias)', async () => {
    const a = input([12, 10]);
    const b = input([10, 7]);
    const bias = input([7]);
    const r = input([12, 7]);
    await expectSameAsCpu(
      gradsOf((x, y, z) => tf.fused.matMul({ a: x, b: y, bias: z, activation: 'linear' }), [a, b, bias], r),
    );
  });
});

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number;
}

describe('Conv2D and its gradients (NHWC)', () => {
  const cases: ConvCase[] = [
    { name: '3×3 stride 1 same, 3→4 channels', x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { name: '3×3 stride 2 valid, odd size', x: [2, 9, 11, 3], f: [3, 3, 3, 4], strides: 2, pad: 'valid' },
    { name: 'DCGAN-MNIST first layer 4×4 stride 2 same, 1→64', x: [2, 28, 28, 1], f: [4, 4, 1, 64], strides: 2, pad: 'same' },
    { name: '4×4 stride 2 same, 64→5', x: [3, 14, 14, 64], f: [4, 4, 64, 5], strides: 2, pad: 'same' },
    { name: '7×7 valid to 1×1 (a last D layer)', x: [4, 7, 7, 8], f: [7, 7, 8, 1], strides: 1, pad: 'valid' },
    { name: '1×1 pointwise', x: [2, 5, 7, 3], f: [1, 1, 3, 6], strides: 1, pad: 'valid' },
    { name: '2×3 filter, strides [2,1], batch 1, 1 channel', x: [1, 7, 5, 1], f: [2, 3, 1, 1], strides: [2, 1], pad: 'same' },
    // 64·64 pixels × 5·5·16 patch = 1.6 M floats per image: the im2col buffer (4 M) holds two, so
    // the batch of three takes two GEMMs and the filter gradient accumulates across them.
    { name: 'im2col split into chunks, 16→1', x: [3, 64, 64, 16], f: [5, 5, 16, 1], strides: 1, pad: 'same' },
    {
      name: 'explicit pads',
      x: [2, 6, 5, 3],
      f: [3, 2, 3, 2],
      strides: [1, 2],
      pad: [[0, 0], [1, 2], [2, 1], [0, 0]],
    },
  ];

  it.each(cases)('$name: forward, d/dx, d/dfilter', async ({ x, f, strides, pad }) => {
    const xs = input(x);
    const fs = input(f);
    const outShape = tf.backend_util.computeConv2DInfo(x, f, strides, 1, pad).outShape;
    const r = input(outShape);
    await expectSameAsCpu(gradsOf((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), [xs, fs], r));
  });

  it.each([
    { name: 'dilation 2 same', pad: 'same' as const },
    { name: 'dilation 2 valid', pad: 'valid' as const },
  ])('$name (forward only: tfjs has no gradient for dilations > 1)', async ({ pad }) => {
    const xs = input([2, 11, 10, 3]);
    const fs = input([3, 3, 3, 2]);
    await expectSameAsCpu(() => tf.conv2d(xs() as tf.Tensor4D, fs() as tf.Tensor4D, 1, pad, 'NHWC', 2));
  });

  it('NCHW runs the cpu kernel on native', async () => {
    const xs = input([2, 3, 6, 6]);
    const fs = input([3, 3, 3, 4]);
    await expectSameAsCpu(() => tf.conv2d(xs() as tf.Tensor4D, fs() as tf.Tensor4D, 1, 'same', 'NCHW'));
  });

  it.each(['linear', 'relu', 'leakyrelu', 'prelu', 'sigmoid'] as const)('FusedConv2D with bias and %s', async (activation) => {
    const xs = input([2, 8, 8, 3]);
    const fs = input([3, 3, 3, 5]);
    const bias = input([5]);
    const alpha = input([5]);
    await expectSameAsCpu(() =>
      tf.fused.conv2d({
        x: xs() as tf.Tensor4D,
        filter: fs() as tf.Tensor4D,
        strides: 2,
        pad: 'same',
        bias: bias(),
        activation,
        preluActivationWeights: activation === 'prelu' ? alpha() : undefined,
        leakyreluAlpha: 0.2,
      }),
    );
  });
});

describe('conv2dTranspose (Conv2DBackpropInput) and its gradients', () => {
  const cases = [
    { name: 'DCGAN G 7→14, 4×4 stride 2 same, 8→3', x: [2, 7, 7, 8], f: [4, 4, 3, 8], out: [2, 14, 14, 3], strides: 2, pad: 'same' },
    { name: '3×3 stride 2 valid, 2→5, batch 1', x: [1, 4, 4, 2], f: [3, 3, 5, 2], out: [1, 9, 9, 5], strides: 2, pad: 'valid' },
    { name: '5×5 stride 1 same, 64→1', x: [2, 6, 6, 64], f: [5, 5, 1, 64], out: [2, 6, 6, 1], strides: 1, pad: 'same' },
    { name: '1×1 pointwise', x: [2, 3, 5, 4], f: [1, 1, 6, 4], out: [2, 3, 5, 6], strides: 1, pad: 'valid' },
  ] as const;
  it.each(cases)('$name: forward, d/dx, d/dfilter', async ({ x, f, out, strides, pad }) => {
    const xs = input([...x]);
    const fs = input([...f]);
    const r = input([...out]);
    const outShape: [number, number, number, number] = [out[0], out[1], out[2], out[3]];
    await expectSameAsCpu(
      gradsOf((a, b) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, strides, pad), [xs, fs], r),
    );
  });
});

describe('elementwise and Sum loops', () => {
  // These are meant to be bit-identical to cpu (same formula in double, stored to float32), so the
  // comparison is exact, NaN included.
  async function expectIdentical(program: () => tf.Tensor): Promise<void> {
    const [expected] = await runOn('cpu', program);
    const [actual] = await runOn('native', program);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  }
  const ops = {
    add: tf.add,
    sub: tf.sub,
    mul: tf.mul,
    div: tf.div,
    greater: (a: tf.Tensor, b: tf.Tensor) => tf.cast(tf.greater(a, b), 'float32'),
  };
  const layouts = [
    { layout: 'same', a: [5, 7], b: [5, 7] },
    { layout: 'scalar b', a: [5, 7], b: [] },
    { layout: 'scalar a', a: [1], b: [3, 4] },
    { layout: 'row b (bias)', a: [6, 5], b: [5] },
    { layout: 'row a, [1, n]', a: [1, 4], b: [3, 2, 4] },
    { layout: '[1, n] vs [n]', a: [1, 9], b: [9] },
    { layout: 'column b (cpu kernel)', a: [4, 6], b: [4, 1] },
    { layout: 'outer product (cpu kernel)', a: [4, 1], b: [1, 6] },
  ];
  const cases = Object.keys(ops).flatMap((op) => layouts.map((l) => ({ op: op as keyof typeof ops, ...l })));
  it.each(cases)('$op, $layout', async ({ op, a, b }) => {
    const x = input(a);
    const y = input(b);
    await expectIdentical(() => ops[op](x(), y()));
  });

  it('int32 Add runs the cpu kernel and stays int32', async () => {
    await tf.setBackend('native');
    const t = tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(4, 'int32'));
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([5, 6, 7]);
    t.dispose();
  });

  it.each([
    ['relu', (x: tf.Tensor) => tf.relu(x)],
    ['leakyRelu(0.2)', (x: tf.Tensor) => tf.leakyRelu(x, 0.2)],
    ['leakyRelu(-0.5)', (x: tf.Tensor) => tf.leakyRelu(x, -0.5)],
    ['step(0.3)', (x: tf.Tensor) => tf.step(x, 0.3)],
    ['step(0)', (x: tf.Tensor) => tf.step(x)],
    ['where(x > 0.1, x, -2x)', (x: tf.Tensor) => tf.where(tf.greater(x, 0.1), x, tf.mul(x, -2))],
    ['sqrt', (x: tf.Tensor) => tf.sqrt(tf.abs(x))],
    ['sqrt of negatives (NaN)', (x: tf.Tensor) => tf.sqrt(x)],
  ] as const)('%s', async (_, f) => {
    const x = input([7, 11]);
    const special = [NaN, 0, -0, 1e-30, -1e-30, 3, -3, Infinity, -Infinity, 1e30, -1e30];
    // A NaN with the sign bit set, as x86 produces for ∞ − ∞, must stay NaN too.
    const negativeNaN = new Float32Array(new Int32Array([0xffc00000 | 0]).buffer)[0];
    await expectIdentical(() => f(tf.concat([x(), tf.tensor2d([special]), tf.tensor2d([[negativeNaN, ...special.slice(1)]])])));
  });

  it.each([
    { shape: [40, 9], axis: 0, keepDims: false },
    { shape: [40, 9], axis: 1, keepDims: true },
    { shape: [40, 9], axis: [0, 1], keepDims: false },
    { shape: [3, 4, 5], axis: [0, 1], keepDims: true },
    { shape: [3, 4, 5], axis: -1, keepDims: false },
    { shape: [3, 4, 5], axis: 1, keepDims: false },
    { shape: [3, 4, 5], axis: [0, 2], keepDims: false },
    { shape: [1, 6], axis: 0, keepDims: false },
  ])('sum of $shape over $axis, keepDims $keepDims', async ({ shape, axis, keepDims }) => {
    const x = input(shape);
    await expectIdentical(() => tf.sum(x(), axis, keepDims));
  });

  it('gives the same gradients as cpu through a bias add, leakyRelu, relu and a mean', async () => {
    const x = input([16, 6]);
    const w = input([6, 5]);
    const b = input([5]);
    const r = input([16, 5]);
    await expectSameAsCpu(
      gradsOf(
        (xs, ws, bs) => tf.div(tf.relu(tf.leakyRelu(tf.add(tf.matMul(xs, ws), bs), 0.2)), tf.sqrt(tf.add(tf.mean(tf.square(xs)), 1))),
        [x, w, b],
        r,
      ),
    );
  });
});

describe('Tile and Neg', () => {
  async function expectIdentical(program: () => tf.Tensor): Promise<void> {
    const [expected] = await runOn('cpu', program);
    const [actual] = await runOn('native', program);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  }
  it.each([
    { shape: [1, 5], reps: [7, 1] },
    { shape: [4, 1], reps: [1, 6] },
    { shape: [2, 3, 4], reps: [2, 1, 3] },
    { shape: [1, 1, 1, 64], reps: [3, 5, 5, 1] },
    { shape: [3], reps: [4] },
    { shape: [2, 3], reps: [1, 1] },
  ])('tile $shape × $reps equals cpu exactly', async ({ shape, reps }) => {
    const x = input(shape);
    await expectIdentical(() => tf.tile(x(), reps));
  });
  it('neg equals cpu exactly, NaN and −0 included', async () => {
    await expectIdentical(() => tf.neg(tf.tensor1d([1.5, -2, 0, -0, Number.NaN, Number.POSITIVE_INFINITY])));
  });
  it('broadcastTo and the gradient of a leading-axis sum match cpu', async () => {
    const x = input([6, 4]);
    await expectSameAsCpu(() => tf.broadcastTo(tf.sum(x(), 0, true), [6, 4]));
    await expectSameAsCpu(gradsOf((a: tf.Tensor) => tf.sum(a, 0), [input([5, 3])], input([3])));
  });
});

describe('memory', () => {
  it('leaves tf.memory() unchanged after a tidy matmul + conv + gradient loop', async () => {
    await tf.setBackend('native');
    const w = tf.variable(tf.tensor(rng.normalArray(16 * 8), [16, 8]));
    const f = tf.variable(tf.tensor(rng.normalArray(3 * 3 * 2 * 4), [3, 3, 2, 4]));
    const x = tf.tensor(rng.normalArray(32 * 16), [32, 16]);
    const img = tf.tensor(rng.normalArray(2 * 6 * 6 * 2), [2, 6, 6, 2]);
    const before = tf.memory();
    // tf.memory() counts what the engine tracks; a kernel that drops an intermediate shows only
    // in the backend's own store.
    const idsBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.matMul(x, w);
          const c = tf.conv2d(img as tf.Tensor4D, f as tf.Tensor4D, 2, 'same');
          return tf.add(tf.sum(tf.square(h)), tf.sum(c));
        });
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        expect(Object.keys(grads).sort()).toEqual([w.name, f.name].sort());
        // Fused ops only fuse outside gradients; these take the paths with intermediates.
        tf.fused.matMul({ a: x, b: w, activation: 'prelu', preluActivationWeights: tf.fill([8], 0.1), bias: tf.ones([32, 1]) });
        tf.fused.conv2d({ x: img as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: tf.ones([1]), activation: 'relu' });
        tf.conv2dTranspose(tf.ones([2, 3, 3, 4]) as tf.Tensor4D, f as tf.Tensor4D, [2, 6, 6, 2], 2, 'same');
      });
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.backend().numDataIds()).toBe(idsBefore);
    tf.dispose([w, f, x, img]);
  });
});
