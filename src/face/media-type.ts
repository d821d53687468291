/**
 * Media type sniffing from magic bytes. Pure and dependency-free on purpose: the HTTP upload path imports it
 * without pulling tfjs in. A positive answer only means "looks like"; the engine still does a real decode.
 */
export type SniffedMediaType =
  'image/jpeg' | 'image/png' | 'image/webp' | 'video/mp4' | 'video/webm' | 'video/quicktime';

export interface SniffResult {
  kind: 'image' | 'video';
  mediaType: SniffedMediaType;
}

/** How many leading bytes callers should read; more is harmless. */
export const SNIFF_BYTES = 64;

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(head: Buffer, bytes: number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((b, i) => head[offset + i] === b);
}

function ascii(head: Buffer, start: number, end: number): string {
  return head.subarray(start, end).toString('latin1');
}

/** ISO BMFF (`ftyp` box): QuickTime brand `qt  ` means .mov; everything else we accept is treated as MP4. */
function sniffIsoBmff(head: Buffer): SniffResult | null {
  if (head.length < 12 || ascii(head, 4, 8) !== 'ftyp') return null;
  const brand = ascii(head, 8, 12);
  if (brand === 'qt  ') return { kind: 'video', mediaType: 'video/quicktime' };
  // HEIF/AVIF images also use ftyp; they are not accepted media.
  if (/^(heic|heix|hevc|hevx|mif1|msf1|avif|avis)$/.test(brand)) return null;
  return { kind: 'video', mediaType: 'video/mp4' };
}

/** Old QuickTime files may start with `moov`/`mdat`/`wide`/`free` atoms instead of `ftyp`. */
function sniffLegacyQuickTime(head: Buffer): SniffResult | null {
  if (head.length < 8) return null;
  const atom = ascii(head, 4, 8);
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(atom)) {
    return { kind: 'video', mediaType: 'video/quicktime' };
  }
  return null;
}

/** EBML header; the DocType (`webm`) sits within the first few dozen bytes. Matroska (`matroska`) is refused. */
function sniffEbml(head: Buffer): SniffResult | null {
  if (!startsWith(head, EBML_MAGIC)) return null;
  const docTypeAt = head.indexOf(Buffer.from([0x42, 0x82]));
  if (docTypeAt < 0) return null;
  const window = ascii(head, docTypeAt, Math.min(head.length, docTypeAt + 16));
  return window.includes('webm') ? { kind: 'video', mediaType: 'video/webm' } : null;
}

export function sniffMediaType(head: Buffer): SniffResult | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', mediaType: 'image/jpeg' };
  if (startsWith(head, PNG_MAGIC)) return { kind: 'image', mediaType: 'image/png' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    return { kind: 'image', mediaType: 'image/webp' };
  }
  return sniffIsoBmff(head) ?? sniffEbml(head) ?? sniffLegacyQuickTime(head);
}
