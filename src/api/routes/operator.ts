// Operator API behind the console: sign-in with a signed HttpOnly cookie, every tenant's sessions, manual review
// and the stored images. The tenant API key is never accepted here, and the operator cookie never on tenant routes.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { SessionStatus } from '../../definitions';
import { getSession } from '../../db/repositories/sessions';
import { listFiles } from '../../db/repositories/files';
import { getReview } from '../../db/repositories/reviews';
import { listWebhookDeliveries } from '../../db/repositories/webhook-deliveries';
import { findOperatorByUsername } from '../../db/repositories/operators';
import { InvalidCursorError } from '../../db/repositories/session-list';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords';
import { clearedSessionCookie, createOperatorSession, sessionCookie } from '../../auth/operator-session';
import { sniffMediaType, SNIFF_BYTES } from '../../face/media-type';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { operatorOf } from '../guards';
import { errors, listQuerySchema, sessionIdParam, sessionSchema } from '../schemas';
import { faceMatchRows, inferenceRunRows, listAllSessions, uploadedMediaType } from '../operator-queries';
import { fileView, sessionDetail, sessionSummary } from '../views';
import { submitReview } from '../workflow-calls';

const operatorSchema = { type: 'object', properties: { username: { type: 'string' } } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

const operatorSessionSchema = {
  ...sessionSchema,
  properties: {
    ...sessionSchema.properties,
    tenantId: { type: 'string' },
    workflowId: { type: 'string' },
    allFiles: {
      type: 'array',
      description: 'Every accepted upload, oldest first (replaced ones included).',
      items: { type: 'object', additionalProperties: true },
    },
    faceMatches: { type: 'array', items: anyObject },
    inferenceLedger: { type: 'array', items: anyObject },
    review: { type: ['object', 'null'], additionalProperties: true },
    webhookDeliveries: { type: 'array', items: anyObject },
  },
} as const;

const listItem = {
  type: 'object',
  properties: { ...sessionSchema.properties, tenantId: { type: 'string' } },
} as const;

async function readHead(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= SNIFF_BYTES) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

export default async function operatorRoutes(fastify: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { db, guards, blobs } = ctx;
  const cookieOptions = { secure: ctx.config.publicUrl.startsWith('https://') };
  const tags = ['operator'];
  const security = [{ operatorCookie: [] }];

  fastify.post<{ Body: { username: string; password: string } }>('/v1/operator/login', {
    schema: {
      tags,
      summary: 'Sign in as an operator',
      description: 'Sets the HttpOnly session cookie kyc_operator (12 hours).',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 100 },
          password: { type: 'string', minLength: 1, maxLength: 1000 },
        },
      },
      response: { 200: operatorSchema, ...errors(400, 401, 429) },
    },
    handler: async (request, reply) => {
      const { username, password } = request.body;
      // Keyed by username and address together: guessing is slowed without letting anyone lock others out.
      const keys = [`${username.toLowerCase()}|${request.ip}`];
      const wait = ctx.loginThrottle.retryAfterSeconds(keys);
      if (wait > 0)
        throw new ApiError('TOO_MANY_ATTEMPTS', `too many failed sign-ins; retry in ${wait} s`, wait);
      const operator = await findOperatorByUsername(db, username);
      const ok =
        operator === undefined
          ? await verifyAgainstDummy(password)
          : await verifyPassword(password, operator.passwordHash);
      if (!ok || operator === undefined) {
        ctx.loginThrottle.recordFailure(keys);
        throw new ApiError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      ctx.loginThrottle.recordSuccess(keys);
      reply.header(
        'set-cookie',
        sessionCookie(createOperatorSession(ctx.auth.secret, operator.username), cookieOptions),
      );
      return { username: operator.username };
    },
  });

  fastify.post('/v1/operator/logout', {
    schema: { tags, summary: 'Sign out', response: { 204: { type: 'null' } } },
    handler: async (_request, reply) => {
      reply.header('set-cookie', clearedSessionCookie(cookieOptions));
      return reply.code(204).send();
    },
  });

  fastify.get('/v1/operator/me', {
    preHandler: guards.operator,
    schema: {
      tags,
      summary: 'The signed-in operator',
      security,
      response: { 200: operatorSchema, ...errors(401) },
    },
    handler: async (request) => ({ username: operatorOf(request) }),
  });

  fastify.get<{ Querystring: { status?: SessionStatus; q?: string; limit: number; cursor?: string } }>(
    '/v1/operator/sessions',
    {
      preHandler: guards.operator,
      schema: {
        tags,
        summary: 'Sessions of every tenant, newest first',
        description: 'q matches a session id or tenant id exactly, or a reference by substring.',
        security,
        querystring: {
          ...listQuerySchema,
          properties: { ...listQuerySchema.properties, q: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: listItem },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...errors(400, 401),
        },
      },
      handler: async (request) => {
        const { status, q, limit, cursor } = request.query;
        try {
          const page = await listAllSessions(db, {
            limit,
            ...(status !== undefined ? { status } : {}),
            ...(q !== undefined ? { q: q.trim() } : {}),
            ...(cursor !== undefined ? { cursor } : {}),
          });
          const items = page.items.map((s) => ({ ...sessionSummary(s, ctx), tenantId: s.tenantId }));
          return { items, nextCursor: page.nextCursor };
        } catch (err) {
          if (err instanceof InvalidCursorError)
            throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API issued');
          throw err;
        }
      },
    },
  );

  const loadSession = async (id: string) => {
    const session = await getSession(db, id);
    if (session === undefined) throw new ApiError('SESSION_NOT_FOUND', `session ${id} not found`);
    return session;
  };

  const fullSession = async (id: string) => {
    const session = await loadSession(id);
    const [detail, files, faceMatches, inferenceLedger, review, webhookDeliveries] = await Promise.all([
      sessionDetail(db, session, ctx),
      listFiles(db, id),
      faceMatchRows(db, id),
      inferenceRunRows(db, id),
      getReview(db, id),
      listWebhookDeliveries(db, id),
    ]);
    return {
      ...detail,
      tenantId: session.tenantId,
      workflowId: session.workflowId,
      allFiles: files.map(fileView),
      faceMatches,
      inferenceLedger,
      review: review === undefined ? null : { ...review, createdAt: review.createdAt.toISOString() },
      webhookDeliveries: webhookDeliveries.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    };
  };

  fastify.get<{ Params: { id: string } }>('/v1/operator/sessions/:id', {
    preHandler: guards.operator,
    schema: {
      tags,
      summary: 'A session with files, face-match results, inference ledger, review and webhook deliveries',
      security,
      params: { type: 'object', properties: { id: sessionIdParam }, required: ['id'] },
      response: { 200: operatorSessionSchema, ...errors(401, 404) },
    },
    handler: async (request) => fullSession(request.params.id),
  });

  fastify.post<{ Params: { id: string }; Body: { decision: 'approve' | 'decline'; comment: string } }>(
    '/v1/operator/sessions/:id/review',
    {
      preHandler: guards.operator,
      schema: {
        tags,
        summary: 'Approve or decline a session in needs_review',
        description: 'Audited: the reviewer is the signed-in operator. Answers once the outcome is recorded.',
        security,
        params: { type: 'object', properties: { id: sessionIdParam }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision', 'comment'],
          properties: {
            decision: { type: 'string', enum: ['approve', 'decline'] },
            comment: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
          },
        },
        response: { 200: operatorSessionSchema, ...errors(400, 401, 404, 409, 410, 503) },
      },
      handler: async (request) => {
        const session = await loadSession(request.params.id);
        const { decision, comment } = request.body;
        await submitReview(ctx, session, {
          decision,
          comment: comment.trim(),
          reviewer: operatorOf(request),
        });
        return fullSession(session.id);
      },
    },
  );

  fastify.get<{ Params: { sha256: string } }>('/v1/operator/blobs/:sha256', {
    preHandler: guards.operator,
    schema: {
      tags,
      summary: 'A stored ID image, best selfie frame or video, by digest',
      security,
      params: {
        type: 'object',
        properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        required: ['sha256'],
      },
      response: { ...errors(401, 404) },
    },
    handler: async (request, reply) => {
      const { sha256 } = request.params;
      const key = `sha256/${sha256.slice(0, 2)}/${sha256}`;
      if (!(await blobs.exists(key)))
        throw new ApiError('BLOB_NOT_FOUND', `no stored file with digest ${sha256}`);
      const mediaType =
        (await uploadedMediaType(db, sha256)) ??
        sniffMediaType(await readHead(await blobs.open(key)))?.mediaType;
      return reply
        .header('content-type', mediaType ?? 'application/octet-stream')
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        .send(await blobs.open(key));
    },
  });
}
