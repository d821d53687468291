// checkFaceSimilarity in a MockActivityEnvironment over PGlite, with a face-engine test double: the protocol,
// the failure mapping and the heartbeats, without loading any model.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createActivities,
  faceMatchIdempotencyKey,
  type CheckFaceSimilarityInput,
} from '../../../src/activities';
import {
  claimFaceSimilarity,
  countInferenceRuns,
  getFaceSimilarity,
  listInferenceRuns,
} from '../../../src/db/repositories';
import type { FaceMatchResult, FileRef } from '../../../src/definitions';
import { MediaError, TransientFaceError } from '../../../src/face/errors';
import type { FaceDecision, FaceEngine } from '../../../src/face/types';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { openPgliteTestDb, uniqueId, type TestDb } from '../../helpers/db';

type Behaviour = 'approve' | 'bad-media' | 'transient' | 'slow' | 'hang';

/** Test double of the face engine: scripted verdicts, counts calls, reports progress. Never used outside tests. */
function fakeFaceEngineForUnitTest() {
  const calls: string[] = [];
  let behaviour: Behaviour = 'approve';
  const decision: FaceDecision = {
    outcome: 'approved',
    reasons: [],
    similarity: 0.87,
    thresholds: { decline: 0.4, approve: 0.6 },
    liveness: { antispoof: 0.95, live: 0.9, motion: 0.4, consistency: 0.9, risk: 'low' },
    frames: [],
    bestFrames: [{ timeSeconds: 0.5, jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) }],
    idFace: null,
    pipelineVersion: 'fake-1',
    timingsMs: {},
  };
  const engine: FaceEngine = {
    pipelineVersion: 'fake-1',
    async verify(input, options) {
      calls.push(`${input.idImagePath}|${input.selfieVideoPath}`);
      options?.onProgress?.('decode');
      if (behaviour === 'bad-media') throw new MediaError('CORRUPT_MEDIA', 'truncated video', 'selfie_video');
      if (behaviour === 'transient') throw new TransientFaceError('ffmpeg was killed');
      if (behaviour === 'slow') await delay(600);
      if (behaviour === 'hang') await delay(60_000, undefined, { signal: options?.signal });
      options?.onProgress?.('compare');
      return decision;
    },
    async dispose() {},
  };
  return { engine, calls, setBehaviour: (b: Behaviour) => (behaviour = b) };
}

