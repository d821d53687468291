// The claim protocol (face-claim.ts) against the real Postgres: concurrent attempts on separate pool connections,
// stale-claim takeover and a lease lost mid-inference. The inference is a counting test function: what is under
// test here is how many times it runs, not what it computes (the real engine runs in real-engine.test.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import {
  runFaceMatchClaimed,
  type ClaimHooks,
  type FaceClaimOptions,
} from '../../../src/activities/face-claim';
import {
  claimFaceSimilarity,
  countInferenceRuns,
  getFaceSimilarity,
  listInferenceRuns,
  type StoredFaceMatch,
} from '../../../src/db/repositories';
import { openTestDb, uniqueId, type TestDb } from '../../helpers/db';

const hooks: ClaimHooks = { heartbeat: () => undefined, sleep: (ms) => delay(ms) };

function options(
  key: string,
  sessionId: string,
  holder: string,
  overrides: Partial<FaceClaimOptions> = {},
): FaceClaimOptions {
  return {
    idempotencyKey: key,
    sessionId,
    workflowId: `kyc-session-${sessionId}`,
    idSha256: 'a'.repeat(64),
    selfieSha256: 'b'.repeat(64),
    pipelineVersion: 'test',
    holder,
    activityAttempt: 1,
    leaseSeconds: 30,
    waitMs: 20_000,
    pollMs: 50,
    tickMs: 100,
    ...overrides,
  };
}

/** Counts calls; each call takes `ms` and returns the given similarity. */
function countingInferenceForTest(ms: number, similarity: number, honourAbort = true) {
  let calls = 0;
  let aborted = false;
  const infer = async (signal: AbortSignal): Promise<StoredFaceMatch> => {
    calls += 1;
    signal.addEventListener('abort', () => (aborted = true));
    await delay(ms, undefined, honourAbort ? { signal } : {});
    return {
      idempotencyKey: 'k',
      outcome: 'approved',
      reasons: [],
      similarity,
      liveness: { antispoof: 1, live: 1, motion: 0.5, consistency: 1, risk: 'low' },
      pipelineVersion: 'test',
      bestFrameKeys: [],
    };
  };
  return { infer, calls: () => calls, aborted: () => aborted };
}

void describe('face-match claim protocol on Postgres', () => {
  let t: TestDb;
  before(async () => {
    t = await openTestDb({ poolSize: 16 });
  });
  after(async () => {
    await t.close();
  });

  void test('10 concurrent attempts of one key: one inference, one ledger row, one result for all', async () => {
    const key = uniqueId('fs');
    const sessionId = uniqueId('ses');
    const inference = countingInferenceForTest(300, 0.77);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runFaceMatchClaimed(t.db, options(key, sessionId, `w${i}/act#1/${i}`), inference.infer, hooks),
      ),
    );
    assert.equal(inference.calls(), 1);
    assert.equal(results.filter((r) => !r.reused).length, 1);
    assert.ok(results.every((r) => r.similarity === 0.77));
    assert.equal((await listInferenceRuns(t.db, { idempotencyKey: key })).length, 1);
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId }), {
      completed: 1,
      failed: 0,
      died: 0,
      running: 0,
    });
  });

  void test("a dead holder's stale claim is taken over; its run stays visible as died", async () => {
    const key = uniqueId('fs');
    const sessionId = uniqueId('ses');
    const dead = await claimFaceSimilarity(
      t.db,
      options(key, sessionId, 'crashed/act#1/x', { leaseSeconds: 1 }),
    );
    assert.equal(dead.kind, 'acquired'); // and then the worker "crashed": no renewal, no completion
    const inference = countingInferenceForTest(50, 0.66);
    const result = await runFaceMatchClaimed(
      t.db,
      options(key, sessionId, 'w2/act#2/y'),
      inference.infer,
      hooks,
    );
    assert.equal(result.reused, false);
    assert.equal(inference.calls(), 1);
    const runs = await listInferenceRuns(t.db, { idempotencyKey: key });
    assert.deepEqual(
      runs.map((r) => [r.workerId.split('/')[0], r.status]),
      [
        ['crashed', 'running'],
        ['w2', 'completed'],
      ],
    );
    assert.deepEqual(await countInferenceRuns(t.db, { sessionId }), {
      completed: 1,
      failed: 0,
      died: 1,
      running: 0,
    });
    assert.equal((await getFaceSimilarity(t.db, key))?.takeovers, 1);
  });

  void test('lease lost mid-inference: the loser does not overwrite the winner and returns its result', async () => {
    const key = uniqueId('fs');
    const sessionId = uniqueId('ses');
    // The slow attempt never renews (its tick is longer than its inference) and ignores the abort signal.
    const slow = countingInferenceForTest(1500, 0.11, false);
    const slowRun = runFaceMatchClaimed(
      t.db,
      options(key, sessionId, 'slow/act#1/a', { leaseSeconds: 0.5, tickMs: 60_000 }),
      slow.infer,
      hooks,
    );
    await delay(800); // the slow holder's lease has expired by now
    const fast = countingInferenceForTest(50, 0.93);
    const fastResult = await runFaceMatchClaimed(
      t.db,
      options(key, sessionId, 'fast/act#2/b'),
      fast.infer,
      hooks,
    );
    const slowResult = await slowRun;
    assert.equal(fastResult.reused, false);
    assert.equal(fastResult.similarity, 0.93);
    assert.equal(slowResult.reused, true);
    assert.equal(slowResult.similarity, 0.93);
    assert.equal((await getFaceSimilarity(t.db, key))?.result?.similarity, 0.93);
    const runs = await listInferenceRuns(t.db, { idempotencyKey: key });
    assert.deepEqual(
      runs.map((r) => [r.workerId.split('/')[0], r.status, r.error?.split(':')[0] ?? null]),
      [
        ['slow', 'failed', 'LEASE_LOST'],
        ['fast', 'completed', null],
      ],
    );
  });

  void test('a renewal that finds the claim taken over aborts the running inference', async () => {
    const key = uniqueId('fs');
    const sessionId = uniqueId('ses');
    const victim = countingInferenceForTest(30_000, 0.2, true);
    const victimRun = runFaceMatchClaimed(
      t.db,
      options(key, sessionId, 'victim/act#1/a', { tickMs: 100 }),
      victim.infer,
      hooks,
    );
    await delay(150);
    // Simulate a takeover (an operator or a peer after a stalled lease): the claim now names another holder.
    await sql`UPDATE face_similarity SET claimed_by = 'thief/act#2/b', lease_expires_at = now() + interval '30 seconds' WHERE idempotency_key = ${key}`.execute(
      t.db,
    );
    await sql`UPDATE face_similarity SET status = 'completed', result = ${JSON.stringify({
      idempotencyKey: key,
      outcome: 'declined',
      reasons: ['FACE_MISMATCH'],
      similarity: 0.05,
      liveness: { antispoof: 1, live: 1, motion: 0.5, consistency: 1, risk: 'low' },
      pipelineVersion: 'test',
      bestFrameKeys: [],
    })}::jsonb, completed_at = now() WHERE idempotency_key = ${key}`.execute(t.db);
    const result = await victimRun;
    assert.equal(victim.aborted(), true, 'the lease renewal aborted the inference');
    assert.equal(result.reused, true);
    assert.equal(result.outcome, 'declined');
    const runs = await listInferenceRuns(t.db, { idempotencyKey: key });
    assert.equal(runs[0]?.status, 'failed');
    assert.match(runs[0]?.error ?? '', /^LEASE_LOST/);
  });
});
