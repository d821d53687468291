// The inference ledger: one row per inference that started. A row left 'running' after its claim moved on is a
// run that died; two 'completed' rows for one key would be a duplicate inference. Both are counted, never hidden.
import { sql } from 'kysely';
import type { Db } from '../database';

export type InferenceRunStatus = 'running' | 'completed' | 'failed';

export interface InferenceRunRecord {
  id: string;
  idempotencyKey: string;
  sessionId: string;
  /** The claim holder token the run ran under: `<worker>/<activityId>#<attempt>/<nonce>`. */
  workerId: string;
  activityAttempt: number;
  status: InferenceRunStatus;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface InferenceRunCounts {
  completed: number;
  /** Ended with an error (bad media, transient failure, cancelled, or lease lost with the result discarded). */
  failed: number;
  /** Started and never finished: the worker died or lost its lease silently. */
  died: number;
  /** Still running under a live claim. */
  running: number;
}

export async function startInferenceRun(
  db: Db,
  input: { idempotencyKey: string; sessionId: string; workerId: string; activityAttempt: number },
): Promise<string> {
  const row = await db
    .insertInto('inference_runs')
    .values({
      idempotency_key: input.idempotencyKey,
      session_id: input.sessionId,
      worker_id: input.workerId,
      activity_attempt: input.activityAttempt,
      status: 'running',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Finishes a run that is still running; a finished run is never rewritten. */
export async function finishInferenceRun(
  db: Db,
  runId: string,
  outcome: { status: 'completed' | 'failed'; error?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('inference_runs')
    .set({
      status: outcome.status,
      error: outcome.error ?? null,
      finished_at: sql<Date>`now()`,
      duration_ms: sql<number>`(extract(epoch from (clock_timestamp() - started_at)) * 1000)::integer`,
    })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRecord(r: {
  id: string;
  idempotency_key: string;
  session_id: string;
  worker_id: string;
  activity_attempt: number;
  status: InferenceRunStatus;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}): InferenceRunRecord {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    sessionId: r.session_id,
    workerId: r.worker_id,
    activityAttempt: r.activity_attempt,
    status: r.status,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
  };
}

export async function listInferenceRuns(
  db: Db,
  filter: { sessionId: string } | { idempotencyKey: string },
): Promise<InferenceRunRecord[]> {
  let query = db.selectFrom('inference_runs').selectAll();
  query =
    'sessionId' in filter
      ? query.where('session_id', '=', filter.sessionId)
      : query.where('idempotency_key', '=', filter.idempotencyKey);
  const rows = await query.orderBy('id', 'asc').execute();
  return rows.map(toRecord);
}

/**
 * Counts runs by outcome. A 'running' row is live only while its key's claim is still running, under an
 * unexpired lease, held by the attempt that wrote the row (worker_id is the claim holder token); every other
 * 'running' row belongs to a holder that is gone: it died.
 */
export async function countInferenceRuns(
  db: Db,
  filter: { sessionId: string } | { idempotencyKey: string },
): Promise<InferenceRunCounts> {
  const where =
    'sessionId' in filter
      ? sql`r.session_id = ${filter.sessionId}`
      : sql`r.idempotency_key = ${filter.idempotencyKey}`;
  const { rows } = await sql<{ completed: string; failed: string; died: string; running: string }>`
    WITH runs AS (
      SELECT r.status,
             coalesce(f.status = 'running' AND f.lease_expires_at >= now() AND f.claimed_by = r.worker_id, false) AS live
        FROM inference_runs r
        LEFT JOIN face_similarity f ON f.idempotency_key = r.idempotency_key
       WHERE ${where}
    )
    SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           count(*) FILTER (WHERE status = 'running' AND NOT live) AS died,
           count(*) FILTER (WHERE status = 'running' AND live) AS running
      FROM runs
  `.execute(db);
  const row = rows[0];
  return {
    completed: Number(row?.completed ?? 0),
    failed: Number(row?.failed ?? 0),
    died: Number(row?.died ?? 0),
    running: Number(row?.running ?? 0),
  };
}

export interface LedgerSummary {
  /** Keys with at least one inference started. */
  keys: number;
  completed: number;
  /** Completed inferences beyond the first for their key: the number the idempotency design keeps at zero. */
  duplicateInferences: number;
  failed: number;
  /** Started and never finished (the holder vanished); counted apart, never a duplicate. */
  died: number;
}

/** The whole ledger in one row: what "no duplicate inference" measures. */
export async function ledgerSummary(db: Db): Promise<LedgerSummary> {
  const { rows } = await sql<Record<keyof LedgerSummary, string>>`
    WITH per_key AS (
      SELECT r.idempotency_key,
             count(*) FILTER (WHERE r.status = 'completed') AS completed,
             count(*) FILTER (WHERE r.status = 'failed') AS failed,
             count(*) FILTER (
               WHERE r.status = 'running'
                 AND NOT coalesce(f.status = 'running' AND f.lease_expires_at >= now() AND f.claimed_by = r.worker_id, false)
             ) AS died
        FROM inference_runs r
        LEFT JOIN face_similarity f ON f.idempotency_key = r.idempotency_key
       GROUP BY r.idempotency_key
    )
    SELECT count(*) AS keys,
           coalesce(sum(completed), 0) AS completed,
           coalesce(sum(greatest(completed - 1, 0)), 0) AS "duplicateInferences",
           coalesce(sum(failed), 0) AS failed,
           coalesce(sum(died), 0) AS died
      FROM per_key
  `.execute(db);
  const row = rows[0];
  return {
    keys: Number(row?.keys ?? 0),
    completed: Number(row?.completed ?? 0),
    duplicateInferences: Number(row?.duplicateInferences ?? 0),
    failed: Number(row?.failed ?? 0),
    died: Number(row?.died ?? 0),
  };
}
