// Compact HMAC-signed tokens: `<prefix><base64url(json payload)>.<base64url(hmac-sha256)>`.
// Each use (upload tokens, operator sessions) derives its own key from the one secret, so a token minted
// for one purpose can never be replayed as another.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenPayload {
  /** Expiry, seconds since the epoch. */
  exp: number;
}

function derivedKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`kyc-orchestrator:${purpose}`).digest();
}

function signature(secret: string, purpose: string, body: string): Buffer {
  return createHmac('sha256', derivedKey(secret, purpose)).update(body).digest();
}

export function signToken<P extends TokenPayload>(
  secret: string,
  purpose: string,
  prefix: string,
  payload: P,
): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${prefix}${body}.${signature(secret, purpose, body).toString('base64url')}`;
}

/** The payload when the token is well-formed, correctly signed and unexpired; null otherwise (never throws). */
export function verifyToken<P extends TokenPayload>(
  secret: string,
  purpose: string,
  prefix: string,
  token: string,
  nowMs: number = Date.now(),
): P | null {
  if (!token.startsWith(prefix) || token.length > 2048) return null;
  const [body, sig, ...rest] = token.slice(prefix.length).split('.');
  if (body === undefined || sig === undefined || rest.length > 0) return null;
  const expected = signature(secret, purpose, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const exp = (payload as { exp?: unknown }).exp;
  if (typeof exp !== 'number' || exp * 1000 <= nowMs) return null;
  return payload as P;
}
