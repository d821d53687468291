// A failing machine is not bad input: ffmpeg killed mid-decode is a retryable TransientFaceError.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TransientFaceError } from '../../../src/face';
import { resolveFaceConfig } from '../../../src/face/config';
import { extractFrames, probeVideo } from '../../../src/face/video';
import { selfie, workDir } from './media';

void test('ffmpeg killed by a signal surfaces as TransientFaceError, retryable', async () => {
  const cfg = resolveFaceConfig();
  const video = await selfie('genuine');
  const info = await probeVideo(video, cfg);
  const killer = path.join(workDir, 'ffmpeg-killed.sh');
  writeFileSync(killer, '#!/bin/sh\nkill -9 $$\n');
  chmodSync(killer, 0o755);
  await assert.rejects(extractFrames(video, info, 4, { ...cfg, ffmpegPath: killer }), (err: unknown) => {
    assert.ok(err instanceof TransientFaceError, String(err));
    assert.equal(err.retryable, true);
    return true;
  });
});

void test('frames are sampled across the whole clip', async () => {
  const cfg = resolveFaceConfig();
  const video = await selfie('genuine');
  const info = await probeVideo(video, cfg);
  assert.ok(Math.abs(info.durationSeconds - 5) < 0.3, `duration ${info.durationSeconds}`);
  const frames = await extractFrames(video, info, 6, cfg);
  assert.equal(frames.length, 6);
  assert.ok((frames.at(-1)?.timeSeconds ?? 0) > 3.5, 'the last sample is near the end');
  assert.ok(frames.every((f) => f.data.length === f.width * f.height * 3));
});
