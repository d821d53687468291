// The kycSession workflow on the real dev server with the real main-queue activities and the real Postgres.
// Face inference is replaced here by a named test double: these tests are about orchestration
// (upload order, duplicates, replacement, expiry, cancel); face-retry.test.ts runs the real engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { getSession, listFiles } from '../../../src/db/repositories';
import {
  FAILURE_TYPES,
  KYC_STATUS_SEARCH_ATTRIBUTE,
  stateQuery,
  type KycSessionState,
} from '../../../src/definitions';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { openTestDb, type TestDb } from '../../helpers/db';
import {
  checkFaceSimilarityTestDouble,
  createTestSession,
  eventually,
  faceResultForTest,
  fileRef,
  openTestTemporal,
  realMainActivities,
  startTestWorkers,
  submitFile,
  type FaceDoubleBehaviour,
  type RunningWorkers,
  type TestTemporal,
} from '../../helpers/temporal';

let temporal: TestTemporal;
let testDb: TestDb;
let workers: RunningWorkers;
let blobDir: string;
/** Per-test face behaviour, keyed by the ID image digest the workflow passes to the activity. */
const behaviours = new Map<string, FaceDoubleBehaviour>();
const faceDouble = checkFaceSimilarityTestDouble(async (input) => {
  const behaviour = behaviours.get(input.idImage.sha256);
  return behaviour !== undefined ? behaviour(input) : faceResultForTest('approved');
});

before(async () => {
  temporal = await openTestTemporal();
  testDb = await openTestDb();
  blobDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-wf-blobs-'));
  const main = realMainActivities(testDb.db, new LocalBlobStore(blobDir));
  workers = await startTestWorkers(temporal, { main, face: faceDouble });
});

after(async () => {
  await workers?.stop();
  await testDb?.close();
  await temporal?.close();
  if (blobDir !== undefined) rmSync(blobDir, { recursive: true, force: true });
});

const newSession = (opts: { expiresInSeconds?: number } = {}) =>
  createTestSession(testDb.db, { queues: workers.queues, ...opts });

function assertUpdateRejected(err: unknown, type: string): true {
  assert.ok(
    err instanceof WorkflowUpdateFailedError,
    `expected WorkflowUpdateFailedError, got ${String(err)}`,
  );
  assert.ok(err.cause instanceof ApplicationFailure);
  assert.equal(err.cause.type, type);
  return true;
}

