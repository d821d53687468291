// The HTTP API as a Fastify plugin (server.ts is the process). Routes are schema-first: their JSON Schemas validate
// input, shape output and produce the OpenAPI document served at /docs.
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ServiceError } from '@temporalio/client';
import { bootstrapAuth, type AuthBootstrap } from '../auth/bootstrap';
import { LoginThrottle, type ThrottleOptions } from '../auth/login-throttle';
import type { ApiContext, ApiRuntime } from './context';
import { ApiError, errorBody, fromFastifyError, fromUploadError, isUploadError } from './errors';
import { createGuards } from './guards';
import healthRoutes, { type ReadinessCheck } from './routes/health';
import metricsRoutes from './routes/metrics';
import sessionRoutes from './routes/sessions';
import fileRoutes from './routes/files';
import operatorRoutes from './routes/operator';
import operatorAccountRoutes from './routes/operator-accounts';
import captureRoutes from './routes/capture';
import consoleRoutes from './routes/console';
import webhookRoutes from './routes/webhooks';

export interface AppOptions {
  runtime: ApiRuntime;
  /** Worker readiness for /readyz, e.g. { mainWorker: true, faceWorker: true }. */
  readiness?: ReadinessCheck;
  /** Bootstrap result when the caller already ran it (to print credentials); otherwise the app runs it. */
  auth?: AuthBootstrap;
  /** Defaults: KYC_MAIN_TASK_QUEUE / KYC_FACE_TASK_QUEUE. Tests isolate their in-process workers on their own. */
  taskQueues?: { main?: string; faceMatch?: string };
  workflowCallTimeoutMs?: number;
  /** Operator sign-in brake; tests tighten it. */
  loginThrottle?: ThrottleOptions;
}

/**
 * Route plugins of the product surface (console, capture page, webhook settings), registered after the API's own.
 * Each receives the ApiContext as its options. Helper "surface" extends this list.
 */
export const surfaceRoutes: FastifyPluginAsync<ApiContext>[] = [captureRoutes, consoleRoutes, webhookRoutes];

const DEFAULT_WORKFLOW_CALL_TIMEOUT_MS = 30_000;

function temporalUiLink(runtime: ApiRuntime): (workflowId: string) => string | null {
  const { config } = runtime;
  const base =
    config.TEMPORAL_UI_URL ??
    runtime.devServer?.uiUrl ??
    (config.temporalEmbedded ? `http://localhost:${config.TEMPORAL_DEV_UI_PORT}` : null);
  if (base === null || base === undefined) return () => null;
  const ns = encodeURIComponent(config.TEMPORAL_NAMESPACE);
  return (workflowId) =>
    `${base.replace(/\/$/, '')}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`;
}

function toApiError(err: FastifyError | Error): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isUploadError(err)) return fromUploadError(err);
  if (err instanceof ServiceError) {
    return new ApiError('TEMPORAL_UNAVAILABLE', 'Temporal is unavailable; retry the request');
  }
  const fromFastify = fromFastifyError(err as FastifyError);
  if (fromFastify !== undefined) return fromFastify;
  const status = (err as FastifyError).statusCode;
  if (status === 404) return new ApiError('NOT_FOUND', err.message);
  if (status !== undefined && status >= 400 && status < 500)
    return new ApiError('VALIDATION_ERROR', err.message);
  return undefined;
}

function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(err);
  if (apiError === undefined) {
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  }
  if (apiError.statusCode >= 500) request.log.warn({ err }, apiError.message);
  // A refused upload (too large, unauthorized, closed session) is answered before its body is read; closing the
  // connection stops the client sending it, instead of Node reading and discarding up to 50 MB to keep it alive.
  if (!request.raw.complete) reply.header('connection', 'close');
  if (apiError.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(apiError.retryAfterSeconds));
  return reply.code(apiError.statusCode).send(errorBody(apiError.code, apiError.message));
}

export default async function app(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const { runtime } = opts;
  const auth = opts.auth ?? (await bootstrapAuth(runtime.db, runtime.config));
  const ctx: ApiContext = {
    runtime,
    config: runtime.config,
    db: runtime.db,
    blobs: runtime.blobs,
    temporal: runtime.temporal,
    auth,
    guards: createGuards(runtime.db, auth.secret),
    workflowTaskQueue: opts.taskQueues?.main ?? runtime.config.KYC_MAIN_TASK_QUEUE,
    faceMatchTaskQueue: opts.taskQueues?.faceMatch ?? runtime.config.KYC_FACE_TASK_QUEUE,
    workflowCallTimeoutMs: opts.workflowCallTimeoutMs ?? DEFAULT_WORKFLOW_CALL_TIMEOUT_MS,
    temporalUiUrl: temporalUiLink(runtime),
    loginThrottle: new LoginThrottle(opts.loginThrottle),
  };

  fastify.decorateRequest('principal', null);
  fastify.setErrorHandler(errorHandler);
  fastify.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await fastify.register(swagger, {
    openapi: {
      info: {
        title: 'kyc-orchestrator API',
        version: '1',
        description:
          'KYC face verification sessions. Errors are {"error":{"code","message"}} with stable codes.',
      },
      servers: [{ url: runtime.config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Tenant API key' },
          uploadToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'Upload token scoped to one session (ut_…)',
          },
          operatorCookie: { type: 'apiKey', in: 'cookie', name: 'kyc_operator' },
        },
      },
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });

  await fastify.register(healthRoutes, { ...ctx, readiness: opts.readiness });
  await fastify.register(metricsRoutes, ctx);
  await fastify.register(sessionRoutes, ctx);
  await fastify.register(fileRoutes, ctx);
  await fastify.register(operatorRoutes, ctx);
  await fastify.register(operatorAccountRoutes, ctx);
  for (const routes of surfaceRoutes) await fastify.register(routes, ctx);
}

export interface BuildAppOptions extends AppOptions {
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { logger = false, ...appOptions } = options;
  const fastify = Fastify({
    logger,
    // Unknown fields are an error, not silently dropped: a misspelt option should never pass unnoticed.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  await fastify.register(app, appOptions);
  return fastify;
}
