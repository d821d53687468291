// ID image decoding: content sniffed, size bounded before decode, EXIF orientation applied, truncation detected.
import { open, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { MediaError } from './errors';
import { sniffMediaType, SNIFF_BYTES } from './media-type';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ImageLimits {
  maxImagePixels: number;
  maxImageBytes: number;
}

export async function readHead(file: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function checkFile(file: string, limits: ImageLimits): Promise<void> {
  const st = await stat(file).catch(() => null);
  if (!st || !st.isFile())
    throw new MediaError('CORRUPT_MEDIA', `ID image not readable: ${file}`, 'id_image');
  if (st.size === 0) throw new MediaError('EMPTY_FILE', 'ID image is empty (0 bytes)', 'id_image');
  if (st.size > limits.maxImageBytes) {
    throw new MediaError(
      'IMAGE_TOO_LARGE',
      `ID image is ${st.size} bytes, limit ${limits.maxImageBytes}`,
      'id_image',
    );
  }
  const sniffed = sniffMediaType(await readHead(file));
  if (!sniffed || sniffed.kind !== 'image') {
    throw new MediaError('UNSUPPORTED_MEDIA', 'ID image must be JPEG, PNG or WebP', 'id_image');
  }
}

/** Reads dimensions from the header only, so a decompression bomb is refused before any pixel is decoded. */
async function checkDimensions(file: string, limits: ImageLimits): Promise<void> {
  const meta = await sharp(file, { limitInputPixels: false })
    .metadata()
    .catch((err: unknown) => {
      throw new MediaError(
        'CORRUPT_MEDIA',
        `ID image header unreadable: ${(err as Error).message}`,
        'id_image',
      );
    });
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels === 0) throw new MediaError('CORRUPT_MEDIA', 'ID image has no dimensions', 'id_image');
  if (pixels > limits.maxImagePixels) {
    throw new MediaError(
      'IMAGE_TOO_LARGE',
      `ID image is ${meta.width}x${meta.height} (${pixels} px), limit ${limits.maxImagePixels} px`,
      'id_image',
    );
  }
}

/** Decodes to RGB, upright per EXIF; a truncated or otherwise damaged file is CORRUPT_MEDIA, not a half image. */
export async function decodeImage(file: string, limits: ImageLimits, maxSide = 1600): Promise<RgbImage> {
  await checkFile(file, limits);
  await checkDimensions(file, limits);
  try {
    const { data, info } = await sharp(file, { failOn: 'truncated', limitInputPixels: limits.maxImagePixels })
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    throw new MediaError(
      'CORRUPT_MEDIA',
      `ID image cannot be decoded: ${(err as Error).message}`,
      'id_image',
    );
  }
}