void describe('kycSession workflow', () => {
  void test('ID image first, then selfie video -> approved, recorded and searchable', async () => {
    const session = await newSession();
    const id = fileRef('id_image');
    const first = await submitFile(temporal.client, session, id);
    assert.deepEqual(first.result, { accepted: true, replaced: false, status: 'awaiting_files' });
    await submitFile(temporal.client, session, fileRef('selfie_video'));
    const state: KycSessionState = await first.handle.result();
    assert.equal(state.status, 'approved');
    assert.equal(state.decision?.outcome, 'approved');

    const row = await getSession(testDb.db, session.sessionId);
    assert.equal(row?.status, 'approved');
    assert.ok(row?.completedAt instanceof Date);
    const files = await listFiles(testDb.db, session.sessionId);
    assert.deepEqual(files.map((f) => f.kind).sort(), ['id_image', 'selfie_video']);
    const description = await first.handle.describe();
    assert.equal(description.typedSearchAttributes.get(KYC_STATUS_SEARCH_ATTRIBUTE), 'approved');
    const query = `KycStatus = 'approved' AND WorkflowId = '${session.workflowId}'`;
    const found = await eventually(async () => {
      for await (const wf of temporal.client.workflow.list({ query })) return wf.workflowId;
      return undefined;
    });
    assert.equal(found, session.workflowId, 'searchable by KycStatus in visibility');
  });

  void test('selfie video first, then ID image -> approved', async () => {
    const session = await newSession();
    const first = await submitFile(temporal.client, session, fileRef('selfie_video'));
    assert.equal(first.result.status, 'awaiting_files');
    assert.equal((await first.handle.query(stateQuery)).files.selfie_video?.kind, 'selfie_video');
    await submitFile(temporal.client, session, fileRef('id_image'));
    assert.equal((await first.handle.result()).status, 'approved');
  });

  void test('a duplicate upload (client retry) is a no-op', async () => {
    const session = await newSession();
    const id = fileRef('id_image');
    const first = await submitFile(temporal.client, session, id);
    const again = await submitFile(temporal.client, session, id);
    assert.equal(again.result.replaced, false);
    assert.equal((await again.handle.describe()).runId, (await first.handle.describe()).runId);
    await submitFile(temporal.client, session, fileRef('selfie_video'));
    assert.equal((await first.handle.result()).status, 'approved');
    const files = await listFiles(testDb.db, session.sessionId);
    assert.equal(files.filter((f) => f.kind === 'id_image').length, 1);
  });

  void test('a second upload of a kind before processing replaces the first (latest wins)', async () => {
    const session = await newSession();
    const original = fileRef('id_image');
    const replacement = fileRef('id_image');
    await submitFile(temporal.client, session, original);
    const second = await submitFile(temporal.client, session, replacement);
    assert.equal(second.result.replaced, true);
    await submitFile(temporal.client, session, fileRef('selfie_video'));
    const state = await second.handle.result();
    assert.equal(state.files.id_image?.sha256, replacement.sha256);
    const call = faceDouble.calls.find((c) => c.sessionId === session.sessionId);
    assert.equal(call?.idImage.sha256, replacement.sha256);
  });

  void test('uploads are refused once processing has started', async () => {
    const session = await newSession();
    const id = fileRef('id_image');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviours.set(id.sha256, async () => {
      await gate;
      return faceResultForTest('approved');
    });
    const { handle } = await submitFile(temporal.client, session, id);
    await submitFile(temporal.client, session, fileRef('selfie_video'));
    await eventually(async () =>
      (await handle.query(stateQuery)).status === 'processing' ? true : undefined,
    );
    await assert.rejects(submitFile(temporal.client, session, fileRef('id_image')), (err) =>
      assertUpdateRejected(err, FAILURE_TYPES.processingStarted),
    );
    release();
    assert.equal((await handle.result()).status, 'approved');
  });

  void test('an invalid file reference is rejected by the validator and leaves no trace', async () => {
    const session = await newSession();
    const { handle } = await submitFile(temporal.client, session, fileRef('id_image'));
    const bad = { ...fileRef('selfie_video'), sha256: 'not-a-digest' };
    await assert.rejects(submitFile(temporal.client, session, bad), (err) =>
      assertUpdateRejected(err, FAILURE_TYPES.invalidFile),
    );
    assert.equal((await handle.query(stateQuery)).files.selfie_video, undefined);
    await handle.cancel();
  });

  void test('the session expires when both files do not arrive in time; a later upload is refused', async () => {
    const session = await newSession({ expiresInSeconds: 2 });
    const { handle } = await submitFile(temporal.client, session, fileRef('id_image'));
    const state = await handle.result();
    assert.equal(state.status, 'expired');
    assert.equal(state.error?.code, 'SESSION_EXPIRED');
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'expired');
    const runId = (await handle.describe()).runId;

    await assert.rejects(submitFile(temporal.client, session, fileRef('selfie_video')));
    const description = await temporal.client.workflow.getHandle(session.workflowId).describe();
    assert.equal(description.runId, runId, 'a late upload must never start a new session');
    assert.equal(description.status.name, 'COMPLETED');
  });

  void test('a first upload after the deadline is refused and the session expires', async () => {
    const session = await newSession({ expiresInSeconds: -1 });
    await assert.rejects(submitFile(temporal.client, session, fileRef('id_image')), (err) =>
      assertUpdateRejected(err, FAILURE_TYPES.sessionClosed),
    );
    const state: KycSessionState = await temporal.client.workflow.getHandle(session.workflowId).result();
    assert.equal(state.status, 'expired');
    assert.deepEqual(state.files, {});
  });

  void test('cancel -> canceled, recorded in the projection', async () => {
    const session = await newSession();
    const { handle } = await submitFile(temporal.client, session, fileRef('id_image'));
    await handle.cancel();
    await assert.rejects(
      handle.result(),
      (err) => err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure,
    );
    const row = await getSession(testDb.db, session.sessionId);
    assert.equal(row?.status, 'canceled');
    assert.equal(row?.error?.code, 'SESSION_CANCELED');
  });

  void test('bad media -> declined with the media error code, no retry', async () => {
    const session = await newSession();
    const id = fileRef('id_image');
    behaviours.set(id.sha256, async () => {
      throw ApplicationFailure.nonRetryable('not a decodable image', FAILURE_TYPES.badMedia, {
        code: 'CORRUPT_MEDIA',
      });
    });
    const { handle } = await submitFile(temporal.client, session, id);
    await submitFile(temporal.client, session, fileRef('selfie_video'));
    const state = await handle.result();
    assert.equal(state.status, 'declined');
    assert.deepEqual(state.decision?.reasons, ['CORRUPT_MEDIA']);
    assert.equal(faceDouble.calls.filter((c) => c.sessionId === session.sessionId).length, 1);
  });
});
