// The face engine end to end with the real models on generated ID cards and selfie videos.
// Models load once for the whole file; every reason code is produced by a real input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { after, before, describe, test } from 'node:test';
import {
  createFaceEngine,
  MediaError,
  type EngineWithStats,
  type FaceDecision,
  type ReasonCode,
} from '../../../src/face';
import {
  audioOnlyMp4,
  facelessVideo,
  longVideo,
  pixelBombPng,
  samplePair,
  truncated,
  writeTo,
} from '../../../src/face/testmedia';
import { idCard, idPhoto, pair, selfie, selfiePhotos, workDir } from './media';

let engine: EngineWithStats;
let genuineId: string;
let genuineVideo: string;

before(async () => {
  engine = await createFaceEngine();
  genuineId = await idCard('genuine-id');
  genuineVideo = await selfie('genuine');
});

after(async () => {
  await engine?.dispose();
});

async function verify(idImagePath: string, selfieVideoPath: string): Promise<FaceDecision> {
  return engine.verify({ idImagePath, selfieVideoPath });
}

function assertReason(d: FaceDecision, reason: ReasonCode, outcome: FaceDecision['outcome']): void {
  const detail = `${d.outcome} ${d.reasons.join(',')} similarity ${d.similarity} liveness ${JSON.stringify(d.liveness)}`;
  assert.ok(d.reasons.includes(reason), `expected ${reason}: ${detail}`);
  assert.equal(d.outcome, outcome, detail);
}

void describe('face engine on generated media', () => {
  void test('the genuine person is approved, with per-frame details and a stable pipeline version', async () => {
    const d = await verify(genuineId, genuineVideo);
    assert.equal(d.outcome, 'approved', JSON.stringify(d));
    assert.deepEqual(d.reasons, []);
    assert.ok(d.similarity !== null && d.similarity >= d.thresholds.approve);
    assert.ok(d.idFace && d.idFace.box[2] > 100, 'the large portrait, not the ghost, is the ID face');
    assert.ok(d.frames.filter((f) => f.used).length >= 2);
    assert.equal(d.liveness.risk, 'low');
    assert.equal(d.pipelineVersion, engine.pipelineVersion);
    assert.ok(d.timingsMs.totalMs !== undefined && d.timingsMs.totalMs > 0);
  });

  void test('an impostor is declined as a face mismatch', async () => {
    const d = await verify(genuineId, await selfie('impostor', pair.impostorPhotos));
    assertReason(d, 'FACE_MISMATCH', 'declined');
    assert.ok(d.similarity !== null && d.similarity < d.thresholds.decline);
  });

  void test('WebM selfie, PNG card with EXIF rotation and best-frame capture', async () => {
    const rotatedPng = await idCard('genuine-exif6', idPhoto, { format: 'png' });
    const rotatedJpeg = await idCard('genuine-exif6', idPhoto, { exifOrientation: 6 });
    const webm = await selfie('genuine-webm', selfiePhotos, { format: 'webm' });
    const d = await engine.verify(
      { idImagePath: rotatedJpeg, selfieVideoPath: webm },
      { captureBestFrames: true },
    );
    assert.equal(d.outcome, 'approved', JSON.stringify({ ...d, bestFrames: undefined }));
    assert.ok(d.bestFrames && d.bestFrames.length >= 2);
    assert.equal(d.bestFrames[0]?.jpeg.subarray(0, 2).toString('hex'), 'ffd8');
    assert.equal((await verify(rotatedPng, genuineVideo)).outcome, 'approved');
  });

  void test('NO_FACE_ID: a card without a portrait', async () => {
    assertReason(
      await verify(await idCard('no-portrait', idPhoto, { noPortrait: true }), genuineVideo),
      'NO_FACE_ID',
      'declined',
    );
  });

  void test('MULTIPLE_FACES_ID: two large portraits of different people', async () => {
    const card = await idCard('two-portraits', idPhoto, { secondPortraitPath: pair.impostorPhotos[0] });
    assertReason(await verify(card, genuineVideo), 'MULTIPLE_FACES_ID', 'declined');
  });

  void test('LOW_QUALITY_ID: a card photographed in the dark', async () => {
    const card = await idCard('dark-card', idPhoto, { brightness: 0.12 });
    assertReason(await verify(card, genuineVideo), 'LOW_QUALITY_ID', 'declined');
  });

  void test('NO_FACE_SELFIE: a video without a face', async () => {
    assertReason(await verify(genuineId, await facelessVideo()), 'NO_FACE_SELFIE', 'declined');
  });

  void test('LOW_QUALITY_SELFIE: a video recorded in the dark', async () => {
    const v = await selfie('dark', selfiePhotos, { brightness: 0.12 });
    assertReason(await verify(genuineId, v), 'LOW_QUALITY_SELFIE', 'declined');
  });

  void test('MULTIPLE_FACES_SELFIE: two people in the selfie', async () => {
    const v = await selfie('two-people', selfiePhotos, {
      width: 640,
      height: 480,
      faceScale: 0.55,
      secondPhotos: pair.impostorPhotos,
    });
    assertReason(await verify(genuineId, v), 'MULTIPLE_FACES_SELFIE', 'declined');
  });

  void test('IDENTITY_CHANGED_SELFIE: the person changes half-way through', async () => {
    const v = await selfie('swap', [...selfiePhotos.slice(0, 2), ...pair.impostorPhotos.slice(0, 2)]);
    assertReason(await verify(genuineId, v), 'IDENTITY_CHANGED_SELFIE', 'declined');
  });

  void test('LIVENESS_FAILED: a perfectly still picture instead of a moving face', async () => {
    const v = await selfie('still', [selfiePhotos[0] as string], { motion: 0 });
    assertReason(await verify(genuineId, v), 'LIVENESS_FAILED', 'declined');
  });

  void test('LIVENESS_UNCERTAIN: the face is in view too briefly to judge its motion', async () => {
    // Five sixths of the clip show an empty wall; one sampled frame shows the applicant.
    const wall = path.join(workDir, 'wall.png');
    await sharp({ create: { width: 150, height: 150, channels: 3, background: '#8a9bb0' } })
      .png()
      .toFile(wall);
    const v = await selfie('brief-face', [wall, wall, wall, wall, wall, selfiePhotos[0] as string], {
      seconds: 6,
    });
    assertReason(await verify(genuineId, v), 'LIVENESS_UNCERTAIN', 'needs_review');
  });

  void test('SIMILARITY_UNCERTAIN: a genuine person whose photos match only moderately goes to review', async () => {
    // Jack Nicholson's first photo against his others scores inside the review band (measured 0.919).
    const p = samplePair('Jack_Nicholson');
    const [id, ...rest] = p.photos as [string, ...string[]];
    const d = await verify(await idCard('uncertain-id', id), await selfie('uncertain', rest));
    assertReason(d, 'SIMILARITY_UNCERTAIN', 'needs_review');
  });

  void test('no tensors leak across verifications', async () => {
    await verify(genuineId, genuineVideo);
    const before = await engine.stats();
    for (let i = 0; i < 3; i++) await verify(genuineId, genuineVideo);
    assert.equal((await engine.stats()).numTensors, before.numTensors);
  });
});

