// Hostile and broken inputs for tests: each must fail fast with the right MediaError code.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { resolveFfmpegPath, runBinary } from '../ffmpeg';
import { cacheDir } from './cache';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A "decompression bomb": a valid PNG header claiming width x height pixels (default 50,000 x 50,000 =
 * 2.5 gigapixels, ~7.5 GB decoded) with a tiny compressed body. Only the header must be read to refuse it.
 */
export function pixelBombPng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // grayscale
  // A few rows of zeros; a decoder that trusted the header would allocate for all of them first.
  const idat = deflateSync(Buffer.alloc((width + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The first `fraction` of a file: a truncated upload. */
export function truncated(file: string, fraction = 0.5): Buffer {
  const b = readFileSync(file);
  return b.subarray(0, Math.max(16, Math.floor(b.length * fraction)));
}

async function ffmpegToCache(name: string, args: string[]): Promise<string> {
  const out = path.join(cacheDir(), name);
  if (existsSync(out)) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp${path.extname(out)}`;
  const res = await runBinary(
    resolveFfmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp],
    {
      timeoutMs: 120_000,
    },
  );
  if (res.code !== 0) throw new Error(`ffmpeg failed: ${res.stderr}`);
  renameSync(tmp, out);
  return out;
}

/** A real H.264 MP4 lasting `hours` hours, made cheaply: 16x16 pixels at 1 frame per second. */
export function longVideo(hours = 3): Promise<string> {
  const seconds = Math.round(hours * 3600);
  return ffmpegToCache(`long-${seconds}s.mp4`, [
    '-f',
    'lavfi',
    '-i',
    `color=c=gray:s=16x16:r=1:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mp4',
  ]);
}

/** A short video without any face (ffmpeg's test pattern). */
export function facelessVideo(seconds = 3): Promise<string> {
  return ffmpegToCache(`faceless-${seconds}s.mp4`, [
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=320x240:rate=10:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mp4',
  ]);
}

/** An MP4 container holding only an audio track. */
export function audioOnlyMp4(seconds = 2): Promise<string> {
  return ffmpegToCache(`audio-only-${seconds}s.mp4`, [
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-c:a',
    'aac',
    '-f',
    'mp4',
  ]);
}

export function writeTo(file: string, data: Buffer | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  return file;
}
