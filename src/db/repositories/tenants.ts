// Tenants and their API keys. Keys are stored as sha256 digests only; lookup is by digest.
import { createHash } from 'node:crypto';
import type { Db } from '../database';

export interface TenantRecord {
  id: string;
  name: string;
  webhookUrl: string | null;
  /** Newest first. */
  webhookSecrets: string[];
  createdAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  prefix: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Creates the tenant if missing; an existing tenant is left as it is. */
export async function ensureTenant(db: Db, tenant: { id: string; name: string }): Promise<TenantRecord> {
  await db
    .insertInto('tenants')
    .values({ id: tenant.id, name: tenant.name, webhook_secrets: JSON.stringify([]) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const found = await getTenant(db, tenant.id);
  if (found === undefined) throw new Error(`tenant ${tenant.id} vanished after insert`);
  return found;
}

export async function getTenant(db: Db, id: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    name: row.name,
    webhookUrl: row.webhook_url,
    webhookSecrets: row.webhook_secrets,
    createdAt: row.created_at,
  };
}

export async function setTenantWebhook(
  db: Db,
  tenantId: string,
  webhook: { url: string | null; secrets: string[] },
): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ webhook_url: webhook.url, webhook_secrets: JSON.stringify(webhook.secrets) })
    .where('id', '=', tenantId)
    .execute();
}

/** Stores a key's digest. Idempotent on the digest, so bootstrapping the same KYC_API_KEY twice is harmless. */
export async function insertApiKey(
  db: Db,
  input: { id: string; tenantId: string; key: string; label?: string },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: input.id,
      tenant_id: input.tenantId,
      key_hash: hashApiKey(input.key),
      prefix: input.key.slice(0, 8),
      label: input.label ?? '',
    })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
}

/** The tenant a presented key belongs to, or undefined for unknown and revoked keys. */
export async function findTenantByApiKeyHash(
  db: Db,
  keyHash: string,
): Promise<{ apiKey: ApiKeyRecord; tenant: TenantRecord } | undefined> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select([
      'k.id as key_id',
      'k.prefix',
      'k.label',
      'k.created_at as key_created_at',
      'k.revoked_at',
      't.id as tenant_id',
      't.name',
      't.webhook_url',
      't.webhook_secrets',
      't.created_at as tenant_created_at',
    ])
    .where('k.key_hash', '=', keyHash)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    apiKey: {
      id: row.key_id,
      tenantId: row.tenant_id,
      prefix: row.prefix,
      label: row.label,
      createdAt: row.key_created_at,
      revokedAt: row.revoked_at,
    },
    tenant: {
      id: row.tenant_id,
      name: row.name,
      webhookUrl: row.webhook_url,
      webhookSecrets: row.webhook_secrets,
      createdAt: row.tenant_created_at,
    },
  };
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
