// Liveness and readiness. /healthz answers while the process runs; /readyz only when the database, Temporal and
// the workers (as reported by the process that embeds the API) are all usable, so a load balancer can wait for it.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context';
import { errorBody } from '../errors';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

const CHECK_TIMEOUT_MS = 3000;

async function within(ms: number, check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const checksSchema = { type: 'object', additionalProperties: { type: 'boolean' } } as const;

export default async function healthRoutes(
  fastify: FastifyInstance,
  opts: ApiContext & { readiness?: ReadinessCheck | undefined },
): Promise<void> {
  const { db, temporal } = opts;

  fastify.get('/healthz', {
    schema: {
      tags: ['health'],
      summary: 'Liveness',
      response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
    },
    handler: async () => ({ status: 'ok' }),
  });

  fastify.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: database, Temporal and workers',
      response: {
        200: { type: 'object', properties: { status: { type: 'string' }, checks: checksSchema } },
        503: {
          type: 'object',
          properties: {
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
            checks: checksSchema,
          },
        },
      },
    },
    handler: async (_request, reply) => {
      const [database, temporalOk, workers] = await Promise.all([
        within(CHECK_TIMEOUT_MS, () => sql`select 1`.execute(db)),
        within(CHECK_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({})),
        opts.readiness === undefined
          ? Promise.resolve({})
          : opts.readiness().catch(() => ({ workers: false })),
      ]);
      const checks: Record<string, boolean> = { database, temporal: temporalOk, ...workers };
      const failing = Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([name]) => name);
      if (failing.length === 0) return { status: 'ready', checks };
      return reply.code(503).send({ ...errorBody('NOT_READY', `not ready: ${failing.join(', ')}`), checks });
    },
  });
}
