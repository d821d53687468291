// Upload tokens let an applicant's browser act on exactly one session without ever seeing the tenant's API key.
import { signToken, verifyToken } from './signed-token';

const PURPOSE = 'upload-token';
export const UPLOAD_TOKEN_PREFIX = 'ut_';

export interface UploadTokenClaims {
  /** Session id the token is scoped to. */
  sid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Uploads after the session's deadline are refused by the session itself; the token outlives the deadline by
 * this grace so the capture page can still read the outcome of a file sent in the last minute.
 */
export const UPLOAD_TOKEN_GRACE_SECONDS = 15 * 60;

export function createUploadToken(secret: string, sessionId: string, sessionExpiresAt: Date): string {
  const exp = Math.ceil(sessionExpiresAt.getTime() / 1000) + UPLOAD_TOKEN_GRACE_SECONDS;
  return signToken<UploadTokenClaims>(secret, PURPOSE, UPLOAD_TOKEN_PREFIX, { sid: sessionId, exp });
}

export function verifyUploadToken(secret: string, token: string, nowMs?: number): UploadTokenClaims | null {
  const claims = verifyToken<UploadTokenClaims>(secret, PURPOSE, UPLOAD_TOKEN_PREFIX, token, nowMs);
  return claims !== null && typeof claims.sid === 'string' ? claims : null;
}
