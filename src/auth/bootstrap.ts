// First-start setup of the embedded default: tenant `default`, its API key, the signing secret and the operator
// `admin`. Values come from the environment when set, else are generated once and kept in the data directory.
import path from 'node:path';
import type { Config } from '../config';
import type { Db } from '../db/database';
import { ensureTenant, insertApiKey } from '../db/repositories/tenants';
import { findOperatorByUsername, insertOperator, setOperatorPassword } from '../db/repositories/operators';
import { apiKeyIdFor, generateApiKey, hashApiKey } from './api-keys';
import { hashPassword, verifyPassword } from './passwords';
import { randomToken, readOrCreateSecretFile } from './secret-files';

export const DEFAULT_TENANT_ID = 'default';
export const DEFAULT_OPERATOR = 'admin';
const BOOTSTRAP_LABEL = 'bootstrap';

export type CredentialSource = 'env' | 'generated' | 'file';

export interface AuthBootstrap {
  tenantId: string;
  /** Signs upload tokens and operator session cookies. */
  secret: string;
  apiKey: { value: string; source: CredentialSource };
  /** password is null when the operator already existed with a password this process does not know. */
  operator: { username: string; password: string | null; source: CredentialSource };
}

type BootstrapConfig = Pick<Config, 'dataDir' | 'KYC_API_KEY' | 'KYC_SECRET' | 'KYC_OPERATOR_PASSWORD'>;

async function fromEnvOrFile(
  envValue: string | undefined,
  file: string,
  generate: () => string,
): Promise<{ value: string; source: CredentialSource }> {
  if (envValue !== undefined) return { value: envValue, source: 'env' };
  const stored = await readOrCreateSecretFile(file, generate);
  return { value: stored.value, source: stored.created ? 'generated' : 'file' };
}

export async function bootstrapAuth(db: Db, config: BootstrapConfig): Promise<AuthBootstrap> {
  await ensureTenant(db, { id: DEFAULT_TENANT_ID, name: 'Default tenant' });
  const secret = await fromEnvOrFile(config.KYC_SECRET, path.join(config.dataDir, 'secret'), () =>
    randomToken(32),
  );
  const apiKey = await fromEnvOrFile(
    config.KYC_API_KEY,
    path.join(config.dataDir, 'api-key'),
    generateApiKey,
  );
  await installBootstrapKey(db, apiKey.value, apiKey.source === 'env');
  const operator = await bootstrapOperator(db, config);
  return { tenantId: DEFAULT_TENANT_ID, secret: secret.value, apiKey, operator };
}

/**
 * A configured KYC_API_KEY is authoritative: rotating it revokes the previous bootstrap key. Generated keys revoke
 * nothing, so API processes that share a database but not a data directory each keep a working key.
 */
async function installBootstrapKey(db: Db, key: string, revokeOthers: boolean): Promise<void> {
  const keyHash = hashApiKey(key);
  await insertApiKey(db, { id: apiKeyIdFor(key), tenantId: DEFAULT_TENANT_ID, key, label: BOOTSTRAP_LABEL });
  await db.updateTable('api_keys').set({ revoked_at: null }).where('key_hash', '=', keyHash).execute();
  if (!revokeOthers) return;
  await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', DEFAULT_TENANT_ID)
    .where('label', '=', BOOTSTRAP_LABEL)
    .where('key_hash', '!=', keyHash)
    .where('revoked_at', 'is', null)
    .execute();
}

async function bootstrapOperator(db: Db, config: BootstrapConfig): Promise<AuthBootstrap['operator']> {
  const username = DEFAULT_OPERATOR;
  const password = await fromEnvOrFile(
    config.KYC_OPERATOR_PASSWORD,
    path.join(config.dataDir, 'operator-password'),
    () => randomToken(12),
  );
  const existing = await findOperatorByUsername(db, username);
  if (existing === undefined) {
    const hash = await hashPassword(password.value);
    const inserted = await insertOperator(db, { id: `op_${username}`, username, passwordHash: hash });
    if (inserted) return { username, password: password.value, source: password.source };
  }
  const current = existing ?? (await findOperatorByUsername(db, username));
  if (current !== undefined && (await verifyPassword(password.value, current.passwordHash))) {
    return { username, password: password.value, source: password.source };
  }
  // KYC_OPERATOR_PASSWORD is authoritative; a generated file is not (another process may own the account).
  if (password.source === 'env') {
    await setOperatorPassword(db, username, await hashPassword(password.value));
    return { username, password: password.value, source: password.source };
  }
  return { username, password: null, source: password.source };
}
