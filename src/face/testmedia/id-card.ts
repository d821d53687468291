import { readFileSync } from 'node:fs';
import sharp, { type OverlayOptions } from 'sharp';
import { cachedPath, cacheKey, isCached, writeAtomic } from './cache';

export interface IdCardOptions {
  name?: string;
  documentNumber?: string;
  dateOfBirth?: string;
  /** Small, faded second portrait as printed on many cards (default true). */
  ghost?: boolean;
  /** Print no portrait at all (and no ghost): a card without a face. */
  noPortrait?: boolean;
  /** A second full-size portrait of someone else: an invalid card with two large faces. */
  secondPortraitPath?: string;
  /** Scales the main portrait (e.g. 0.25 for an unreadably small face). */
  portraitScale?: number;
  /** Gaussian blur sigma over the whole card (a badly focused photo of the card). */
  blur?: number;
  /** Multiplies brightness (e.g. 0.08 for a card photographed in the dark). */
  brightness?: number;
  format?: 'jpeg' | 'png' | 'webp';
  /** Stores the card rotated and tagged with this EXIF orientation, as phones do. */
  exifOrientation?: 3 | 6 | 8;
  width?: number;
}

const CARD_W = 1012;
const CARD_H = 638;

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function background(): Buffer {
  const waves = Array.from({ length: 14 }, (_, i) => {
    const y = 60 + i * 42;
    return `<path d="M0 ${y} C 250 ${y - 30}, 500 ${y + 30}, ${CARD_W} ${y}" stroke="#b9d3e6" stroke-width="1.2" fill="none"/>`;
  }).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_W}" height="${CARD_H}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#eef5fb"/><stop offset="1" stop-color="#dce9f3"/></linearGradient></defs>
      <rect width="100%" height="100%" rx="28" fill="url(#g)"/>${waves}
      <rect x="0" y="0" width="${CARD_W}" height="92" rx="28" fill="#1f4e79"/>
      <rect x="0" y="60" width="${CARD_W}" height="32" fill="#1f4e79"/>
    </svg>`,
  );
}

function textLayer(o: Required<Pick<IdCardOptions, 'name' | 'documentNumber' | 'dateOfBirth'>>): Buffer {
  const [surname, ...given] = o.name.split(/[_ ]+/).reverse();
  const field = (label: string, value: string, y: number): string =>
    `<text x="380" y="${y}" font-family="DejaVu Sans" font-size="20" fill="#4a6073">${escapeXml(label)}</text>` +
    `<text x="380" y="${y + 32}" font-family="DejaVu Sans" font-weight="bold" font-size="30" fill="#102030">${escapeXml(value)}</text>`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_W}" height="${CARD_H}">
      <text x="40" y="60" font-family="DejaVu Sans" font-weight="bold" font-size="34" fill="#ffffff">REPUBLIC OF EXAMPLE · IDENTITY CARD</text>
      ${field('Surname', (surname ?? '').toUpperCase(), 140)}
      ${field('Given names', given.reverse().join(' '), 220)}
      ${field('Date of birth', o.dateOfBirth, 300)}
      ${field('Document no.', o.documentNumber, 380)}
      <text x="40" y="600" font-family="DejaVu Sans Mono" font-size="24" fill="#203040">IDEXA${escapeXml(o.documentNumber)}&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</text>
    </svg>`,
  );
}

async function portrait(photoPath: string, w: number, h: number): Promise<Buffer> {
  return sharp(photoPath).resize(w, h, { fit: 'cover' }).jpeg().toBuffer();
}

async function ghostPortrait(photoPath: string): Promise<Buffer> {
  const { data, info } = await sharp(photoPath)
    .resize(84, 106, { fit: 'cover' })
    .grayscale()
    .linear(0.45, 135) // faded print, as on real cards
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .png()
    .toBuffer();
}

async function render(photoPath: string, opts: IdCardOptions): Promise<Buffer> {
  const name = opts.name ?? (photoPath.split('/').at(-2) ?? 'Jane Doe').replace(/_/g, ' ');
  const scale = opts.portraitScale ?? 1;
  const pw = Math.round(300 * scale);
  const ph = Math.round(380 * scale);
  const layers: OverlayOptions[] = [
    {
      input: textLayer({
        name,
        documentNumber: opts.documentNumber ?? 'X1234567',
        dateOfBirth: opts.dateOfBirth ?? '01.01.1970',
      }),
    },
  ];
  if (!opts.noPortrait) layers.push({ input: await portrait(photoPath, pw, ph), left: 40, top: 130 });
  if ((opts.ghost ?? true) && !opts.noPortrait) {
    layers.push({ input: await ghostPortrait(photoPath), left: 880, top: 460 });
  }
  if (opts.secondPortraitPath) {
    layers.push({ input: await portrait(opts.secondPortraitPath, 260, 330), left: 700, top: 130 });
  }
  let img = sharp(background()).composite(layers).flatten({ background: '#ffffff' });
  if (opts.blur) img = sharp(await img.png().toBuffer()).blur(opts.blur);
  if (opts.brightness !== undefined)
    img = sharp(await img.png().toBuffer()).modulate({ brightness: opts.brightness });
  if (opts.width) img = sharp(await img.png().toBuffer()).resize({ width: opts.width });
  return encode(await img.png().toBuffer(), opts);
}

/** Stores pixels rotated against the tag so that only an EXIF-aware reader sees the card upright. */
async function encode(png: Buffer, opts: IdCardOptions): Promise<Buffer> {
  let img = sharp(png);
  if (opts.exifOrientation) {
    const undo = { 3: 180, 6: -90, 8: 90 }[opts.exifOrientation];
    img = sharp(await img.rotate(undo).png().toBuffer()).withMetadata({ orientation: opts.exifOrientation });
  }
  const format = opts.format ?? 'jpeg';
  if (format === 'png') return img.png().toBuffer();
  if (format === 'webp') return img.webp({ quality: 90 }).toBuffer();
  return img.jpeg({ quality: 90 }).toBuffer();
}

/** An ID-card image (JPEG by default) with printed fields, the portrait and a small ghost portrait. Cached. */
export async function makeIdCard(photoPath: string, opts: IdCardOptions = {}): Promise<Buffer> {
  const extra = opts.secondPortraitPath ? [opts.secondPortraitPath] : [];
  const file = cachedPath(cacheKey('idcard', [photoPath, ...extra], opts), opts.format ?? 'jpeg');
  if (isCached(file)) return readFileSync(file);
  const out = await render(photoPath, opts);
  writeAtomic(file, out);
  return out;
}
