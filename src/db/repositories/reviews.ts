// The audit row of a human review. One per session (unique), so a retried recording activity is a no-op.
import type { ReviewDecision } from '../../definitions';
import type { Db } from '../database';

export interface ReviewRecord extends ReviewDecision {
  sessionId: string;
  createdAt: Date;
}

/** Returns false when the session already had its review recorded. */
export async function insertReview(
  db: Db,
  sessionId: string,
  review: ReviewDecision & { decidedAt?: string },
): Promise<boolean> {
  const row = await db
    .insertInto('reviews')
    .values({
      session_id: sessionId,
      reviewer: review.reviewer,
      decision: review.decision,
      comment: review.comment,
      ...(review.decidedAt !== undefined ? { created_at: review.decidedAt } : {}),
    })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function getReview(db: Db, sessionId: string): Promise<ReviewRecord | undefined> {
  const row = await db
    .selectFrom('reviews')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    sessionId: row.session_id,
    reviewer: row.reviewer,
    decision: row.decision,
    comment: row.comment,
    createdAt: row.created_at,
  };
}
