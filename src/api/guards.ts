// Authentication as preHandler hooks. Three principals, never interchangeable: a tenant (API key), an applicant
// (upload token, one session) and an operator (signed cookie). Each route states which it accepts.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/database';
import { findTenantByApiKeyHash } from '../db/repositories/tenants';
import { findOperatorByUsername } from '../db/repositories/operators';
import { getSession, type SessionRecord } from '../db/repositories/sessions';
import { hashApiKey } from '../auth/api-keys';
import { UPLOAD_TOKEN_PREFIX, verifyUploadToken } from '../auth/upload-token';
import { OPERATOR_COOKIE, readCookie, verifyOperatorSession } from '../auth/operator-session';
import { ApiError } from './errors';

export type Principal =
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'upload'; sessionId: string }
  | { kind: 'operator'; username: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Guards {
  tenant(request: FastifyRequest): Promise<void>;
  tenantOrUploadToken(request: FastifyRequest): Promise<void>;
  operator(request: FastifyRequest): Promise<void>;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const unauthorized = (message: string) => new ApiError('UNAUTHORIZED', message);

export function createGuards(db: Db, secret: string): Guards {
  const tenantFromKey = async (key: string): Promise<Principal> => {
    const found = await findTenantByApiKeyHash(db, hashApiKey(key));
    if (found === undefined) throw unauthorized('unknown or revoked API key');
    return { kind: 'tenant', tenantId: found.tenant.id };
  };

  return {
    async tenant(request) {
      const token = bearer(request);
      if (token === undefined) throw unauthorized('send the API key as Authorization: Bearer <key>');
      if (token.startsWith(UPLOAD_TOKEN_PREFIX))
        throw unauthorized('an upload token cannot be used on this route');
      request.principal = await tenantFromKey(token);
    },

    async tenantOrUploadToken(request) {
      const token = bearer(request);
      if (token === undefined)
        throw unauthorized('send an API key or upload token as Authorization: Bearer <token>');
      if (!token.startsWith(UPLOAD_TOKEN_PREFIX)) {
        request.principal = await tenantFromKey(token);
        return;
      }
      const claims = verifyUploadToken(secret, token);
      if (claims === null) throw unauthorized('upload token is invalid or expired');
      request.principal = { kind: 'upload', sessionId: claims.sid };
    },

    async operator(request) {
      const token = readCookie(request.headers.cookie, OPERATOR_COOKIE);
      if (token === undefined) throw unauthorized('sign in to the operator console first');
      const claims = verifyOperatorSession(secret, token);
      if (claims === null) throw unauthorized('operator session is invalid or expired; sign in again');
      const operator = await findOperatorByUsername(db, claims.sub);
      if (operator === undefined) throw unauthorized('operator account is unknown or disabled');
      request.principal = { kind: 'operator', username: operator.username };
    },
  };
}

/**
 * The session the request may act on. Another tenant's session is reported as not found (its existence is not
 * ours to reveal); an upload token for a different session is refused outright.
 */
export async function sessionForPrincipal(
  db: Db,
  request: FastifyRequest,
  id: string,
): Promise<SessionRecord> {
  const principal = request.principal;
  if (principal === null) throw unauthorized('not authenticated');
  if (principal.kind === 'upload' && principal.sessionId !== id) {
    throw unauthorized('this upload token belongs to another session');
  }
  const tenantId = principal.kind === 'tenant' ? principal.tenantId : undefined;
  const session = await getSession(db, id, tenantId);
  if (session === undefined) throw new ApiError('SESSION_NOT_FOUND', `session ${id} not found`);
  return session;
}

export function tenantOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'tenant') throw unauthorized('this route needs a tenant API key');
  return principal.tenantId;
}

export function operatorOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'operator') throw unauthorized('this route needs an operator session');
  return principal.username;
}
