// Read queries only the operator console needs: every tenant's sessions, and a session's full record.
import { sql } from 'kysely';
import type { SessionStatus } from '../definitions';
import type { Db } from '../db/database';
import { toSessionRecord, type SessionRecord } from '../db/repositories/sessions';
import { decodeCursor, encodeCursor } from '../db/repositories/session-list';
import { listFaceSimilarityBySession } from '../db/repositories/face-similarity';
import { listInferenceRuns } from '../db/repositories/inference-runs';

export interface OperatorListQuery {
  status?: SessionStatus;
  /** Matches a session id exactly or a reference by substring (case-insensitive). */
  q?: string;
  limit: number;
  cursor?: string;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listAllSessions(
  db: Db,
  query: OperatorListQuery,
): Promise<{ items: SessionRecord[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  let select = db
    .selectFrom('sessions')
    .selectAll()
    .select(
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t'),
    );
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const q = query.q;
  if (q !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('id', '=', q), eb('reference', 'ilike', `%${escapeLike(q)}%`), eb('tenant_id', '=', q)]),
    );
  }
  if (after !== undefined) {
    select = select.where(sql<boolean>`(created_at, id) < (${after.t}::timestamptz, ${after.id})`);
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > query.limit && last !== undefined ? encodeCursor({ t: last.cursor_t, id: last.id }) : null;
  return { items: page.map(({ cursor_t: _unused, ...row }) => toSessionRecord(row)), nextCursor };
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
