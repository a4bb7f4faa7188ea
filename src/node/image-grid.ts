import sharp from 'sharp';
import { fromBase64 } from '../tensor/index.ts';
import type { SampleSnapshot } from '../train/index.ts';

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Images per row (default: the square root of the count, rounded up). */
  cols?: number;
  /** Each pixel drawn as a `scale × scale` block (nearest neighbour: no blur), default 2. */
  scale?: number;
  /** Pixels between tiles, default 2 (before scaling). */
  gap?: number;
}

/**
 * `count` images of `[h, w, c]` bytes (c = 1 or 3, row-major, image after image) tiled into one
 * RGB PNG on a grey background.
 *
 * @example
 * const png = await imageGridPng(bytes, [28, 28, 1], 64); // an 8 × 8 grid
 */
export async function imageGridPng(bytes: Uint8Array, shape: readonly number[], count: number, options: ImageGridOptions = {}): Promise<Uint8Array> {
  const [h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new RangeError(`a sample grid draws 1 or 3 channels, got ${c}`);
  if (bytes.length < count * h * w * c) throw new RangeError(`${bytes.length} bytes hold fewer than ${count} images of ${h}×${w}×${c}`);
  const cols = Math.max(1, Math.min(count, options.cols ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.max(1, Math.ceil(count / cols));
  const gap = options.gap ?? 2;
  const scale = options.scale ?? 2;
  const width = cols * w + (cols + 1) * gap;
  const height = rows * h + (rows + 1) * gap;
  const canvas = new Uint8Array(width * height * 3).fill(128);
  for (let k = 0; k < count; k++) {
    const top = gap + Math.floor(k / cols) * (h + gap);
    const left = gap + (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((k * h + y) * w + x) * c;
        const dst = ((top + y) * width + left + x) * 3;
        for (let ch = 0; ch < 3; ch++) canvas[dst + ch] = bytes[src + (c === 1 ? 0 : ch)];
      }
    }
  }
  const png = await sharp(canvas, { raw: { width, height, channels: 3 } })
    .resize(width * scale, height * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** The generated (or real) images of an image snapshot as a grid PNG; undefined for point snapshots. */
export async function snapshotGridPng(snapshot: SampleSnapshot, which: 'fake' | 'real' = 'fake', options: ImageGridOptions = {}): Promise<Uint8Array | undefined> {
  const images = snapshot.images;
  if (!images) return undefined;
  // A conditional run's samples cycle through the classes (image i is class i mod classes): one class per column.
  const cols = options.cols ?? (which === 'fake' && images.classes && images.classes <= images.count ? images.classes : undefined);
  return imageGridPng(fromBase64(images[which]), images.shape, images.count, { ...options, ...(cols ? { cols } : {}) });
}
