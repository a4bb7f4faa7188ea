import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join, relative } from 'node:path';
import sharp from 'sharp';
import { IMAGE_EXTENSIONS, imageDataset, type ImageArrays, type ImageFolderConfig, type LabeledDataset } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { sha256Hex, utf8 } from '../tensor/index.ts';

/** A file that was not used, and why (sharp's own words for undecodable files). */
export interface SkippedFile {
  /** Path relative to the folder. */
  readonly file: string;
  readonly reason: string;
}

/** What {@link loadImageFolder} read: the dataset, its classes, and every file it could not use. */
export interface ImageFolder {
  readonly dataset: LabeledDataset;
  /** The decoded, resized bytes the dataset draws from. */
  readonly arrays: ImageArrays;
  /** Class names (subfolder names, sorted) by label id; `['.']` when the images sit in the folder itself. */
  readonly classNames: readonly string[];
  /** Unreadable or unusable files, skipped; loading went on without them. */
  readonly skipped: readonly SkippedFile[];
  /** Images smaller than `size` on a side, upscaled (usable, but blurry: worth knowing). */
  readonly upscaled: readonly string[];
}

/** Files decoded at once; sharp runs them on libuv's thread pool. */
const CONCURRENCY = 4;

/**
 * Reads a folder of PNG/JPEG images as a labelled dataset. With subfolders, each subfolder is a
 * class (labels by sorted name) and images directly in the folder are skipped and reported; with
 * none, every image is class 0; folders below a class folder are not read. Each image is resized so its shorter side is `size`, centre-cropped
 * to `size × size`, alpha flattened onto black, and converted to `channels` (1 grey, 3 RGB).
 * A file that sharp cannot decode (corrupt, truncated, not really an image) is skipped and listed
 * in `skipped` — one bad file never stops the load; files with other extensions are ignored. No
 * usable image at all, or a missing folder, is a DataError naming the folder. All images are held
 * in memory as bytes (size² · channels each).
 *
 * @example
 * const folder = await loadImageFolder({ kind: 'image-folder', path: 'data/faces', size: 64, channels: 3 });
 * for (const s of folder.skipped) console.warn(`skipped ${s.file}: ${s.reason}`);
 */
export async function loadImageFolder(config: ImageFolderConfig): Promise<ImageFolder> {
  const { path: root, size, channels } = config;
  const entries = listDir(root);
  const skipped: SkippedFile[] = [];
  const subfolders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const classNames = subfolders.length > 0 ? subfolders : ['.'];
  const files: { path: string; label: number }[] = [];
  if (subfolders.length > 0) {
    for (const e of entries) {
      if (e.isFile() && isImageName(e.name)) skipped.push({ file: e.name, reason: 'not in a class subfolder (the folder has subfolders, so each subfolder is a class)' });
    }
    subfolders.forEach((name, label) => {
      for (const e of listDir(join(root, name))) {
        if (e.isFile() && isImageName(e.name)) files.push({ path: join(root, name, e.name), label });
      }
    });
  } else {
    for (const e of entries) if (e.isFile() && isImageName(e.name)) files.push({ path: join(root, e.name), label: 0 });
  }
  if (files.length === 0) {
    const where = subfolders.length > 0 ? `in its ${subfolders.length} class subfolder(s)` : 'in it';
    throw new DataError(`no images found ${where}; expected files ending in ${IMAGE_EXTENSIONS.join(', ')}`, root);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const imageBytes = size * size * channels;
  const decoded: (Uint8Array | undefined)[] = new Array(files.length);
  const upscaled: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = relative(root, files[i].path);
      try {
        const { pixels, small } = await decodeImage(files[i].path, size, channels);
        decoded[i] = pixels;
        if (small) upscaled.push(file);
      } catch (error) {
        // sharp's messages sometimes end in a dangling colon ("Input file has corrupt header:").
        skipped.push({ file, reason: (error instanceof Error ? error.message : String(error)).replace(/:\s*$/, '') });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const kept = decoded.flatMap((pixels, i) => (pixels ? [{ pixels, label: files[i].label }] : []));
  // In file order, whichever decode finished first: the same folder gives the same messages.
  skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
  if (kept.length === 0) {
    const first = skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ');
    throw new DataError(`none of the ${files.length} image file(s) could be read: ${first}`, root);
  }
  const pixels = new Uint8Array(kept.length * imageBytes);
  const labels = new Int32Array(kept.length);
  kept.forEach((k, i) => {
    pixels.set(k.pixels, i * imageBytes);
    labels[i] = k.label;
  });
  const arrays: ImageArrays = { count: kept.length, height: size, width: size, channels, pixels, labels, classes: classNames.length };
  upscaled.sort();
  return { dataset: imageDataset(arrays, `folder:${root}`), arrays, classNames, skipped, upscaled };
}

/** One image as `size × size × channels` bytes; throws sharp's error for an undecodable file. */
export async function decodeImage(path: string, size: number, channels: 1 | 3): Promise<{ pixels: Uint8Array; small: boolean }> {
  const image = sharp(path, { failOn: 'error' });
  const meta = await image.metadata();
  const small = (meta.width ?? 0) < size || (meta.height ?? 0) < size;
  let pipeline = image
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .resize(size, size, { fit: 'cover', position: 'centre' });
  pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size) throw new Error(`decoded to ${info.width}×${info.height}, expected ${size}×${size}`);
  return { pixels: toChannels(data, info.channels, channels, size * size), small };
}

/** Bytes with `from` channels per pixel as `to` channels (grey → RGB repeats, RGB → grey averages). */
function toChannels(data: Uint8Array, from: number, to: number, pixels: number): Uint8Array {
  if (from === to) return new Uint8Array(data.buffer, data.byteOffset, pixels * to).slice();
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    if (to === 3) {
      const v = data[p * from];
      out[3 * p] = v;
      out[3 * p + 1] = v;
      out[3 * p + 2] = v;
    } else {
      out[p] = Math.round((data[p * from] + data[p * from + 1] + data[p * from + 2]) / 3);
    }
  }
  return out;
}

function listDir(dir: string): Dirent[] {
  try {
    if (!statSync(dir).isDirectory()) throw new DataError('is not a folder', dir);
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read the image folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`, dir);
  }
}

function isImageName(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

/**
 * A fingerprint of an image folder's files as the loader would read them (`sha256:<hex>` over
 * each image file's path relative to the folder, size and modification time, in sorted order): a
 * file added, removed, renamed, resized or rewritten gets another one. Synchronous and cheap (no
 * image is decoded), so a resume can check it before anything is read or written.
 *
 * @example
 * folderFingerprint('data/faces'); // 'sha256:9c1e…'
 */
export function folderFingerprint(root: string): string {
  const lines: string[] = [];
  const add = (dir: string) => {
    for (const e of listDir(dir)) {
      const path = join(dir, e.name);
      if (e.isFile() && isImageName(e.name)) {
        const info = statSync(path);
        lines.push(`${relative(root, path)}\u0000${info.size}\u0000${info.mtimeMs}`);
      } else if (e.isDirectory() && !e.name.startsWith('.') && dir === root) {
        add(path);
      }
    }
  };
  add(root);
  lines.sort();
  return `sha256:${sha256Hex(utf8(lines.join('\n')))}`;
}
