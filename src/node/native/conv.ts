import * as tf from '@tensorflow/tfjs-core';
import { defineNativeKernel, float32Values, type NativeBackend } from './backend.ts';
import { biasRow, fillRows, finishFused, type FusedEpilogue } from './fused.ts';

/**
 * Largest im2col buffer, in floats (16 MB). Batches are processed in chunks of whole images that
 * fit, so memory stays bounded for big inputs while small ones still make one large GEMM.
 */
export const IM2COL_BUDGET_FLOATS = 4 * 1024 * 1024;

/**
 * Contiguous runs at least this long are copied with `TypedArray.set` (a memcpy) rather than a
 * loop; below it, making the subarray view costs more than the loop.
 */
const MEMCPY_MIN_FLOATS = 64;

type ConvInfo = tf.backend_util.Conv2DInfo;

/** `Conv2D` (NHWC) as im2col + one GEMM per chunk of images; NCHW runs the cpu kernel. */
export const conv2DConfig = defineNativeKernel<tf.Conv2DInputs, tf.Conv2DAttrs>(tf.Conv2D, ({ inputs, attrs, backend }) => {
  const { x, filter } = inputs;
  if (x === undefined || filter === undefined || !isChannelsLast(attrs.dataFormat)) return undefined;
  return conv2D(backend, x, filter, attrs, {});
});

/** `FusedConv2D`: the conv GEMM with the bias prefilled into its output, activation in place. */
export const fusedConv2DConfig = defineNativeKernel<tf.FusedConv2DInputs, tf.FusedConv2DAttrs>(
  tf.FusedConv2D,
  ({ inputs, attrs, backend }) => {
    const { x, filter, bias, preluActivationWeights } = inputs;
    if (!isChannelsLast(attrs.dataFormat)) return undefined;
    const { activation, leakyreluAlpha } = attrs;
    return conv2D(backend, x, filter, attrs, { bias, activation, preluActivationWeights, leakyreluAlpha });
  },
);

/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and what `conv2dTranspose` runs):
 * dCol = dy·Wᵀ by GEMM, then col2im scatters the columns back onto the image.
 */
export const conv2DBackpropInputConfig = defineNativeKernel<tf.Conv2DBackpropInputInputs, tf.Conv2DBackpropInputAttrs>(
  tf.Conv2DBackpropInput,
  ({ inputs, attrs, backend }) => {
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined || !isChannelsLast(attrs.dataFormat)) return undefined;
    const dyValues = float32Values(backend, dy);
    const w = float32Values(backend, filter);
    if (dyValues === undefined || w === undefined) return undefined;
    // Like the cpu kernel, this op has no dilation attribute: tfjs's conv gradients require 1.
    const info = convInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const dx = backend.allocateZeroed(tf.util.sizeFromShape(info.inShape));
    const { rowsPerImage, patch, outChannels } = dims(info);
    const blas = backend.blas;
    if (isPointwise(info)) {
      blas.sgemm(false, true, info.batchSize * rowsPerImage, patch, outChannels, dyValues, outChannels, w, outChannels, 0, dx, patch);
    } else {
      forEachChunk(backend, info, (b0, images, col) => {
        const rows = images * rowsPerImage;
        const dyChunk = dyValues.subarray(b0 * rowsPerImage * outChannels, (b0 + images) * rowsPerImage * outChannels);
        blas.sgemm(false, true, rows, patch, outChannels, dyChunk, outChannels, w, outChannels, 0, col, patch);
        col2im(col, info, b0, images, dx);
      });
    }
    return backend.makeTensorInfo(info.inShape, 'float32', dx);
  },
);

/** `Conv2DBackpropFilter` (the filter gradient of conv2d): dW = im2col(x)ᵀ·dy, accumulated over chunks. */
export const conv2DBackpropFilterConfig = defineNativeKernel<tf.Conv2DBackpropFilterInputs, tf.Conv2DBackpropFilterAttrs>(
  tf.Conv2DBackpropFilter,
  ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs;
    if (x === undefined || dy === undefined || !isChannelsLast(attrs.dataFormat)) return undefined;
    const xValues = float32Values(backend, x);
    const dyValues = float32Values(backend, dy);
    if (xValues === undefined || dyValues === undefined) return undefined;
    const info = convInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const dw = backend.allocateZeroed(tf.util.sizeFromShape(info.filterShape));
    const { rowsPerImage, patch, outChannels } = dims(info);
    const blas = backend.blas;
    if (isPointwise(info)) {
      blas.sgemm(true, false, patch, outChannels, info.batchSize * rowsPerImage, xValues, patch, dyValues, outChannels, 0, dw, outChannels);
    } else {
      forEachChunk(backend, info, (b0, images, col) => {
        im2col(xValues, info, b0, images, col);
        const rows = images * rowsPerImage;
        const dyChunk = dyValues.subarray(b0 * rowsPerImage * outChannels, (b0 + images) * rowsPerImage * outChannels);
        blas.sgemm(true, false, patch, outChannels, rows, col, patch, dyChunk, outChannels, b0 === 0 ? 0 : 1, dw, outChannels);
      });
    }
    return backend.makeTensorInfo(info.filterShape, 'float32', dw);
  },
);

