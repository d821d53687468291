// WEBHOOK_URL / WEBHOOK_SECRET: the embedded default's tenant webhook from the environment, applied when the API
// starts. The environment's secret is put first (it signs); secrets added through the API keep signing until
// removed, so switching WEBHOOK_SECRET is a rotation, not a gap.
import path from 'node:path';
import type { Config } from '../config';
import type { Db } from '../db/database';
import { getTenant, setTenantWebhook } from '../db/repositories/tenants';
import { readOrCreateSecretFile } from '../auth/secret-files';
import { generateWebhookSecret, MAX_WEBHOOK_SECRETS } from './secrets';

type WebhookConfig = Pick<Config, 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'dataDir'>;

export interface AppliedWebhookConfig {
  url: string;
  /** Where a generated secret was stored, when WEBHOOK_SECRET was not set. */
  secretFile: string | null;
}

export async function applyWebhookConfig(
  db: Db,
  config: WebhookConfig,
  tenantId: string,
): Promise<AppliedWebhookConfig | null> {
  if (config.WEBHOOK_URL === undefined) return null;
  let url: string;
  try {
    url = new URL(config.WEBHOOK_URL).toString();
  } catch {
    throw new Error(`WEBHOOK_URL is not an absolute URL: ${config.WEBHOOK_URL}`);
  }
  const tenant = await getTenant(db, tenantId);
  if (tenant === undefined) throw new Error(`tenant ${tenantId} not found for WEBHOOK_URL`);
  let secret = config.WEBHOOK_SECRET;
  let secretFile: string | null = null;
  if (secret === undefined && tenant.webhookSecrets.length === 0) {
    secretFile = path.join(config.dataDir, 'webhook-secret');
    secret = (await readOrCreateSecretFile(secretFile, generateWebhookSecret)).value;
  }
  const others = tenant.webhookSecrets.filter((s) => s !== secret);
  const secrets = (secret === undefined ? others : [secret, ...others]).slice(0, MAX_WEBHOOK_SECRETS);
  await setTenantWebhook(db, tenantId, { url, secrets });
  return { url, secretFile };
}