void describe('bad input fails fast with a typed, non-retryable error', () => {
  const expectMediaError = async (
    idImagePath: string,
    selfieVideoPath: string,
    code: string,
  ): Promise<void> => {
    const t0 = performance.now();
    await assert.rejects(verify(idImagePath, selfieVideoPath), (err: unknown) => {
      assert.ok(err instanceof MediaError, `expected MediaError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      assert.equal(err.retryable, false);
      return true;
    });
    // Reported, not asserted: speed is a benchmark's business, not a test's.
    diagnostics.push(`${code}: ${Math.round(performance.now() - t0)} ms`);
  };
  const diagnostics: string[] = [];
  after(() => console.log(`media error latencies: ${diagnostics.join('; ')}`));

  void test('zero bytes', async () => {
    await expectMediaError(writeTo(path.join(workDir, 'empty.jpg'), ''), genuineVideo, 'EMPTY_FILE');
    await expectMediaError(genuineId, writeTo(path.join(workDir, 'empty.mp4'), ''), 'EMPTY_FILE');
  });

  void test('a text file, a JPEG as video, an audio-only MP4', async () => {
    await expectMediaError(
      writeTo(path.join(workDir, 'notes.jpg'), 'just some text, named .jpg'),
      genuineVideo,
      'UNSUPPORTED_MEDIA',
    );
    await expectMediaError(
      genuineId,
      writeTo(path.join(workDir, 'photo.mp4'), readFileSync(genuineId)),
      'UNSUPPORTED_MEDIA',
    );
    await expectMediaError(genuineId, await audioOnlyMp4(), 'UNSUPPORTED_MEDIA');
  });

  void test('a truncated JPEG and a truncated MP4', async () => {
    await expectMediaError(
      writeTo(path.join(workDir, 'truncated.jpg'), truncated(genuineId, 0.6)),
      genuineVideo,
      'CORRUPT_MEDIA',
    );
    await expectMediaError(
      genuineId,
      writeTo(path.join(workDir, 'truncated.mp4'), truncated(genuineVideo, 0.3)),
      'CORRUPT_MEDIA',
    );
  });

  void test('a decompression-bomb PNG (2.5 gigapixels in 274 bytes)', async () => {
    await expectMediaError(
      writeTo(path.join(workDir, 'bomb.png'), pixelBombPng()),
      genuineVideo,
      'IMAGE_TOO_LARGE',
    );
  });

  void test('a three-hour video', async () => {
    await expectMediaError(genuineId, await longVideo(3), 'VIDEO_TOO_LONG');
  });
});
