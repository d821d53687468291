// One row per webhook delivery attempt: the console shows them, and operators debug receivers with them.
import type { Db } from '../database';

export interface WebhookDeliveryInput {
  eventId: string;
  sessionId: string;
  tenantId: string;
  url: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface WebhookDeliveryRecord extends WebhookDeliveryInput {
  id: string;
  createdAt: Date;
}

export async function insertWebhookDelivery(db: Db, input: WebhookDeliveryInput): Promise<string> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      event_id: input.eventId,
      session_id: input.sessionId,
      tenant_id: input.tenantId,
      url: input.url,
      attempt: input.attempt,
      status_code: input.statusCode,
      error: input.error,
      duration_ms: input.durationMs,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Oldest first. */
export async function listWebhookDeliveries(db: Db, sessionId: string): Promise<WebhookDeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    sessionId: r.session_id,
    tenantId: r.tenant_id,
    url: r.url,
    attempt: r.attempt,
    statusCode: r.status_code,
    error: r.error,
    durationMs: r.duration_ms,
    createdAt: r.created_at,
  }));
}
