// Rows other tests build on: a tenant and a session with unique ids.
import type { Db } from '../../src/db/database';
import { createSession, ensureTenant, type SessionRecord } from '../../src/db/repositories';
import { workflowIdFor } from '../../src/definitions';
import { uniqueId } from './db';

export async function makeTenant(db: Db): Promise<string> {
  const id = uniqueId('tnt');
  await ensureTenant(db, { id, name: `test ${id}` });
  return id;
}

export async function makeSession(
  db: Db,
  tenantId: string,
  overrides: { idempotencyKey?: string; expiresInSeconds?: number } = {},
): Promise<SessionRecord> {
  const id = uniqueId('ses');
  const { session } = await createSession(db, {
    id,
    tenantId,
    workflowId: workflowIdFor(id),
    expiresAt: new Date(Date.now() + (overrides.expiresInSeconds ?? 3600) * 1000),
    idempotencyKey: overrides.idempotencyKey ?? null,
  });
  return session;
}
