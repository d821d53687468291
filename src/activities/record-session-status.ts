// recordSessionStatus: mirrors the workflow's state into the sessions projection the API and console read.
// Idempotent: files and reviews are insert-if-absent, and a terminal status is never moved back.
import { Context } from '@temporalio/activity';
import type { RecordSessionStatusInput } from '../definitions';
import type { Db } from '../db/database';
import {
  getSession,
  inTransaction,
  insertReview,
  updateSessionProjection,
  upsertFile,
} from '../db/repositories';

export type { RecordSessionStatusInput };

function warn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    // outside an activity (scripts, plain unit tests): nothing to log to
  }
}

export function createRecordSessionStatus(deps: { db: Db }) {
  return async function recordSessionStatus(input: RecordSessionStatusInput): Promise<void> {
    await inTransaction(deps.db, async (trx) => {
      // A workflow started without the API (a test, a script) has no projection row: there is nothing to mirror.
      if ((await getSession(trx, input.sessionId)) === undefined) {
        warn('no sessions row to record the status in', { sessionId: input.sessionId, status: input.status });
        return;
      }
      for (const file of input.files ?? []) await upsertFile(trx, input.sessionId, file);
      const review = input.decision?.review;
      if (review !== undefined) await insertReview(trx, input.sessionId, review);
      await updateSessionProjection(trx, {
        id: input.sessionId,
        status: input.status,
        ...(input.decision !== undefined ? { decision: input.decision } : {}),
        ...(input.error !== undefined ? { error: input.error } : {}),
      });
    });
  };
}
