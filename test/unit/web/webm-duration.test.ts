// The capture page writes the recorded duration into MediaRecorder's WebM, which streams without one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveFfmpegPath } from '../../../src/face/ffmpeg';
import { ID, patchWebmDuration, readElement } from '../../../web/webm-duration.js';

const ffprobe = path.join(
  path.dirname(require.resolve('@ffprobe-installer/linux-x64/package.json')),
  'ffprobe',
);

/** Overwrites an element with an EBML Void of the same length, so no other byte moves. */
function voidOut(buf: Buffer, el: { pos: number; dataStart: number; size: number | null }): void {
  const total = el.dataStart + (el.size ?? 0) - el.pos;
  buf.fill(0, el.pos, el.pos + total);
  buf[el.pos] = 0xec;
  buf[el.pos + 1] = 0x01; // eight-byte size field
  buf.writeUIntBE(total - 9, el.pos + 4, 5);
}

/**
 * A WebM shaped like MediaRecorder's: ffmpeg writes one to a pipe, then its SeekHead and Duration become Void,
 * leaving a stream with no duration anywhere (what Chromium, Firefox and Android Chrome upload).
 */
function mediaRecorderLikeWebm(seconds: number): Buffer {
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x96:rate=10', '-t', String(seconds)];
  args.push('-c:v', 'libvpx', '-b:v', '200k', '-f', 'webm', 'pipe:1');
  const buf = execFileSync(resolveFfmpegPath(), args, { maxBuffer: 64 * 1024 * 1024 });
  const ebml = readElement(buf, 0);
  const segment = ebml && ebml.size !== null ? readElement(buf, ebml.dataStart + ebml.size) : null;
  assert.ok(segment);
  for (let pos = segment.dataStart; pos < buf.length;) {
    const el = readElement(buf, pos);
    if (!el || el.size === null) break;
    if (el.id === ID.SEEK_HEAD) voidOut(buf, el);
    if (el.id === ID.INFO) {
      for (let p = el.dataStart; p < el.dataStart + el.size;) {
        const child = readElement(buf, p);
        assert.ok(child && child.size !== null);
        if (child.id === ID.DURATION) voidOut(buf, child);
        p = child.dataStart + child.size;
      }
      break;
    }
    pos = el.dataStart + el.size;
  }
  return buf;
}

function probeDuration(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'webm-'));
  try {
    const file = path.join(dir, 'clip.webm');
    writeFileSync(file, bytes);
    const args = ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file];
    return execFileSync(ffprobe, args).toString().trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void describe('patchWebmDuration', () => {
  void test('adds the duration a streamed WebM lacks, and leaves frames decodable', () => {
    const clip = mediaRecorderLikeWebm(2);
    assert.equal(probeDuration(clip), 'N/A');
    const patched = patchWebmDuration(new Uint8Array(clip), 2000);
    assert.ok(patched);
    assert.equal(Number(probeDuration(patched)).toFixed(1), '2.0');
  });

  void test('returns null for a file that already has a duration or is not WebM', () => {
    const clip = patchWebmDuration(new Uint8Array(mediaRecorderLikeWebm(1)), 1000) as Uint8Array;
    assert.equal(patchWebmDuration(clip, 5000), null);
    assert.equal(patchWebmDuration(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 1000), null);
    assert.equal(patchWebmDuration(new Uint8Array(0), 1000), null);
  });
});
