// Keyset pagination over (created_at, id), newest first: stable under concurrent inserts, no OFFSET scans.
import { sql } from 'kysely';
import type { SessionStatus } from '../../definitions';
import type { Db } from '../database';
import { toSessionRecord, type SessionRecord } from './sessions';

export interface ListSessionsQuery {
  /** One tenant's sessions; unset lists every tenant's (the operator console). */
  tenantId?: string;
  status?: SessionStatus;
  /** Matches a session id or tenant id exactly, or a reference by substring (case-insensitive). */
  q?: string;
  limit: number;
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
}

export interface SessionPage {
  items: SessionRecord[];
  nextCursor: string | null;
}

interface Cursor {
  /** created_at as Postgres prints it, to the microsecond: a JS Date would drop the microseconds and skip rows. */
  t: string;
  id: string;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'VALIDATION_ERROR';
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { t, id } = parsed as Record<string, unknown>;
      if (typeof t === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(t))) return { t, id };
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidCursorError('invalid cursor');
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listSessions(db: Db, query: ListSessionsQuery): Promise<SessionPage> {
  const limit = Math.max(1, Math.min(query.limit, 500));
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  let select = db
    .selectFrom('sessions')
    .selectAll()
    .select(
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t'),
    );
  if (query.tenantId !== undefined) select = select.where('tenant_id', '=', query.tenantId);
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
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor({ t: last.cursor_t, id: last.id }) : null;
  return { items: page.map(({ cursor_t: _unused, ...row }) => toSessionRecord(row)), nextCursor };
}

/** Sessions per status across all tenants (for metrics). */
export async function countSessionsByStatus(db: Db): Promise<Partial<Record<SessionStatus, number>>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
}
