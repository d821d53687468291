// Tenant API: create, read, list and cancel KYC sessions.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isTerminal, workflowIdFor, type SessionStatus } from '../../definitions';
import type { Db } from '../../db/database';
import {
  getSessionByIdempotencyKey,
  toSessionRecord,
  type SessionRecord,
} from '../../db/repositories/sessions';
import { InvalidCursorError, listSessions } from '../../db/repositories/session-list';
import { createUploadToken } from '../../auth/upload-token';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { sessionForPrincipal, tenantOf } from '../guards';
import { errors, listQuerySchema, sessionIdParam, sessionListSchema, sessionSchema } from '../schemas';
import { sessionDetail, sessionSummary } from '../views';
import { cancelSession, ensureWorkflowStarted } from '../workflow-calls';

interface CreateBody {
  expiresInSeconds?: number;
  reference?: string;
}

const newSessionId = (): string => `ses_${randomBytes(12).toString('hex')}`;

export const createdSessionSchema = {
  ...sessionSchema,
  properties: {
    ...sessionSchema.properties,
    captureUrl: {
      type: 'string',
      description: 'Page for the applicant; carries the upload token in its fragment.',
    },
    uploadToken: {
      type: 'string',
      description: 'Scoped to this session; send as Authorization: Bearer <token>.',
    },
  },
} as const;

