/**
 * Float64 references in plain JS for the tensor tests: a seeded generator, 2-D convolutions and
 * their adjoints, and central finite differences. Written independently of tfjs so that they can
 * check it.
 */
/**
 * Deterministic uniform numbers in [-scale, scale): tests must not depend on a run's luck. The
 * seed is mixed first, so that neighbouring seeds give unrelated streams.
 */
export function seeded(count: number, seed: number, scale = 1): number[] {
  let state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return (u - 0.5) * 2 * scale;
  });
}

/** Central differences of f at theta, one coordinate at a time. */
export function centralDifferences(f: (theta: number[]) => number, theta: readonly number[], h: number): number[] {
  return theta.map((_, i) => {
    const plus = [...theta];
    const minus = [...theta];
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** max |a − b| over max |b|: the error of a relative to the scale of the reference b. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** A rank-4 NHWC array, flat, with its shape. */
export interface Array4 {
  data: number[];
  shape: [number, number, number, number];
}

/** Output size and leading padding of one conv axis, as TensorFlow defines 'same' and 'valid'. */
export function convAxis(size: number, kernel: number, stride: number, pad: 'same' | 'valid'): { out: number; before: number } {
  if (pad === 'valid') return { out: Math.ceil((size - kernel + 1) / stride), before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) };
}

/**
 * Visits every (x position, filter tap, output position) triple of a conv2d, so that the forward
 * pass and both adjoints below are the same loop read three ways.
 */
function eachTap(
  xShape: Array4['shape'],
  filterShape: Array4['shape'],
  stride: number,
  pad: 'same' | 'valid',
  visit: (xIndex: number, filterIndex: number, yIndex: number) => void,
): Array4['shape'] {
  const [n, h, w, c] = xShape;
  const [kh, kw, , d] = filterShape;
  const rows = convAxis(h, kh, stride, pad);
  const cols = convAxis(w, kw, stride, pad);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < rows.out; i++)
      for (let j = 0; j < cols.out; j++)
        for (let u = 0; u < kh; u++)
          for (let v = 0; v < kw; v++) {
            const p = i * stride + u - rows.before;
            const q = j * stride + v - cols.before;
            if (p < 0 || p >= h || q < 0 || q >= w) continue;
            for (let ci = 0; ci < c; ci++)
              for (let co = 0; co < d; co++) {
                visit(((b * h + p) * w + q) * c + ci, ((u * kw + v) * c + ci) * d + co, ((b * rows.out + i) * cols.out + j) * d + co);
              }
          }
  return [n, rows.out, cols.out, d];
}

/** conv2d(x, filter) in float64. */
export function conv2d64(x: Array4, filter: Array4, stride: number, pad: 'same' | 'valid'): Array4 {
  const shape = eachTap(x.shape, filter.shape, stride, pad, () => {});
  const y = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  eachTap(x.shape, filter.shape, stride, pad, (xi, fi, yi) => {
    y[yi] += x.data[xi] * filter.data[fi];
  });
  return { data: y, shape };
}

/** The input gradient of conv2d (= conv2dTranspose of dy) in float64. */
export function conv2dInputGradient64(xShape: Array4['shape'], filter: Array4, dy: Array4, stride: number, pad: 'same' | 'valid'): Array4 {
  const dx = new Array<number>(xShape.reduce((a, b) => a * b, 1)).fill(0);
  eachTap(xShape, filter.shape, stride, pad, (xi, fi, yi) => {
    dx[xi] += dy.data[yi] * filter.data[fi];
  });
  return { data: dx, shape: xShape };
}

/** The filter gradient of conv2d in float64. */
export function conv2dFilterGradient64(x: Array4, filterShape: Array4['shape'], dy: Array4, stride: number, pad: 'same' | 'valid'): Array4 {
  const dw = new Array<number>(filterShape.reduce((a, b) => a * b, 1)).fill(0);
  eachTap(x.shape, filterShape, stride, pad, (xi, fi, yi) => {
    dw[fi] += x.data[xi] * dy.data[yi];
  });
  return { data: dw, shape: filterShape };
}
