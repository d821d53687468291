// The claim repository against the real Postgres (concurrent connections) and, for the same behaviour, PGlite.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import {
  claimFaceSimilarity,
  completeFaceSimilarity,
  countInferenceRuns,
  getFaceSimilarity,
  listInferenceRuns,
  releaseFaceSimilarity,
  renewFaceSimilarityLease,
  type ClaimRequest,
  type StoredFaceMatch,
} from '../../../src/db/repositories';
import { openPgliteTestDb, openTestDb, randomSha256, uniqueId, type TestDb } from '../../helpers/db';

function claimRequest(key: string, sessionId: string, holder: string, leaseSeconds = 60): ClaimRequest {
  return {
    idempotencyKey: key,
    sessionId,
    workflowId: `kyc-session-${sessionId}`,
    idSha256: randomSha256(),
    selfieSha256: randomSha256(),
    pipelineVersion: 'test-pipeline',
    holder,
    activityAttempt: 1,
    leaseSeconds,
  };
}

function storedResult(key: string, similarity: number): StoredFaceMatch {
  return {
    idempotencyKey: key,
    outcome: 'approved',
    reasons: [],
    similarity,
    liveness: { antispoof: 0.9, live: 0.9, motion: 0.5, consistency: 0.9, risk: 'low' },
    pipelineVersion: 'test-pipeline',
    bestFrameKeys: [],
  };
}

/** Expires a lease as if its holder had died long ago. */
async function expireLease(db: Db, key: string): Promise<void> {
  await sql`UPDATE face_similarity SET lease_expires_at = now() - interval '1 minute' WHERE idempotency_key = ${key}`.execute(
    db,
  );
}

const backends: Array<[string, () => Promise<TestDb>]> = [
  ['postgres', () => openTestDb({ poolSize: 12 })],
  ['pglite', openPgliteTestDb],
];

