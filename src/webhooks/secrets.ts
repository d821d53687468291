import { randomBytes } from 'node:crypto';

/** Rotation keeps the new secret plus the ones not yet removed; a bound keeps signing cost and headers small. */
export const MAX_WEBHOOK_SECRETS = 5;

/** `whsec_` + 32 random bytes: recognisable in config files and secret scanners. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
