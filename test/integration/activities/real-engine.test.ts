// checkFaceSimilarity end to end with the real face engine on generated media, the real Postgres and the local
// blob store: one inference, then reuse; concurrent attempts of a fresh key still infer once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type CheckFaceSimilarityInput } from '../../../src/activities';
import { countInferenceRuns, listInferenceRuns } from '../../../src/db/repositories';
import type { FaceMatchResult, FileRef } from '../../../src/definitions';
import { createFaceEngine, type EngineWithStats } from '../../../src/face';
import { makeSample } from '../../../src/face/testmedia';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { openTestDb, uniqueId, type TestDb } from '../../helpers/db';

void describe('checkFaceSimilarity with the real face engine', () => {
  let t: TestDb;
  let dir: string;
  let blobs: LocalBlobStore;
  let engine: EngineWithStats | undefined;
  let files: { idImage: FileRef; selfieVideo: FileRef };
  let truncatedVideo: FileRef;

  const activities = () =>
    createActivities({
      db: t.db,
      blobs,
      faceEngine: async () => (engine ??= await createFaceEngine()),
      workerId: 'real-engine-test',
      claimLeaseSeconds: 60,
      claimPollMs: 200,
    });

  const run = (input: CheckFaceSimilarityInput, heartbeats: unknown[] = []) => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000, startToCloseTimeoutMs: 600_000 });
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    return env.run(activities().checkFaceSimilarity, input) as Promise<FaceMatchResult>;
  };

  const inputFor = (sessionId: string): CheckFaceSimilarityInput => ({
    sessionId,
    workflowId: `kyc-session-${sessionId}`,
    ...files,
  });

  before(async () => {
    t = await openTestDb();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-real-engine-'));
    blobs = new LocalBlobStore(path.join(dir, 'blobs'));
    const sample = await makeSample(path.join(dir, 'sample'));
    const store = async (
      kind: FileRef['kind'],
      file: string,
      accept: 'image' | 'video',
    ): Promise<FileRef> => {
      const blob = await blobs.put(createReadStream(file), { maxBytes: 50 * 1024 * 1024, accept });
      return { kind, storageKey: blob.key, sha256: blob.sha256, size: blob.size, mediaType: blob.mediaType };
    };
    files = {
      idImage: await store('id_image', sample.idImage, 'image'),
      selfieVideo: await store('selfie_video', sample.selfieVideo, 'video'),
    };
    // The first 4 KiB of the video: sniffs as MP4, cannot be decoded.
    const truncated = await blobs.putBuffer(readFileSync(sample.selfieVideo).subarray(0, 4096), 'video/mp4');
    truncatedVideo = {
      ...files.selfieVideo,
      storageKey: truncated.key,
      sha256: truncated.sha256,
      size: truncated.size,
    };
  });

  after(async () => {
    await engine?.dispose();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('approves a genuine pair once; the second call reuses the stored result', async () => {
    const input = inputFor(uniqueId('ses'));
    const heartbeats: unknown[] = [];
    const first = await run(input, heartbeats);
    assert.equal(first.outcome, 'approved', `reasons: ${first.reasons.join(',')}`);
    assert.equal(first.reused, false);
    assert.ok(first.bestFrameKeys.length > 0 && (await blobs.exists(first.bestFrameKeys[0] ?? '')));
    assert.ok(heartbeats.length > 0, 'heartbeats during inference');
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId: input.sessionId }), {
      completed: 1,
      failed: 0,
      died: 0,
      running: 0,
    });

    const second = await run(input);
    assert.deepEqual(second, { ...first, reused: true });
    assert.equal(
      (await listInferenceRuns(t.db, { sessionId: input.sessionId })).length,
      1,
      'no new ledger row',
    );
  });

  void test('three concurrent attempts of a fresh key: one real inference', async () => {
    const input = inputFor(uniqueId('ses'));
    const results = await Promise.all([run(input), run(input), run(input)]);
    assert.equal(results.filter((r) => !r.reused).length, 1);
    assert.equal(new Set(results.map((r) => r.similarity)).size, 1);
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId: input.sessionId }), {
      completed: 1,
      failed: 0,
      died: 0,
      running: 0,
    });
  });

  void test('a truncated video is a non-retryable BadMedia failure and a failed ledger row', async () => {
    const input = { ...inputFor(uniqueId('ses')), selfieVideo: truncatedVideo };
    await assert.rejects(run(input), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, 'BadMedia');
      assert.equal(err.nonRetryable, true);
      assert.match(
        String((err.details?.[0] as { code?: string } | undefined)?.code),
        /^(CORRUPT_MEDIA|UNSUPPORTED_MEDIA)$/,
      );
      return true;
    });
    const runs = await listInferenceRuns(t.db, { sessionId: input.sessionId });
    assert.deepEqual(
      runs.map((r) => r.status),
      ['failed'],
    );
  });
});