function conv2D(
  backend: NativeBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dilations' | 'dimRoundingMode'>,
  epilogue: FusedEpilogue,
): tf.TensorInfo | undefined {
  const xValues = float32Values(backend, x);
  const w = float32Values(backend, filter);
  if (xValues === undefined || w === undefined) return undefined;
  const info = convInfo(x.shape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode);
  const { rowsPerImage, patch, outChannels } = dims(info);
  const totalRows = info.batchSize * rowsPerImage;
  const y = backend.allocate(totalRows * outChannels);
  const bias = epilogue.bias === undefined ? undefined : biasRow(backend, epilogue.bias, outChannels);
  if (bias !== undefined) fillRows(y, totalRows, bias);
  const beta = bias === undefined ? 0 : 1;
  const blas = backend.blas;
  if (isPointwise(info)) {
    blas.sgemm(false, false, totalRows, outChannels, patch, xValues, patch, w, outChannels, beta, y, outChannels);
  } else {
    forEachChunk(backend, info, (b0, images, col) => {
      im2col(xValues, info, b0, images, col);
      const yChunk = y.subarray(b0 * rowsPerImage * outChannels, (b0 + images) * rowsPerImage * outChannels);
      blas.sgemm(false, false, images * rowsPerImage, outChannels, patch, col, patch, w, outChannels, beta, yChunk, outChannels);
    });
  }
  return finishFused(backend, y, info.outShape, epilogue, bias !== undefined);
}

function isChannelsLast(dataFormat: 'NHWC' | 'NCHW' | undefined): boolean {
  return tf.backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC') === 'channelsLast';
}

function convInfo(
  xShape: number[],
  filterShape: number[],
  strides: [number, number] | number,
  dilations: [number, number] | number,
  pad: tf.Conv2DAttrs['pad'],
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    toShape4(xShape),
    toShape4(filterShape),
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

function toShape4(shape: number[]): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`conv2d expects rank-4 shapes, got [${shape}]`);
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** GEMM sizes: one row per output pixel, one column per (filter row, filter column, in-channel). */
function dims(info: ConvInfo): { rowsPerImage: number; patch: number; outChannels: number } {
  return {
    rowsPerImage: info.outHeight * info.outWidth,
    patch: info.filterHeight * info.filterWidth * info.inChannels,
    outChannels: info.outChannels,
  };
}

/** A 1×1 conv with unit stride and no padding is already a GEMM on the NHWC image: skip im2col. */
function isPointwise(info: ConvInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

/** Calls `fn(firstImage, images, col)` over the batch in chunks whose im2col matrix fits the budget. */
function forEachChunk(
  backend: NativeBackend,
  info: ConvInfo,
  fn: (b0: number, images: number, col: Float32Array) => void,
): void {
  const { rowsPerImage, patch } = dims(info);
  const perImage = Math.max(1, rowsPerImage * patch);
  const imagesPerChunk = Math.max(1, Math.min(info.batchSize, Math.floor(IM2COL_BUDGET_FLOATS / perImage)));
  // Every element is written before it is read (im2col fills padding with zeros; the GEMM of
  // the input gradient has beta = 0), so a recycled array needs no clearing.
  const col = backend.allocate(imagesPerChunk * perImage);
  for (let b0 = 0; b0 < info.batchSize; b0 += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, info.batchSize - b0);
    fn(b0, images, images === imagesPerChunk ? col : col.subarray(0, images * perImage));
  }
  backend.release(col);
}

/** Copies each output pixel's receptive field (zeros where it hangs over the padding) into a row of `col`. */
function im2col(x: Float32Array, info: ConvInfo, b0: number, images: number, col: Float32Array): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowWidth = filterWidth * inChannels;
  const span = (filterWidth - 1) * dilationWidth + 1;
  let o = 0;
  for (let b = b0; b < b0 + images; b++) {
    const xImage = b * inHeight * inWidth * inChannels;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        // Away from the left and right edges with no dilation, a filter row is one contiguous
        // run of the NHWC image: copy it without per-pixel bounds checks.
        const contiguous = dilationWidth === 1 && x0 >= 0 && x0 + span <= inWidth;
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = y0 + fy * dilationHeight;
          if (iy < 0 || iy >= inHeight) {
            col.fill(0, o, o + rowWidth);
            o += rowWidth;
            continue;
          }
          const xRow = xImage + iy * inWidth * inChannels;
          if (contiguous) {
            const src = xRow + x0 * inChannels;
            if (rowWidth >= MEMCPY_MIN_FLOATS) col.set(x.subarray(src, src + rowWidth), o);
            else for (let c = 0; c < rowWidth; c++) col[o + c] = x[src + c];
            o += rowWidth;
            continue;
          }
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = x0 + fx * dilationWidth;
            if (ix < 0 || ix >= inWidth) {
              for (let c = 0; c < inChannels; c++) col[o + c] = 0;
            } else {
              const src = xRow + ix * inChannels;
              for (let c = 0; c < inChannels; c++) col[o + c] = x[src + c];
            }
            o += inChannels;
          }
        }
      }
    }
  }
}

/** The adjoint of {@link im2col}: adds each row of `col` back onto the pixels it was copied from. */
function col2im(col: Float32Array, info: ConvInfo, b0: number, images: number, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowWidth = filterWidth * inChannels;
  const span = (filterWidth - 1) * dilationWidth + 1;
  let o = 0;
  for (let b = b0; b < b0 + images; b++) {
    const xImage = b * inHeight * inWidth * inChannels;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const contiguous = dilationWidth === 1 && x0 >= 0 && x0 + span <= inWidth;
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = y0 + fy * dilationHeight;
          if (iy < 0 || iy >= inHeight) {
            o += rowWidth;
            continue;
          }
          const xRow = xImage + iy * inWidth * inChannels;
          if (contiguous) {
            const dst = xRow + x0 * inChannels;
            for (let c = 0; c < rowWidth; c++) dx[dst + c] += col[o + c];
            o += rowWidth;
            continue;
          }
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = x0 + fx * dilationWidth;
            if (ix >= 0 && ix < inWidth) {
              const dst = xRow + ix * inChannels;
              for (let c = 0; c < inChannels; c++) dx[dst + c] += col[o + c];
            }
            o += inChannels;
          }
        }
      }
    }
  }
}
