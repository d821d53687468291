// Manual review in the workflow: a needs_review session waits durably for a reviewer's Update, with a review
// deadline after which the configured policy declines or escalates. The face outcome comes from a named test double.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { getSession } from '../../../src/db/repositories';
import {
  FAILURE_TYPES,
  stateQuery,
  submitReviewUpdate,
  type KycSessionState,
  type SessionSettings,
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
  type RunningWorkers,
  type TestTemporal,
} from '../../helpers/temporal';

let temporal: TestTemporal;
let testDb: TestDb;
let workers: RunningWorkers;
let blobDir: string;
const faceDouble = checkFaceSimilarityTestDouble(async () =>
  faceResultForTest('needs_review', ['LOW_LIVENESS']),
);

before(async () => {
  temporal = await openTestTemporal();
  testDb = await openTestDb();
  blobDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-review-blobs-'));
  const main = realMainActivities(testDb.db, new LocalBlobStore(blobDir));
  workers = await startTestWorkers(temporal, { main, face: faceDouble });
});

after(async () => {
  await workers?.stop();
  await testDb?.close();
  await temporal?.close();
  if (blobDir !== undefined) rmSync(blobDir, { recursive: true, force: true });
});

async function sessionAwaitingReview(settings: Partial<SessionSettings> = {}) {
  const session = await createTestSession(testDb.db, { queues: workers.queues, settings });
  const { handle } = await submitFile(temporal.client, session, fileRef('id_image'));
  await submitFile(temporal.client, session, fileRef('selfie_video'));
  await untilStatus(handle, 'needs_review');
  return { session, handle };
}

const untilStatus = (handle: WorkflowHandle, status: KycSessionState['status']) =>
  eventually(async () => {
    const state = await handle.query(stateQuery);
    return state.status === status ? state : undefined;
  });

void describe('kycSession manual review', () => {
  void test('a reviewer approves: approved, audited in the reviews table', async () => {
    const { session, handle } = await sessionAwaitingReview();
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'needs_review');
    const review = {
      decision: 'approve' as const,
      reviewer: 'alice',
      comment: 'ID and selfie match on inspection',
    };
    const state = await handle.executeUpdate(submitReviewUpdate, { args: [review] });
    assert.equal(state.status, 'approved');
    assert.equal(state.decision?.review?.reviewer, 'alice');
    assert.ok(state.decision?.reasons.includes('REVIEW_APPROVED'));
    // The update answers only once the outcome is recorded, so the projection is already up to date.
    const row = await getSession(testDb.db, session.sessionId);
    assert.equal(row?.status, 'approved');
    const audit = await testDb.db
      .selectFrom('reviews')
      .selectAll()
      .where('session_id', '=', session.sessionId)
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.comment, review.comment);
    assert.equal((await handle.result()).status, 'approved');
  });

  void test('a reviewer declines: declined with the review reason', async () => {
    const { handle } = await sessionAwaitingReview();
    const state = await handle.executeUpdate(submitReviewUpdate, {
      args: [{ decision: 'decline', reviewer: 'bob', comment: 'different person' }],
    });
    assert.equal(state.status, 'declined');
    assert.deepEqual(state.decision?.reasons, ['LOW_LIVENESS', 'REVIEW_DECLINED']);
  });

  void test('a review is refused unless the session awaits one, and a malformed review is refused', async () => {
    const session = await createTestSession(testDb.db, { queues: workers.queues });
    const { handle } = await submitFile(temporal.client, session, fileRef('id_image'));
    const rejectedAs = (type: string) => (err: unknown) =>
      err instanceof WorkflowUpdateFailedError &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === type;
    await assert.rejects(
      handle.executeUpdate(submitReviewUpdate, {
        args: [{ decision: 'approve', reviewer: 'x', comment: '' }],
      }),
      rejectedAs(FAILURE_TYPES.reviewNotPending),
    );
    const bad = { decision: 'maybe', reviewer: 'x', comment: '' } as unknown as {
      decision: 'approve';
      reviewer: string;
      comment: string;
    };
    await assert.rejects(
      handle.executeUpdate(submitReviewUpdate, { args: [bad] }),
      rejectedAs(FAILURE_TYPES.invalidReview),
    );
    await handle.cancel();
  });

  void test('review deadline with the decline policy -> declined REVIEW_TIMEOUT', async () => {
    const { session, handle } = await sessionAwaitingReview({
      reviewDeadlineSeconds: 2,
      reviewDeadlinePolicy: 'decline',
    });
    const state = await handle.result();
    assert.equal(state.status, 'declined');
    assert.ok(state.decision?.reasons.includes('REVIEW_TIMEOUT'));
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'declined');
  });

  void test('review deadline with the escalate policy -> stays in review, marked escalated, still decidable', async () => {
    const { session, handle } = await sessionAwaitingReview({
      reviewDeadlineSeconds: 2,
      reviewDeadlinePolicy: 'escalate',
    });
    const escalated = await eventually(async () => {
      const state = await handle.query(stateQuery);
      return state.decision?.reasons.includes('REVIEW_ESCALATED') ? state : undefined;
    });
    assert.equal(escalated.status, 'needs_review');
    const row = await eventually(async () => {
      const r = await getSession(testDb.db, session.sessionId);
      return r?.decision?.reasons.includes('REVIEW_ESCALATED') ? r : undefined;
    });
    assert.equal(row.status, 'needs_review');
    const state = await handle.executeUpdate(submitReviewUpdate, {
      args: [{ decision: 'approve', reviewer: 'carol', comment: 'escalated and cleared' }],
    });
    assert.equal(state.status, 'approved');
  });
});
