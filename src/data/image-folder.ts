import { z } from 'zod';

/**
 * Config entry of a folder of the user's own PNG/JPEG images: `path` the folder (a subfolder per
 * class gives labels), `size` the square side every image is resized and centre-cropped to,
 * `channels` 1 (grey) or 3 (RGB).
 *
 * @example
 * imageFolderSchema.parse({ kind: 'image-folder', path: 'data/faces' }); // size 64, channels 3
 */
export const imageFolderSchema = z.strictObject({
  kind: z.literal('image-folder'),
  path: z.string().min(1),
  size: z.number().int().min(4).max(512).default(64),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
});

/** A parsed image-folder config entry. */
export type ImageFolderConfig = z.output<typeof imageFolderSchema>;

/** File extensions read as images (compared lower-case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
