// Counts of the inference_runs ledger for one session. A run still marked running whose claim has moved on
// (completed by another attempt, lease expired, or held by another worker) died mid-inference.
import { sql } from 'kysely';
import type { Db } from '../db/database';

export interface InferenceRunCounts {
  completed: number;
  failed: number;
  died: number;
  running: number;
}

export async function inferenceRunCounts(db: Db, sessionId: string): Promise<InferenceRunCounts> {
  const row = await db
    .selectFrom('inference_runs as r')
    .leftJoin('face_similarity as f', 'f.idempotency_key', 'r.idempotency_key')
    .select([
      sql<string>`count(*) filter (where r.status = 'completed')`.as('completed'),
      sql<string>`count(*) filter (where r.status = 'failed')`.as('failed'),
      sql<string>`count(*) filter (where r.status = 'running' and (f.idempotency_key is null
        or f.status = 'completed' or f.lease_expires_at < now() or f.claimed_by <> r.worker_id))`.as('died'),
      sql<string>`count(*) filter (where r.status = 'running')`.as('running_total'),
    ])
    .where('r.session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const died = Number(row.died);
  return {
    completed: Number(row.completed),
    failed: Number(row.failed),
    died,
    running: Number(row.running_total) - died,
  };
}