/** The row is written with the creation time used for the deadline, so a replay can be compared exactly. */
async function insertSession(
  db: Db,
  input: { tenantId: string; body: CreateBody; ttlSeconds: number; idempotencyKey: string | null },
): Promise<{ session: SessionRecord; created: boolean }> {
  const id = newSessionId();
  const now = new Date();
  const row = await db
    .insertInto('sessions')
    .values({
      id,
      tenant_id: input.tenantId,
      workflow_id: workflowIdFor(id),
      status: 'awaiting_files',
      expires_at: new Date(now.getTime() + input.ttlSeconds * 1000),
      idempotency_key: input.idempotencyKey,
      reference: input.body.reference ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row !== undefined) return { session: toSessionRecord(row), created: true };
  const existing = await getSessionByIdempotencyKey(db, input.tenantId, input.idempotencyKey ?? '');
  if (existing === undefined) throw new Error(`idempotent insert of ${id} conflicted but found no session`);
  return { session: existing, created: false };
}

function sameRequest(session: SessionRecord, body: CreateBody, ttlSeconds: number): boolean {
  const storedTtl = Math.round((session.expiresAt.getTime() - session.createdAt.getTime()) / 1000);
  return storedTtl === ttlSeconds && session.reference === (body.reference ?? null);
}

export default async function sessionRoutes(fastify: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { config, db, guards } = ctx;

  const created = (session: SessionRecord) => ({
    ...sessionSummary(session, ctx),
    files: {},
    inferenceRuns: { completed: 0, failed: 0, died: 0, running: 0 },
    captureUrl: '',
    uploadToken: '',
  });

  fastify.post<{ Body: CreateBody; Headers: { 'idempotency-key'?: string } }>('/v1/sessions', {
    preHandler: guards.tenant,
    schema: {
      tags: ['sessions'],
      summary: 'Create a KYC session',
      description:
        'Starts the session workflow and returns an upload token and capture link for the applicant. ' +
        'With an Idempotency-Key, a retry returns the same session (200) instead of creating another.',
      security: [{ apiKey: [] }],
      headers: {
        type: 'object',
        properties: {
          'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      },
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          expiresInSeconds: { type: 'integer', minimum: 1, maximum: config.KYC_MAX_SESSION_TTL_SECONDS },
          reference: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
            description: 'Your own id for this applicant.',
          },
        },
      },
      response: { 200: createdSessionSchema, 201: createdSessionSchema, ...errors(400, 401, 409, 503) },
    },
    handler: async (request, reply) => {
      const tenantId = tenantOf(request);
      const body = request.body ?? {};
      const ttlSeconds = body.expiresInSeconds ?? config.KYC_SESSION_TTL_SECONDS;
      const idempotencyKey = request.headers['idempotency-key'] ?? null;
      const result = await insertSession(db, { tenantId, body, ttlSeconds, idempotencyKey });
      if (!result.created && !sameRequest(result.session, body, ttlSeconds)) {
        throw new ApiError(
          'IDEMPOTENCY_CONFLICT',
          'this Idempotency-Key was used with a different request body',
        );
      }
      // Also on a replay: the first request may have died between the insert and the start.
      if (!isTerminal(result.session.status)) await ensureWorkflowStarted(ctx, result.session);
      const uploadToken = createUploadToken(ctx.auth.secret, result.session.id, result.session.expiresAt);
      const captureUrl = `${config.publicUrl}/capture/${result.session.id}#token=${uploadToken}`;
      if (!result.created) reply.header('idempotent-replayed', 'true');
      reply.header('location', `/v1/sessions/${result.session.id}`);
      const view = result.created ? created(result.session) : await sessionDetail(db, result.session, ctx);
      return reply.code(result.created ? 201 : 200).send({ ...view, captureUrl, uploadToken });
    },
  });

  fastify.get<{ Params: { id: string } }>('/v1/sessions/:id', {
    preHandler: guards.tenantOrUploadToken,
    schema: {
      tags: ['sessions'],
      summary: 'Read a session',
      description: 'Accepts the tenant API key or the session’s own upload token.',
      security: [{ apiKey: [] }, { uploadToken: [] }],
      params: { type: 'object', properties: { id: sessionIdParam }, required: ['id'] },
      response: { 200: sessionSchema, ...errors(401, 404) },
    },
    handler: async (request) => {
      const session = await sessionForPrincipal(db, request, request.params.id);
      const detail = await sessionDetail(db, session, ctx);
      // The applicant's page needs the outcome, not the tenant's internals.
      if (request.principal?.kind === 'upload') return { ...detail, reference: null, temporalUiUrl: null };
      return detail;
    },
  });

  fastify.get<{ Querystring: { status?: SessionStatus; limit: number; cursor?: string } }>('/v1/sessions', {
    preHandler: guards.tenant,
    schema: {
      tags: ['sessions'],
      summary: 'List sessions, newest first',
      description:
        'Keyset pagination: pass nextCursor as cursor for the next page; null means the last page.',
      security: [{ apiKey: [] }],
      querystring: listQuerySchema,
      response: { 200: sessionListSchema, ...errors(400, 401) },
    },
    handler: async (request) => {
      const { status, limit, cursor } = request.query;
      try {
        const page = await listSessions(db, {
          tenantId: tenantOf(request),
          limit,
          ...(status !== undefined ? { status } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        });
        return { items: page.items.map((s) => sessionSummary(s, ctx)), nextCursor: page.nextCursor };
      } catch (err) {
        if (err instanceof InvalidCursorError)
          throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API issued');
        throw err;
      }
    },
  });

  fastify.delete<{ Params: { id: string } }>('/v1/sessions/:id', {
    preHandler: guards.tenant,
    schema: {
      tags: ['sessions'],
      summary: 'Cancel a session',
      description:
        'Asks the workflow to cancel; the status becomes canceled shortly after. Closed sessions: 409.',
      security: [{ apiKey: [] }],
      params: { type: 'object', properties: { id: sessionIdParam }, required: ['id'] },
      response: {
        202: {
          type: 'object',
          properties: { id: { type: 'string' }, status: { type: 'string', enum: ['canceling'] } },
        },
        ...errors(401, 404, 409, 503),
      },
    },
    handler: async (request, reply) => {
      const session = await sessionForPrincipal(db, request, request.params.id);
      if (isTerminal(session.status)) throw closed(session);
      const outcome = await cancelSession(ctx, session);
      if (outcome === 'closed') throw closed(session);
      return reply.code(202).send({ id: session.id, status: 'canceling' });
    },
  });
}

function closed(session: SessionRecord): ApiError {
  return new ApiError('SESSION_CLOSED', `session ${session.id} is already closed`);
}
