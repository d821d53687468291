// The face-match claim table. Every state change is one atomic statement or one transaction; nothing reads a row
// and then decides to write it (check-then-insert is racy). docs/idempotency.md describes the protocol.
import { sql, type Selectable } from 'kysely';
import type { FaceMatchResult } from '../../definitions';
import type { Db } from '../database';
import type { FaceSimilarityTable } from '../schema';
import { finishInferenceRun, startInferenceRun } from './inference-runs';
import { inTransaction } from './transaction';

export type StoredFaceMatch = Omit<FaceMatchResult, 'reused'>;

export interface FaceSimilarityRecord {
  idempotencyKey: string;
  sessionId: string;
  workflowId: string;
  idSha256: string;
  selfieSha256: string;
  pipelineVersion: string;
  status: 'running' | 'completed';
  claimedBy: string;
  leaseExpiresAt: Date;
  takeovers: number;
  result: StoredFaceMatch | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface ClaimRequest {
  idempotencyKey: string;
  sessionId: string;
  workflowId: string;
  idSha256: string;
  selfieSha256: string;
  pipelineVersion: string;
  /**
   * Unique per attempt (not per worker), `<worker>/<activityId>#<attempt>/<nonce>`: it fences every later write of
   * the attempt and is recorded as the ledger row's worker_id, so a run can be matched to the claim it ran under.
   */
  holder: string;
  activityAttempt: number;
  leaseSeconds: number;
}

export type ClaimOutcome =
  | { kind: 'acquired'; runId: string; takeover: boolean; takeovers: number }
  | { kind: 'completed'; record: FaceSimilarityRecord & { result: StoredFaceMatch } }
  | { kind: 'busy'; record: FaceSimilarityRecord };

const leaseFromNow = (seconds: number) =>
  sql<Date>`now() + make_interval(secs => ${seconds}::double precision)`;

function toRecord(row: Selectable<FaceSimilarityTable>): FaceSimilarityRecord {
  return {
    idempotencyKey: row.idempotency_key,
    sessionId: row.session_id,
    workflowId: row.workflow_id,
    idSha256: row.id_sha256,
    selfieSha256: row.selfie_sha256,
    pipelineVersion: row.pipeline_version,
    status: row.status,
    claimedBy: row.claimed_by,
    leaseExpiresAt: row.lease_expires_at,
    takeovers: row.takeovers,
    result: row.result,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

/**
 * Claims the key for inference, in one transaction:
 *  1. INSERT ... ON CONFLICT DO NOTHING RETURNING: the first attempt ever wins the row;
 *  2. else UPDATE ... WHERE status = 'running' AND lease expired RETURNING: exactly one waiter takes a stale claim
 *     over (Postgres re-checks the WHERE on the newest row version after waiting for a concurrent writer);
 *  3. on success the ledger row is appended in the same transaction, so a claim never exists without its run.
 * Otherwise the row is read: completed (reuse its result) or busy (another live holder).
 */
export async function claimFaceSimilarity(db: Db, req: ClaimRequest): Promise<ClaimOutcome> {
  return inTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto('face_similarity')
      .values({
        idempotency_key: req.idempotencyKey,
        session_id: req.sessionId,
        workflow_id: req.workflowId,
        id_sha256: req.idSha256,
        selfie_sha256: req.selfieSha256,
        pipeline_version: req.pipelineVersion,
        status: 'running',
        claimed_by: req.holder,
        lease_expires_at: leaseFromNow(req.leaseSeconds),
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('takeovers')
      .executeTakeFirst();
    const takenOver =
      inserted !== undefined
        ? undefined
        : await trx
            .updateTable('face_similarity')
            .set({
              claimed_by: req.holder,
              lease_expires_at: leaseFromNow(req.leaseSeconds),
              takeovers: sql<number>`takeovers + 1`,
            })
            .where('idempotency_key', '=', req.idempotencyKey)
            .where('status', '=', 'running')
            .where('lease_expires_at', '<', sql<Date>`now()`)
            .returning('takeovers')
            .executeTakeFirst();
    const won = inserted ?? takenOver;
    if (won !== undefined) {
      const runId = await startInferenceRun(trx, {
        idempotencyKey: req.idempotencyKey,
        sessionId: req.sessionId,
        workerId: req.holder,
        activityAttempt: req.activityAttempt,
      });
      return { kind: 'acquired', runId, takeover: takenOver !== undefined, takeovers: won.takeovers };
    }
    // Rows are never deleted, so the conflicting row is there; it may have moved on since, which the caller's
    // next claim attempt handles.
    const row = await trx
      .selectFrom('face_similarity')
      .selectAll()
      .where('idempotency_key', '=', req.idempotencyKey)
      .executeTakeFirstOrThrow();
    const record = toRecord(row);
    if (record.status === 'completed' && record.result !== null) {
      return { kind: 'completed', record: { ...record, result: record.result } };
    }
    return { kind: 'busy', record };
  });
}

/** Extends the lease while the holder still holds the claim; false means it was taken over or completed. */
export async function renewFaceSimilarityLease(
  db: Db,
  input: { idempotencyKey: string; holder: string; leaseSeconds: number },
): Promise<boolean> {
  const result = await db
    .updateTable('face_similarity')
    .set({ lease_expires_at: leaseFromNow(input.leaseSeconds) })
    .where('idempotency_key', '=', input.idempotencyKey)
    .where('claimed_by', '=', input.holder)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Stores the result and completes the ledger run in one transaction, only while the caller is still the holder.
 * A holder whose claim was taken over gets 'lost': its result is discarded and its run is marked failed, so the
 * winner's result is never overwritten. An expired lease nobody took over still completes: no one else ran.
 */
export async function completeFaceSimilarity(
  db: Db,
  input: { idempotencyKey: string; holder: string; runId: string; result: StoredFaceMatch },
): Promise<'completed' | 'lost'> {
  return inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('face_similarity')
      .set({ status: 'completed', result: JSON.stringify(input.result), completed_at: sql<Date>`now()` })
      .where('idempotency_key', '=', input.idempotencyKey)
      .where('claimed_by', '=', input.holder)
      .where('status', '=', 'running')
      .executeTakeFirst();
    const won = done.numUpdatedRows > 0n;
    await finishInferenceRun(
      trx,
      input.runId,
      won
        ? { status: 'completed' }
        : { status: 'failed', error: 'LEASE_LOST: claim taken over; result discarded' },
    );
    return won ? 'completed' : 'lost';
  });
}

/**
 * Ends a failed inference: the run is marked failed and, if the caller still holds the claim, the lease is
 * expired at once so the next attempt takes it over without waiting out the lease.
 */
export async function releaseFaceSimilarity(
  db: Db,
  input: { idempotencyKey: string; holder: string; runId: string; error: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('face_similarity')
      .set({ lease_expires_at: sql<Date>`now() - interval '1 millisecond'` })
      .where('idempotency_key', '=', input.idempotencyKey)
      .where('claimed_by', '=', input.holder)
      .where('status', '=', 'running')
      .execute();
    await finishInferenceRun(trx, input.runId, { status: 'failed', error: input.error });
  });
}

export async function getFaceSimilarity(
  db: Db,
  idempotencyKey: string,
): Promise<FaceSimilarityRecord | undefined> {
  const row = await db
    .selectFrom('face_similarity')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function listFaceSimilarityBySession(
  db: Db,
  sessionId: string,
): Promise<FaceSimilarityRecord[]> {
  const rows = await db
    .selectFrom('face_similarity')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map(toRecord);
}
