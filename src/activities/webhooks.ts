// deliverWebhook: one POST per activity attempt. Temporal's retry policy (set by the workflow) does the backoff
// for up to WEBHOOK_RETRY_HOURS; every attempt sends the same event id so receivers can dedupe.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/database';
import type { WebhookEvent } from '../definitions';
import { getTenant } from '../db/repositories/tenants';
import { insertWebhookDelivery } from '../db/repositories/webhook-deliveries';
import { SIGNATURE_HEADER, signatureHeader } from '../webhooks/signature';

export interface WebhookDeps {
  /** Per-attempt HTTP timeout (WEBHOOK_TIMEOUT_SECONDS). */
  timeoutSeconds: number;
  userAgent?: string;
}

export type WebhookDeliveryResult =
  | { delivered: true; statusCode: number; attempt: number }
  | { delivered: false; skipped: 'NO_WEBHOOK_URL' | 'NO_WEBHOOK_SECRET' };

export const WEBHOOK_FAILURE_TYPE = 'WebhookDeliveryFailed';

/** The posted body: exactly these fields, serialised once so the signature covers the bytes sent. */
export function webhookBody(event: WebhookEvent): string {
  const { id, sessionId, status, decision, occurredAt } = event;
  return JSON.stringify({ id, sessionId, status, decision, occurredAt });
}

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (a script or a unit test)
  }
}

interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const elapsed = (started: number): number => Math.round(performance.now() - started);

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual', // a redirect is a misconfigured URL, not a place to send signed data
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined); // drain so the connection can be reused
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: elapsed(started) };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { statusCode: null, error, durationMs: elapsed(started) };
  }
}

async function findTenantId(db: Db, event: WebhookEvent): Promise<string | undefined> {
  if (event.tenantId) return event.tenantId;
  const row = await db
    .selectFrom('sessions')
    .select('tenant_id')
    .where('id', '=', event.sessionId)
    .executeTakeFirst();
  return row?.tenant_id;
}

export function createWebhookActivities(deps: { db: Db; webhooks?: WebhookDeps }) {
  const timeoutMs = (deps.webhooks?.timeoutSeconds ?? 10) * 1000;
  const userAgent = deps.webhooks?.userAgent ?? 'kyc-orchestrator-webhooks/1';

  const record = (event: WebhookEvent, tenantId: string, url: string, attempt: number, o: AttemptOutcome) =>
    insertWebhookDelivery(deps.db, {
      eventId: event.id,
      sessionId: event.sessionId,
      tenantId,
      url,
      attempt,
      ...o,
    });

  async function deliverWebhook(event: WebhookEvent): Promise<WebhookDeliveryResult> {
    const tenantId = await findTenantId(deps.db, event);
    const tenant = tenantId === undefined ? undefined : await getTenant(deps.db, tenantId);
    if (tenantId === undefined || !tenant?.webhookUrl) return { delivered: false, skipped: 'NO_WEBHOOK_URL' };
    const url = tenant.webhookUrl;
    const secrets = tenant.webhookSecrets;
    if (secrets.length === 0) return { delivered: false, skipped: 'NO_WEBHOOK_SECRET' };

    const attempt = currentAttempt();
    const body = webhookBody(event);
    const headers = {
      'content-type': 'application/json',
      'user-agent': userAgent,
      'kyc-event-id': event.id,
      [SIGNATURE_HEADER]: signatureHeader(body, secrets),
    };
    const outcome = await post(url, body, headers, timeoutMs);
    await record(event, tenantId, url, attempt, outcome);
    if (outcome.error === null && outcome.statusCode !== null) {
      return { delivered: true, statusCode: outcome.statusCode, attempt };
    }
    // Retryable on purpose: a receiver that is down or answers an error may be fixed within the retry window.
    throw ApplicationFailure.retryable(
      `webhook delivery of ${event.id} to ${url} failed: ${outcome.error}`,
      WEBHOOK_FAILURE_TYPE,
      { eventId: event.id, attempt, statusCode: outcome.statusCode },
    );
  }

  return { deliverWebhook };
}
