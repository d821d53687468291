// Tenant webhook settings: one callback URL per tenant and a list of signing secrets (newest first).
// Rotation adds a secret and keeps the old ones signing until the tenant removes them, so a receiver can switch
// secrets without missing or rejecting an event. Full secrets are shown once, when created; later only a hint.
import type { FastifyInstance } from 'fastify';
import { getTenant, setTenantWebhook } from '../../db/repositories/tenants';
import { generateWebhookSecret, MAX_WEBHOOK_SECRETS } from '../../webhooks/secrets';
import { applyWebhookConfig } from '../../webhooks/config';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { tenantOf } from '../guards';
import { errors } from '../schemas';

const tags = ['webhooks'];
const security = [{ apiKey: [] }];

const secretHint = (secret: string): string => `${secret.slice(0, 10)}…${secret.slice(-4)}`;

const settingsSchema = {
  type: 'object',
  properties: {
    url: { type: ['string', 'null'] },
    secrets: {
      type: 'array',
      description: 'Active signing secrets, newest first; n is the index to remove one by.',
      items: { type: 'object', properties: { n: { type: 'integer' }, hint: { type: 'string' } } },
    },
    secret: { type: 'string', description: 'Only in the answer that created it: the full new secret.' },
  },
} as const;

function settings(url: string | null, secrets: string[], created?: string) {
  return {
    url,
    secrets: secrets.map((s, n) => ({ n, hint: secretHint(s) })),
    ...(created !== undefined ? { secret: created } : {}),
  };
}

/** http(s) only, no credentials in the URL (they would be stored and logged with it). */
function validUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiError('VALIDATION_ERROR', 'url must use https (or http for local development)');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ApiError(
      'VALIDATION_ERROR',
      'url must not contain credentials; verify the Kyc-Signature instead',
    );
  }
  return url.toString();
}

export default async function webhookRoutes(fastify: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { db } = ctx;
  const preHandler = ctx.guards.tenant;
  const applied = await applyWebhookConfig(db, ctx.config, ctx.auth.tenantId);
  if (applied?.secretFile) {
    fastify.log.info(
      `WEBHOOK_URL set without WEBHOOK_SECRET: signing secret stored in ${applied.secretFile}`,
    );
  }

  const load = async (tenantId: string) => {
    const tenant = await getTenant(db, tenantId);
    if (tenant === undefined) throw new ApiError('UNAUTHORIZED', 'tenant not found');
    return tenant;
  };

  fastify.get('/v1/webhook', {
    preHandler,
    schema: {
      tags,
      security,
      summary: "The tenant's webhook URL and secret hints",
      response: { 200: settingsSchema, ...errors(401) },
    },
    handler: async (request) => {
      const tenant = await load(tenantOf(request));
      return settings(tenant.webhookUrl, tenant.webhookSecrets);
    },
  });

  fastify.put<{ Body: { url: string } }>('/v1/webhook', {
    preHandler,
    schema: {
      tags,
      security,
      summary: 'Set the callback URL',
      description: 'The first time, a signing secret is created and returned once as `secret`.',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: { url: { type: 'string', minLength: 1, maxLength: 2000 } },
      },
      response: { 200: settingsSchema, ...errors(400, 401) },
    },
    handler: async (request) => {
      const tenant = await load(tenantOf(request));
      const url = validUrl(request.body.url);
      const created = tenant.webhookSecrets.length === 0 ? generateWebhookSecret() : undefined;
      const secrets = created !== undefined ? [created] : tenant.webhookSecrets;
      await setTenantWebhook(db, tenant.id, { url, secrets });
      return settings(url, secrets, created);
    },
  });

  fastify.delete('/v1/webhook', {
    preHandler,
    schema: {
      tags,
      security,
      summary: 'Stop sending webhooks (secrets are kept)',
      response: { 200: settingsSchema, ...errors(401) },
    },
    handler: async (request) => {
      const tenant = await load(tenantOf(request));
      await setTenantWebhook(db, tenant.id, { url: null, secrets: tenant.webhookSecrets });
      return settings(null, tenant.webhookSecrets);
    },
  });

  fastify.post('/v1/webhook/rotate-secret', {
    preHandler,
    schema: {
      tags,
      security,
      summary: 'Add a new signing secret; older ones keep signing until removed',
      description: `Every active secret signs each event (one v1= per secret). At most ${MAX_WEBHOOK_SECRETS} are kept; the oldest beyond that is dropped.`,
      response: { 200: settingsSchema, ...errors(401) },
    },
    handler: async (request) => {
      const tenant = await load(tenantOf(request));
      const created = generateWebhookSecret();
      const secrets = [created, ...tenant.webhookSecrets].slice(0, MAX_WEBHOOK_SECRETS);
      await setTenantWebhook(db, tenant.id, { url: tenant.webhookUrl, secrets });
      return settings(tenant.webhookUrl, secrets, created);
    },
  });

  fastify.delete<{ Params: { n: number } }>('/v1/webhook/secrets/:n', {
    preHandler,
    schema: {
      tags,
      security,
      summary: 'Remove a signing secret by its index (finish a rotation)',
      params: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] },
      response: { 200: settingsSchema, ...errors(400, 401, 404) },
    },
    handler: async (request) => {
      const tenant = await load(tenantOf(request));
      const { n } = request.params;
      if (n >= tenant.webhookSecrets.length) throw new ApiError('NOT_FOUND', `no secret at index ${n}`);
      if (tenant.webhookSecrets.length === 1 && tenant.webhookUrl !== null) {
        throw new ApiError(
          'VALIDATION_ERROR',
          'cannot remove the only secret while a URL is set; rotate first',
        );
      }
      const secrets = tenant.webhookSecrets.filter((_, i) => i !== n);
      await setTenantWebhook(db, tenant.id, { url: tenant.webhookUrl, secrets });
      return settings(tenant.webhookUrl, secrets);
    },
  });
}
