import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { resolveFfmpegPath, runBinary } from '../ffmpeg';
import { cachedPath, cacheKey, isCached } from './cache';

export interface SelfieVideoOptions {
  seconds?: number;
  fps?: number;
  format?: 'mp4' | 'webm' | 'mov';
  width?: number;
  height?: number;
  /** 0 = a perfectly still picture (what a photo held to the camera looks like); 1 = natural head motion. */
  motion?: number;
  /** Multiplies brightness (e.g. 0.06 for a video recorded in the dark). */
  brightness?: number;
  /** Gaussian blur sigma applied to every frame. */
  blur?: number;
  /** Scales the face relative to the frame (0.15 = tiny face far from the camera). */
  faceScale?: number;
  /** Photos of a second person shown beside the first at a similar size (two people in the selfie). */
  secondPhotos?: string[];
}

type Resolved = Required<Omit<SelfieVideoOptions, 'format' | 'secondPhotos'>> & { secondPhotos: string[] };

interface FramePlan {
  photo: string;
  second?: string;
  zoom: number;
  dx: number;
  dy: number;
  angle: number;
}

/** Each photo gets an equal slice of the clip; within it the head sways, nods and leans a little. */
function planFrames(photos: string[], opts: Resolved): FramePlan[] {
  const total = Math.max(1, Math.round(opts.seconds * opts.fps));
  return Array.from({ length: total }, (_, i) => {
    const t = i / opts.fps;
    const photo = photos[Math.min(photos.length - 1, Math.floor((i / total) * photos.length))] as string;
    const m = opts.motion;
    const second =
      opts.secondPhotos[
        Math.min(opts.secondPhotos.length - 1, Math.floor((i / total) * opts.secondPhotos.length))
      ];
    return {
      photo,
      second,
      zoom: 1 + 0.06 * m * Math.sin(2 * Math.PI * 0.35 * t),
      dx: 0.05 * m * Math.sin(2 * Math.PI * 0.5 * t),
      dy: 0.03 * m * Math.sin(2 * Math.PI * 0.8 * t + 1),
      angle: 5 * m * Math.sin(2 * Math.PI * 0.4 * t + 0.5),
    };
  });
}

async function renderFrame(plan: FramePlan, o: Resolved): Promise<Buffer> {
  const { width: W, height: H } = o;
  const face = Math.round(Math.min(W, H) * o.faceScale * plan.zoom);
  const rotated = await sharp(plan.photo)
    .resize(face, face)
    .rotate(plan.angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const backdrop = await backdropFor(plan.photo, W, H);
  const left = Math.round(W / 2 - rotated.info.width / 2 + plan.dx * W);
  const top = Math.round(H * 0.45 - rotated.info.height / 2 + plan.dy * H);
  const layers = [{ input: rotated.data, left: clamp(left, W), top: clamp(top, H) }];
  if (plan.second) {
    // Two people side by side: the first face moves left, the second sits right at a similar size.
    const size = Math.round(face * 0.9);
    const other = await sharp(plan.second).resize(size, size).png().toBuffer();
    layers[0] = { input: rotated.data, left: clamp(Math.round(left - W * 0.22), W), top: clamp(top, H) };
    layers.push({
      input: other,
      left: clamp(Math.round(W * 0.72 - size / 2), W),
      top: clamp(Math.round(H * 0.45 - size / 2), H),
    });
  }
  let img = sharp(backdrop).composite(layers);
  if (o.blur > 0) img = sharp(await img.png().toBuffer()).blur(o.blur);
  if (o.brightness !== 1) img = sharp(await img.png().toBuffer()).modulate({ brightness: o.brightness });
  return img.removeAlpha().raw().toBuffer();
}

const backdrops = new Map<string, Promise<Buffer>>();

/** The blurred backdrop is the slow part of a frame and identical across a photo's frames. */
function backdropFor(photo: string, w: number, h: number): Promise<Buffer> {
  const key = `${photo}:${w}x${h}`;
  let b = backdrops.get(key);
  if (!b) {
    if (backdrops.size > 64) backdrops.clear();
    b = sharp(photo).resize(w, h, { fit: 'cover' }).blur(25).png({ compressionLevel: 0 }).toBuffer();
    backdrops.set(key, b);
  }
  return b;
}

function clamp(v: number, size: number): number {
  return Math.max(-size, Math.min(size, v));
}

function withDefaults(opts: SelfieVideoOptions): Resolved {
  return {
    seconds: opts.seconds ?? 5,
    fps: opts.fps ?? 15,
    width: opts.width ?? 480,
    height: opts.height ?? 640,
    motion: opts.motion ?? 1,
    brightness: opts.brightness ?? 1,
    blur: opts.blur ?? 0,
    faceScale: opts.faceScale ?? 0.8,
    secondPhotos: opts.secondPhotos ?? [],
  };
}

async function* frames(photos: string[], o: Resolved): AsyncIterable<Buffer> {
  for (const plan of planFrames(photos, o)) yield await renderFrame(plan, o);
}

const ENCODERS: Record<'mp4' | 'webm' | 'mov' | 'y4m', string[]> = {
  mp4: [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
  ],
  mov: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-f', 'mov'],
  webm: [
    '-c:v',
    'libvpx-vp9',
    '-b:v',
    '0',
    '-crf',
    '36',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-f',
    'webm',
  ],
  y4m: ['-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'],
};

async function encode(
  photos: string[],
  outFile: string,
  fmt: keyof typeof ENCODERS,
  opts: SelfieVideoOptions,
) {
  const o = withDefaults(opts);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24'];
  args.push('-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', '-', ...ENCODERS[fmt], outFile);
  const res = await runBinary(resolveFfmpegPath(), args, { stdin: frames(photos, o), timeoutMs: 120_000 });
  if (res.code !== 0) throw new Error(`ffmpeg failed (${res.code ?? res.signal}): ${res.stderr}`);
}

async function makeCached(
  photos: string[],
  outPath: string,
  fmt: keyof typeof ENCODERS,
  opts: SelfieVideoOptions,
) {
  if (photos.length === 0) throw new Error('at least one photo is needed');
  const cached = cachedPath(cacheKey(`video-${fmt}`, photos, { ...opts, format: fmt }), fmt);
  if (!isCached(cached)) {
    const tmp = `${cached}.${process.pid}.tmp.${fmt}`;
    await encode(photos, tmp, fmt, opts);
    renameSync(tmp, cached);
  }
  mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  copyFileSync(cached, outPath);
  return outPath;
}

/** A selfie video (H.264 MP4 by default) from photos of one person with natural-looking motion. Cached. */
export function makeSelfieVideo(
  photoPaths: string[],
  outPath: string,
  opts: SelfieVideoOptions = {},
): Promise<string> {
  return makeCached(photoPaths, outPath, opts.format ?? 'mp4', opts);
}

/** The same clip as raw YUV4MPEG2, which Chromium plays as a fake camera. */
export function makeY4m(
  photoPaths: string[],
  outPath: string,
  opts: SelfieVideoOptions = {},
): Promise<string> {
  return makeCached(photoPaths, outPath, 'y4m', { ...opts, format: undefined });
}
