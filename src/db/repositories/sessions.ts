// The sessions projection: what the API and the console read. The workflow owns the truth; this table mirrors it.
import { sql, type Selectable } from 'kysely';
import { TERMINAL_STATUSES, type Decision, type SessionStatus } from '../../definitions';
import type { Db } from '../database';
import type { SessionsTable } from '../schema';

export interface SessionRecord {
  id: string;
  tenantId: string;
  workflowId: string;
  status: SessionStatus;
  expiresAt: Date;
  idempotencyKey: string | null;
  reference: string | null;
  decision: Decision | null;
  error: { code: string; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export function toSessionRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status,
    expiresAt: row.expires_at,
    idempotencyKey: row.idempotency_key,
    reference: row.reference,
    decision: row.decision,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

export interface NewSession {
  id: string;
  tenantId: string;
  workflowId: string;
  expiresAt: Date;
  idempotencyKey?: string | null;
  reference?: string | null;
  status?: SessionStatus;
}

export interface CreateSessionResult {
  session: SessionRecord;
  /** False when the tenant's idempotency key already named a session: that session is returned instead. */
  created: boolean;
}

/**
 * Creates a session, or returns the one the tenant already created with the same idempotency key.
 * One INSERT ... ON CONFLICT, so two concurrent requests with one key cannot both create a session.
 */
export async function createSession(db: Db, input: NewSession): Promise<CreateSessionResult> {
  const inserted = await db
    .insertInto('sessions')
    .values({
      id: input.id,
      tenant_id: input.tenantId,
      workflow_id: input.workflowId,
      status: input.status ?? 'awaiting_files',
      expires_at: input.expiresAt,
      idempotency_key: input.idempotencyKey ?? null,
      reference: input.reference ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return { session: toSessionRecord(inserted), created: true };
  const existing = await getSessionByIdempotencyKey(db, input.tenantId, input.idempotencyKey ?? '');
  if (existing === undefined)
    throw new Error(`session insert for ${input.id} conflicted but no session was found`);
  return { session: existing, created: false };
}

export async function getSession(db: Db, id: string, tenantId?: string): Promise<SessionRecord | undefined> {
  let query = db.selectFrom('sessions').selectAll().where('id', '=', id);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toSessionRecord(row);
}

export async function getSessionByIdempotencyKey(
  db: Db,
  tenantId: string,
  idempotencyKey: string,
): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? undefined : toSessionRecord(row);
}

export interface SessionProjectionUpdate {
  id: string;
  status: SessionStatus;
  /** undefined leaves the stored value; null clears it. */
  decision?: Decision | null;
  error?: { code: string; message: string } | null;
}

/** How far along a session is; the projection only moves forward (or stays, to update a decision). */
const STATUS_RANK: Record<SessionStatus, number> = {
  awaiting_files: 0,
  processing: 1,
  needs_review: 2,
  approved: 3,
  declined: 3,
  expired: 3,
  canceled: 3,
  failed: 3,
};

/** Statuses a session may be in for a write of `status` to apply: never backwards, never out of a terminal one. */
function statusesBefore(status: SessionStatus): SessionStatus[] {
  const rank = STATUS_RANK[status];
  return (Object.keys(STATUS_RANK) as SessionStatus[]).filter(
    (s) => STATUS_RANK[s] <= rank && !TERMINAL_STATUSES.includes(s),
  );
}

/**
 * Moves the projection to a new status. The WHERE clause only lets it move forward, and a terminal status is
 * final, so a late or repeated write (a zombie activity attempt, a retry) can never move a session back.
 * Returns false when nothing changed (unknown session, already terminal, or already further along).
 */
export async function updateSessionProjection(db: Db, update: SessionProjectionUpdate): Promise<boolean> {
  const terminal = TERMINAL_STATUSES.includes(update.status);
  const result = await db
    .updateTable('sessions')
    .set({
      status: update.status,
      updated_at: sql<Date>`now()`,
      ...(terminal ? { completed_at: sql<Date>`coalesce(completed_at, now())` } : {}),
      ...(update.decision !== undefined
        ? { decision: update.decision === null ? null : JSON.stringify(update.decision) }
        : {}),
      ...(update.error !== undefined
        ? { error: update.error === null ? null : JSON.stringify(update.error) }
        : {}),
    })
    .where('id', '=', update.id)
    .where('status', 'in', statusesBefore(update.status))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
