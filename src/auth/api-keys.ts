// Tenant API keys: high-entropy random strings, stored only as sha256 digests.
import { hashApiKey } from '../db/repositories/tenants';
import { randomToken } from './secret-files';

export const API_KEY_PREFIX = 'kyc_sk_';

export const generateApiKey = (): string => `${API_KEY_PREFIX}${randomToken(32)}`;

/** Deterministic id from the digest, so bootstrapping the same key twice names the same row. */
export const apiKeyIdFor = (key: string): string => `key_${hashApiKey(key).slice(0, 16)}`;

export { hashApiKey };
