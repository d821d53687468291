// Signed operator session cookie. Stateless on purpose: the token names the operator and an expiry; every request
// still checks that the operator exists and is enabled, so disabling an account ends its sessions.
import { signToken, verifyToken } from './signed-token';

const PURPOSE = 'operator-session';
const PREFIX = 'os_';
export const OPERATOR_COOKIE = 'kyc_operator';
export const OPERATOR_SESSION_SECONDS = 12 * 3600;

export interface OperatorSessionClaims {
  sub: string;
  exp: number;
}

export function createOperatorSession(secret: string, username: string, nowMs: number = Date.now()): string {
  const exp = Math.floor(nowMs / 1000) + OPERATOR_SESSION_SECONDS;
  return signToken<OperatorSessionClaims>(secret, PURPOSE, PREFIX, { sub: username, exp });
}

export function verifyOperatorSession(
  secret: string,
  token: string,
  nowMs?: number,
): OperatorSessionClaims | null {
  const claims = verifyToken<OperatorSessionClaims>(secret, PURPOSE, PREFIX, token, nowMs);
  return claims !== null && typeof claims.sub === 'string' ? claims : null;
}

export interface CookieOptions {
  /** Secure cookies only travel over HTTPS; on by default when the public URL is https. */
  secure: boolean;
}

export function sessionCookie(token: string, options: CookieOptions): string {
  const parts = [
    `${OPERATOR_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    // Strict: the console is same-origin, so no cross-site request ever needs to carry the operator's session.
    'SameSite=Strict',
    `Max-Age=${OPERATOR_SESSION_SECONDS}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(options: CookieOptions): string {
  const parts = [`${OPERATOR_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The value of one cookie from a Cookie header; tokens are base64url plus '.' and '_', so no decoding is needed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
