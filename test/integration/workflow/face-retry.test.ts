// End to end through Temporal with the real activities and the real face engine on real generated media:
// checkFaceSimilarity fails twice (injected in front of the activity), the retry policy runs it a third time,
// the session is approved and the ledger holds exactly one inference for the key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import { createActivities } from '../../../src/activities';
import { countInferenceRuns, getSession, listInferenceRuns } from '../../../src/db/repositories';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { lazyFaceEngine } from '../../../src/workers/activity-deps';
import { openTestDb, type TestDb } from '../../helpers/db';
import {
  createTestSession,
  openTestTemporal,
  startTestWorkers,
  storeSampleMedia,
  submitFile,
  uniqueSuffix,
  type RunningWorkers,
  type TestTemporal,
} from '../../helpers/temporal';

const INJECTED_FAILURES = 2;

/** Throws a retryable failure on the first attempts of checkFaceSimilarity, before the real activity runs. */
class FailFirstAttempts implements ActivityInboundCallsInterceptor {
  readonly attemptsSeen: number[] = [];
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const { activityType, attempt } = Context.current().info;
    if (activityType === 'checkFaceSimilarity') this.attemptsSeen.push(attempt);
    if (activityType === 'checkFaceSimilarity' && attempt <= INJECTED_FAILURES) {
      throw ApplicationFailure.retryable(`injected failure on attempt ${attempt}`, 'InjectedTestFailure');
    }
    return next(input);
  }
}

let temporal: TestTemporal;
let testDb: TestDb;
let workers: RunningWorkers;
let dir: string;
const engine = lazyFaceEngine();
const injector = new FailFirstAttempts();
let blobs: LocalBlobStore;

before(async () => {
  temporal = await openTestTemporal();
  testDb = await openTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-face-retry-'));
  blobs = new LocalBlobStore(path.join(dir, 'blobs'));
  const activities = createActivities({
    db: testDb.db,
    blobs,
    faceEngine: engine.get,
    workerId: `face-retry-test-${uniqueSuffix()}`,
    claimLeaseSeconds: 10,
  });
  workers = await startTestWorkers(temporal, {
    main: activities,
    face: activities,
    faceInterceptors: { activity: [() => ({ inbound: injector })] },
  });
});

after(async () => {
  await workers?.stop();
  await engine.dispose();
  await testDb?.close();
  await temporal?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

void describe('face match retried by the workflow (real engine, real media)', () => {
  void test('fails twice, then succeeds -> approved with one ledger row', async () => {
    const media = await storeSampleMedia(blobs, path.join(dir, 'media'));
    const session = await createTestSession(testDb.db, {
      queues: workers.queues,
      settings: { faceMatch: { ...baseFaceSettings(workers.queues.face) } },
    });
    const { handle } = await submitFile(temporal.client, session, media.selfieVideo);
    await submitFile(temporal.client, session, media.idImage);
    const state = await handle.result();

    assert.deepEqual(injector.attemptsSeen, [1, 2, 3]);
    assert.equal(state.status, 'approved', `decision: ${JSON.stringify(state.decision)}`);
    assert.equal(state.faceMatch?.reused, false);
    const key = state.faceMatch?.idempotencyKey;
    assert.ok(key?.startsWith('fs_'));
    const runs = await listInferenceRuns(testDb.db, { idempotencyKey: key });
    assert.equal(runs.length, 1, 'exactly one inference ran');
    assert.equal(runs[0]?.status, 'completed');
    assert.equal(runs[0]?.activityAttempt, 3);
    assert.deepEqual(await countInferenceRuns(testDb.db, { sessionId: session.sessionId }), {
      completed: 1,
      failed: 0,
      died: 0,
      running: 0,
    });
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'approved');
  });
});

function baseFaceSettings(taskQueue: string) {
  return {
    taskQueue,
    maximumAttempts: 3,
    startToCloseTimeoutSeconds: 300,
    heartbeatTimeoutSeconds: 30,
    initialRetryIntervalSeconds: 1,
  };
}
