// recordSessionStatus over PGlite: files upserted once, review audit once, terminal status final.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createRecordSessionStatus,
  type RecordSessionStatusInput,
} from '../../../src/activities/record-session-status';
import { getReview, getSession, listFiles } from '../../../src/db/repositories';
import type { Decision, FileRef } from '../../../src/definitions';
import { openPgliteTestDb, randomSha256, uniqueId, type TestDb } from '../../helpers/db';
import { makeSession, makeTenant } from '../../helpers/db-fixtures';

const file = (kind: FileRef['kind']): FileRef => {
  const sha256 = randomSha256();
  return {
    kind,
    sha256,
    storageKey: `sha256/${sha256.slice(0, 2)}/${sha256}`,
    size: 1234,
    mediaType: 'image/jpeg',
  };
};

/** MockActivityEnvironment.run infers its argument types loosely; this keeps the activity's own types. */
const runIn = (
  env: MockActivityEnvironment,
  fn: (i: RecordSessionStatusInput) => Promise<void>,
  input: RecordSessionStatusInput,
) => env.run(fn, input);

void describe('recordSessionStatus', () => {
  let t: TestDb;
  before(async () => {
    t = await openPgliteTestDb();
  });
  after(async () => {
    await t.close();
  });

  void test('mirrors statuses and decisions, idempotently, and never leaves a terminal status', async () => {
    const record = createRecordSessionStatus({ db: t.db });
    const env = new MockActivityEnvironment();
    const session = await makeSession(t.db, await makeTenant(t.db));
    const files = [file('id_image'), file('selfie_video')];
    const review = {
      decision: 'approve' as const,
      reviewer: 'admin',
      comment: 'ok',
      decidedAt: new Date().toISOString(),
    };
    const decision: Decision = { outcome: 'approved', similarity: 0.7, liveness: null, reasons: [], review };

    await runIn(env, record, { sessionId: session.id, status: 'processing', files });
    await runIn(env, record, { sessionId: session.id, status: 'processing', files }); // activity retry
    await runIn(env, record, { sessionId: session.id, status: 'approved', decision, files });
    await runIn(env, record, { sessionId: session.id, status: 'approved', decision, files });
    await runIn(env, record, {
      sessionId: session.id,
      status: 'processing',
      error: { code: 'X', message: 'late' },
    });

    const stored = await getSession(t.db, session.id);
    assert.equal(stored?.status, 'approved');
    assert.deepEqual(stored?.decision, decision);
    assert.equal(stored?.error, null);
    assert.ok(stored?.completedAt instanceof Date);
    assert.equal((await listFiles(t.db, session.id)).length, 2);
    assert.equal((await getReview(t.db, session.id))?.reviewer, 'admin');
  });

  void test('a session without a projection row is skipped, not failed', async () => {
    const record = createRecordSessionStatus({ db: t.db });
    await runIn(new MockActivityEnvironment(), record, { sessionId: uniqueId('ghost'), status: 'expired' });
  });
});