for (const [name, open] of backends) {
  void describe(`face_similarity claims (${name})`, () => {
    let t: TestDb;
    before(async () => {
      t = await open();
    });
    after(async () => {
      await t.close();
    });

    void test('10 concurrent claims of one key: exactly one acquires, one ledger row', async () => {
      const key = uniqueId('fs');
      const sessionId = uniqueId('ses');
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          claimFaceSimilarity(t.db, claimRequest(key, sessionId, `w${i}/a#1/x`)),
        ),
      );
      assert.equal(outcomes.filter((o) => o.kind === 'acquired').length, 1);
      assert.equal(outcomes.filter((o) => o.kind === 'busy').length, 9);
      assert.equal((await listInferenceRuns(t.db, { idempotencyKey: key })).length, 1);
      assert.deepEqual(await countInferenceRuns(t.db, { idempotencyKey: key }), {
        completed: 0,
        failed: 0,
        died: 0,
        running: 1,
      });
    });

    if (name === 'postgres') {
      void test('claims wait on an uncommitted claim of the same key, then see it (no check-then-insert window)', async () => {
        const key = uniqueId('fs');
        const sessionId = uniqueId('ses');
        let waiting: Promise<unknown[]> | undefined;
        let settledEarly = false;
        await t.db.transaction().execute(async (trx) => {
          const first = await claimFaceSimilarity(trx, claimRequest(key, sessionId, 'w0/a#1/first'));
          assert.equal(first.kind, 'acquired');
          // Five claims on other pool connections: the unique index makes them wait for this transaction.
          waiting = Promise.all(
            Array.from({ length: 5 }, (_, i) =>
              claimFaceSimilarity(t.db, claimRequest(key, sessionId, `w${i + 1}/a#1/x`)),
            ),
          );
          void waiting.then(() => (settledEarly = true));
          await new Promise((resolve) => setTimeout(resolve, 300));
        });
        assert.equal(settledEarly, false, 'no claim could decide before the first one committed');
        const outcomes = (await waiting) as Array<{ kind: string }>;
        assert.deepEqual(
          outcomes.map((o) => o.kind),
          ['busy', 'busy', 'busy', 'busy', 'busy'],
        );
        assert.equal((await listInferenceRuns(t.db, { idempotencyKey: key })).length, 1);
      });
    }

    void test('a completed key returns the stored result and starts no run', async () => {
      const key = uniqueId('fs');
      const sessionId = uniqueId('ses');
      const first = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w1/a#1/x'));
      assert.equal(first.kind, 'acquired');
      if (first.kind !== 'acquired') return;
      const won = await completeFaceSimilarity(t.db, {
        idempotencyKey: key,
        holder: 'w1/a#1/x',
        runId: first.runId,
        result: storedResult(key, 0.8),
      });
      assert.equal(won, 'completed');
      const again = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w2/a#2/y'));
      assert.equal(again.kind, 'completed');
      if (again.kind === 'completed') assert.equal(again.record.result.similarity, 0.8);
      assert.deepEqual(await countInferenceRuns(t.db, { sessionId }), {
        completed: 1,
        failed: 0,
        died: 0,
        running: 0,
      });
    });

    void test('a stale claim is taken over once; the dead run stays visible as died', async () => {
      const key = uniqueId('fs');
      const sessionId = uniqueId('ses');
      const dead = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w1/a#1/dead'));
      assert.equal(dead.kind, 'acquired');
      await expireLease(t.db, key);
      const racers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          claimFaceSimilarity(t.db, claimRequest(key, sessionId, `w${i}/a#2/r`)),
        ),
      );
      const winners = racers.filter((o) => o.kind === 'acquired');
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.kind === 'acquired' && winners[0].takeover, true);
      const row = await getFaceSimilarity(t.db, key);
      assert.equal(row?.takeovers, 1);
      const runs = await listInferenceRuns(t.db, { idempotencyKey: key });
      assert.deepEqual(
        runs.map((r) => r.status),
        ['running', 'running'],
      );
      assert.deepEqual(await countInferenceRuns(t.db, { idempotencyKey: key }), {
        completed: 0,
        failed: 0,
        died: 1,
        running: 1,
      });
    });

    void test('a holder that lost its lease cannot store its result or renew', async () => {
      const key = uniqueId('fs');
      const sessionId = uniqueId('ses');
      const loser = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w1/a#1/slow'));
      assert.equal(loser.kind, 'acquired');
      await expireLease(t.db, key);
      const winner = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w2/a#2/fast'));
      assert.equal(winner.kind, 'acquired');
      if (loser.kind !== 'acquired' || winner.kind !== 'acquired') return;
      assert.equal(
        await renewFaceSimilarityLease(t.db, {
          idempotencyKey: key,
          holder: 'w1/a#1/slow',
          leaseSeconds: 60,
        }),
        false,
      );
      const winnerDone = await completeFaceSimilarity(t.db, {
        idempotencyKey: key,
        holder: 'w2/a#2/fast',
        runId: winner.runId,
        result: storedResult(key, 0.91),
      });
      const loserDone = await completeFaceSimilarity(t.db, {
        idempotencyKey: key,
        holder: 'w1/a#1/slow',
        runId: loser.runId,
        result: storedResult(key, 0.11),
      });
      assert.equal(winnerDone, 'completed');
      assert.equal(loserDone, 'lost');
      assert.equal((await getFaceSimilarity(t.db, key))?.result?.similarity, 0.91);
      const runs = await listInferenceRuns(t.db, { idempotencyKey: key });
      assert.deepEqual(
        runs.map((r) => [r.status, r.error?.split(':')[0] ?? null]),
        [
          ['failed', 'LEASE_LOST'],
          ['completed', null],
        ],
      );
    });

    void test('a released claim is taken over at once by the next attempt', async () => {
      const key = uniqueId('fs');
      const sessionId = uniqueId('ses');
      const first = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w1/a#1/x'));
      assert.equal(first.kind, 'acquired');
      if (first.kind !== 'acquired') return;
      assert.equal(
        await renewFaceSimilarityLease(t.db, { idempotencyKey: key, holder: 'w1/a#1/x', leaseSeconds: 60 }),
        true,
      );
      await releaseFaceSimilarity(t.db, {
        idempotencyKey: key,
        holder: 'w1/a#1/x',
        runId: first.runId,
        error: 'TransientFaceError: x',
      });
      const second = await claimFaceSimilarity(t.db, claimRequest(key, sessionId, 'w1/a#2/y'));
      assert.equal(second.kind, 'acquired');
      assert.deepEqual(await countInferenceRuns(t.db, { idempotencyKey: key }), {
        completed: 0,
        failed: 1,
        died: 0,
        running: 1,
      });
    });
  });
}
