// Selfie video: probed first (container, codec, duration, size) so an hours-long or oversized clip is refused
// before decoding; then a bounded number of frames is decoded across the whole clip by ffmpeg.
import { stat } from 'node:fs/promises';
import { MediaError, TransientFaceError } from './errors';
import { resolveFfmpegPath, resolveFfprobePath, runBinary } from './ffmpeg';
import { readHead } from './image';
import { sniffMediaType } from './media-type';

export interface VideoLimits {
  maxVideoSeconds: number;
  maxVideoBytes: number;
  maxVideoPixels: number;
  ffmpegTimeoutMs: number;
  ffmpegPath?: string;
  ffprobePath?: string;
}

export interface VideoInfo {
  durationSeconds: number;
  width: number;
  height: number;
  codec: string;
  rotation: number;
}

export interface VideoFrame {
  index: number;
  timeSeconds: number;
  width: number;
  height: number;
  data: Uint8Array;
}

const ALLOWED_CODECS = new Set(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4', 'mjpeg']);

export { resolveFfprobePath };

async function checkFile(file: string, limits: VideoLimits): Promise<void> {
  const st = await stat(file).catch(() => null);
  if (!st || !st.isFile())
    throw new MediaError('CORRUPT_MEDIA', `selfie video not readable: ${file}`, 'selfie_video');
  if (st.size === 0) throw new MediaError('EMPTY_FILE', 'selfie video is empty (0 bytes)', 'selfie_video');
  if (st.size > limits.maxVideoBytes) {
    throw new MediaError(
      'VIDEO_TOO_LONG',
      `selfie video is ${st.size} bytes, limit ${limits.maxVideoBytes}`,
      'selfie_video',
    );
  }
  const sniffed = sniffMediaType(await readHead(file));
  if (!sniffed || sniffed.kind !== 'video') {
    throw new MediaError('UNSUPPORTED_MEDIA', 'selfie video must be MP4, WebM or QuickTime', 'selfie_video');
  }
}

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    duration?: string;
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
  format?: { duration?: string };
}

function killedBySomeoneElse(res: { code: number | null; signal: NodeJS.Signals | null }): boolean {
  return res.code === null && res.signal !== null;
}

/** Reads container metadata only; a file that claims hours is refused here without decoding a frame. */
export async function probeVideo(
  file: string,
  limits: VideoLimits,
  signal?: AbortSignal,
): Promise<VideoInfo> {
  await checkFile(file, limits);
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file];
  const res = await runBinary(limits.ffprobePath ?? resolveFfprobePath(), args, {
    timeoutMs: limits.ffmpegTimeoutMs,
    signal,
  });
  if (killedBySomeoneElse(res)) throw new TransientFaceError(`ffprobe killed (${res.signal})`);
  if (res.code !== 0)
    throw new MediaError('CORRUPT_MEDIA', `selfie video unreadable: ${res.stderr.trim()}`, 'selfie_video');
  const json = JSON.parse(res.stdout.toString('utf8')) as ProbeJson;
  const v = json.streams?.find((s) => s.codec_type === 'video');
  if (!v || !v.width || !v.height)
    throw new MediaError('UNSUPPORTED_MEDIA', 'no video stream found', 'selfie_video');
  if (!ALLOWED_CODECS.has(v.codec_name ?? '')) {
    throw new MediaError('UNSUPPORTED_MEDIA', `video codec ${v.codec_name} is not supported`, 'selfie_video');
  }
  if (v.width * v.height > limits.maxVideoPixels) {
    throw new MediaError(
      'IMAGE_TOO_LARGE',
      `video frame ${v.width}x${v.height} exceeds the pixel limit`,
      'selfie_video',
    );
  }
  let duration = Number(json.format?.duration ?? v.duration ?? NaN);
  // Browser MediaRecorder WebM carries no duration: read packet timestamps (no decoding) instead.
  if (!Number.isFinite(duration)) duration = await durationFromPackets(file, limits, signal);
  if (duration > limits.maxVideoSeconds) {
    throw new MediaError(
      'VIDEO_TOO_LONG',
      `selfie video lasts ${Number.isFinite(duration) ? duration.toFixed(1) : 'too long to measure'} s, limit ${limits.maxVideoSeconds} s`,
      'selfie_video',
    );
  }
  const rotation = Number(
    v.tags?.rotate ?? v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? 0,
  );
  return {
    durationSeconds: Number.isFinite(duration) ? duration : NaN,
    width: v.width,
    height: v.height,
    codec: v.codec_name ?? '',
    rotation,
  };
}