void describe('checkFaceSimilarity (MockActivityEnvironment, PGlite, face-engine test double)', () => {
  let t: TestDb;
  let blobRoot: string;
  let blobs: LocalBlobStore;
  const fake = fakeFaceEngineForUnitTest();

  const activities = (claimWaitSeconds = 0.3) =>
    createActivities({
      db: t.db,
      blobs,
      faceEngine: async () => fake.engine,
      workerId: 'unit-worker',
      claimLeaseSeconds: 30,
      claimWaitSeconds,
      claimPollMs: 50,
    });

  async function input(): Promise<CheckFaceSimilarityInput> {
    const stored = async (kind: FileRef['kind'], bytes: Buffer, mediaType: string): Promise<FileRef> => {
      const blob = await blobs.putBuffer(bytes, mediaType);
      return { kind, storageKey: blob.key, sha256: blob.sha256, size: blob.size, mediaType };
    };
    const sessionId = uniqueId('ses');
    return {
      sessionId,
      workflowId: `kyc-session-${sessionId}`,
      idImage: await stored('id_image', Buffer.from(`id ${sessionId}`), 'image/jpeg'),
      selfieVideo: await stored('selfie_video', Buffer.from(`video ${sessionId}`), 'video/mp4'),
    };
  }

  function env(attempt = 1, heartbeats: unknown[] = []): MockActivityEnvironment {
    const e = new MockActivityEnvironment({
      attempt,
      heartbeatTimeoutMs: 300,
      startToCloseTimeoutMs: 10_000,
    });
    e.on('heartbeat', (d: unknown) => heartbeats.push(d));
    return e;
  }

  /** Runs checkFaceSimilarity in the mock environment, keeping its result type. */
  const check = (e: MockActivityEnvironment, i: CheckFaceSimilarityInput, claimWaitSeconds?: number) =>
    e.run(activities(claimWaitSeconds).checkFaceSimilarity, i) as Promise<FaceMatchResult>;

  const keyOf = (i: CheckFaceSimilarityInput) =>
    faceMatchIdempotencyKey({
      workflowId: i.workflowId,
      idSha256: i.idImage.sha256,
      selfieSha256: i.selfieVideo.sha256,
      pipelineVersion: 'fake-1',
    });

  before(async () => {
    t = await openPgliteTestDb();
    blobRoot = mkdtempSync(path.join(os.tmpdir(), 'kyc-act-blobs-'));
    blobs = new LocalBlobStore(blobRoot);
  });
  after(async () => {
    await t.close();
    rmSync(blobRoot, { recursive: true, force: true });
  });

  void test('runs inference once, heartbeats, and a second call reuses the stored result', async () => {
    fake.setBehaviour('slow');
    const i = await input();
    const heartbeats: unknown[] = [];
    const before = fake.calls.length;
    const first = await check(env(1, heartbeats), i);
    assert.equal(first.reused, false);
    assert.equal(first.outcome, 'approved');
    assert.equal(first.idempotencyKey, keyOf(i));
    assert.equal(first.bestFrameKeys.length, 1);
    assert.equal(await blobs.exists(first.bestFrameKeys[0] ?? ''), true);
    assert.ok(heartbeats.length >= 3, `expected progress and lease heartbeats, got ${heartbeats.length}`);

    const second = await check(env(2), i);
    assert.deepEqual(second, { ...first, reused: true });
    assert.equal(fake.calls.length - before, 1, 'the engine ran exactly once');
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId: i.sessionId }), {
      completed: 1,
      failed: 0,
      died: 0,
      running: 0,
    });
  });

  void test('a MediaError becomes a non-retryable BadMedia failure with its code', async () => {
    fake.setBehaviour('bad-media');
    const i = await input();
    await assert.rejects(check(env(), i), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'BadMedia');
      assert.equal(err.nonRetryable, true);
      assert.deepEqual(err.details, [{ code: 'CORRUPT_MEDIA' }]);
      return true;
    });
    const runs = await listInferenceRuns(t.db, { sessionId: i.sessionId });
    assert.deepEqual(
      runs.map((r) => [r.status, r.error?.split(':')[0]]),
      [['failed', 'CORRUPT_MEDIA']],
    );
  });

  void test('a TransientFaceError is retryable and the next attempt takes the released claim at once', async () => {
    fake.setBehaviour('transient');
    const i = await input();
    await assert.rejects(check(env(1), i), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'TransientFaceError');
      assert.equal(err.nonRetryable, false);
      return true;
    });
    fake.setBehaviour('approve');
    const retried = await check(env(2), i);
    assert.equal(retried.reused, false);
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId: i.sessionId }), {
      completed: 1,
      failed: 1,
      died: 0,
      running: 0,
    });
    assert.equal((await getFaceSimilarity(t.db, keyOf(i)))?.takeovers, 1);
  });

  void test('a live claim held elsewhere: no inference, heartbeats while waiting, then FaceMatchInProgress', async () => {
    fake.setBehaviour('approve');
    const i = await input();
    const key = keyOf(i);
    const held = await claimFaceSimilarity(t.db, {
      idempotencyKey: key,
      sessionId: i.sessionId,
      workflowId: i.workflowId,
      idSha256: i.idImage.sha256,
      selfieSha256: i.selfieVideo.sha256,
      pipelineVersion: 'fake-1',
      holder: 'other-worker/1#1/live',
      activityAttempt: 1,
      leaseSeconds: 60,
    });
    assert.equal(held.kind, 'acquired');
    const heartbeats: unknown[] = [];
    const before = fake.calls.length;
    await assert.rejects(check(env(2, heartbeats), i, 0.3), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'FaceMatchInProgress');
      assert.equal(err.nonRetryable, false);
      return true;
    });
    assert.equal(fake.calls.length, before);
    assert.ok(heartbeats.some((h) => (h as { phase?: string }).phase === 'waiting_for_claim'));
    assert.equal((await listInferenceRuns(t.db, { sessionId: i.sessionId })).length, 1);
  });

  void test('cancellation during inference aborts the engine, reports cancelled and frees the claim', async () => {
    fake.setBehaviour('hang');
    const i = await input();
    const e = env();
    const running = check(e, i);
    await delay(200);
    e.cancel();
    await assert.rejects(running, CancelledFailure);
    const runs = await listInferenceRuns(t.db, { sessionId: i.sessionId });
    assert.equal(runs[0]?.status, 'failed');
    const claim = await getFaceSimilarity(t.db, keyOf(i));
    assert.ok(claim !== undefined && claim.leaseExpiresAt.getTime() <= Date.now(), 'lease released');
  });
});
