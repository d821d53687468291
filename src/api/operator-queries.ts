// Read queries only the operator console needs: every tenant's sessions, and a session's full record.
import type { Db } from '../db/database';
import { listSessions, type ListSessionsQuery, type SessionPage } from '../db/repositories/session-list';
import { listFaceSimilarityBySession } from '../db/repositories/face-similarity';
import { listInferenceRuns } from '../db/repositories/inference-runs';

export type OperatorListQuery = Omit<ListSessionsQuery, 'tenantId'>;

/** Every tenant's sessions, with search: the shared keyset pagination without a tenant filter. */
export function listAllSessions(db: Db, query: OperatorListQuery): Promise<SessionPage> {
  return listSessions(db, query);
}

export async function faceMatchRows(db: Db, sessionId: string) {
  const rows = await listFaceSimilarityBySession(db, sessionId);
  return rows.map(
    ({ workflowId: _w, sessionId: _s, claimedBy: _c, leaseExpiresAt, createdAt, completedAt, ...r }) => ({
      ...r,
      leaseExpiresAt: leaseExpiresAt.toISOString(),
      createdAt: createdAt.toISOString(),
      completedAt: completedAt?.toISOString() ?? null,
    }),
  );
}

export async function inferenceRunRows(db: Db, sessionId: string) {
  const rows = await listInferenceRuns(db, { sessionId });
  return rows.map(({ sessionId: _s, startedAt, finishedAt, ...r }) => ({
    ...r,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
  }));
}

/** The media type of a stored blob as the upload recorded it; undefined for blobs not uploaded (best frames). */
export async function uploadedMediaType(db: Db, sha256: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('files')
    .select('media_type')
    .where('sha256', '=', sha256)
    .limit(1)
    .executeTakeFirst();
  return row?.media_type;
}