async function durationFromPackets(file: string, limits: VideoLimits, signal?: AbortSignal): Promise<number> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time',
    '-of',
    'csv=p=0',
    file,
  ];
  const res = await runBinary(limits.ffprobePath ?? resolveFfprobePath(), args, {
    timeoutMs: limits.ffmpegTimeoutMs,
    maxStdoutBytes: 8 * 1024 * 1024,
    signal,
  });
  if (killedBySomeoneElse(res) && !res.stderr.includes('stdout limit'))
    throw new TransientFaceError('ffprobe killed');
  const times = res.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => Number(l.split(',')[0]))
    .filter(Number.isFinite);
  // Too many packets to list within the limit is itself a sign of a very long clip.
  if (res.stderr.includes('stdout limit')) return Infinity;
  return times.length ? times.reduce((a, b) => Math.max(a, b), 0) : NaN;
}

function lastLine(s: string): string {
  return s.trim().split('\n').at(-1) ?? '';
}

/** Output frame size: long side at most maxSide, even numbers for the scaler; ffmpeg applies rotation itself. */
function outputSize(info: VideoInfo, maxSide: number): { w: number; h: number } {
  const swap = Math.abs(info.rotation) % 180 === 90;
  const w0 = swap ? info.height : info.width;
  const h0 = swap ? info.width : info.height;
  const s = Math.min(1, maxSide / Math.max(w0, h0));
  return { w: Math.max(2, Math.round((w0 * s) / 2) * 2), h: Math.max(2, Math.round((h0 * s) / 2) * 2) };
}

/**
 * Decodes `count` frames spread evenly over the clip. One ffmpeg run with an fps filter: cheaper than seeking
 * per frame for short clips, and `-t` bounds the work even when the container lied about its duration.
 */
export async function extractFrames(
  file: string,
  info: VideoInfo,
  count: number,
  limits: VideoLimits,
  opts: { maxSide?: number; signal?: AbortSignal } = {},
): Promise<VideoFrame[]> {
  const { w, h } = outputSize(info, opts.maxSide ?? 640);
  const duration =
    Number.isFinite(info.durationSeconds) && info.durationSeconds > 0
      ? info.durationSeconds
      : limits.maxVideoSeconds;
  const rate = count / duration;
  const args = ['-v', 'error', '-nostdin', '-t', String(limits.maxVideoSeconds), '-i', file];
  args.push('-vf', `fps=${rate.toFixed(6)}:start_time=0,scale=${w}:${h}`, '-frames:v', String(count));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const frameBytes = w * h * 3;
  const res = await runBinary(limits.ffmpegPath ?? resolveFfmpegPath(), args, {
    timeoutMs: limits.ffmpegTimeoutMs,
    maxStdoutBytes: frameBytes * (count + 1),
    signal: opts.signal,
  });
  if (opts.signal?.aborted) throw new TransientFaceError('aborted');
  if (killedBySomeoneElse(res)) throw new TransientFaceError(`ffmpeg killed (${res.signal}) while decoding`);
  const n = Math.floor(res.stdout.length / frameBytes);
  // A decode error anywhere (truncated upload, damaged stream) makes the whole clip suspect: refuse it
  // rather than judge a person on whatever frames happened to decode.
  if (res.code !== 0 || /partial file|Invalid data|Invalid NAL/i.test(res.stderr)) {
    throw new MediaError(
      'CORRUPT_MEDIA',
      `selfie video cannot be decoded: ${lastLine(res.stderr)}`,
      'selfie_video',
    );
  }
  if (n === 0) throw new MediaError('CORRUPT_MEDIA', 'selfie video has no decodable frames', 'selfie_video');
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    timeSeconds: i / rate,
    width: w,
    height: h,
    data: new Uint8Array(res.stdout.buffer, res.stdout.byteOffset + i * frameBytes, frameBytes),
  }));
}
