// Tenant webhook settings through the HTTP API: set the URL (first secret shown once), rotate (old secrets keep
// signing), remove a secret to finish the rotation. A tenant of its own, so no other test's settings change.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app';
import { apiKeyIdFor, generateApiKey } from '../../../src/auth/api-keys';
import { loadConfig } from '../../../src/config';
import { ensureTenant, getTenant, insertApiKey } from '../../../src/db/repositories/tenants';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { applyWebhookConfig } from '../../../src/webhooks/config';
import { openTestDb, uniqueId, type TestDb } from '../../helpers/db';

interface Settings {
  url: string | null;
  secrets: Array<{ n: number; hint: string }>;
  secret?: string;
}

void describe('webhook settings API', () => {
  let tdb: TestDb;
  let app: FastifyInstance;
  let connection: Connection;
  let dataDir: string;
  const tenantId = uniqueId('tenant_wh');
  const apiKey = generateApiKey();

  before(async () => {
    tdb = await openTestDb();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-wh-routes-'));
    await ensureTenant(tdb.db, { id: tenantId, name: tenantId });
    await insertApiKey(tdb.db, { id: apiKeyIdFor(apiKey), tenantId, key: apiKey, label: 'test' });
    // Lazy: these routes never call Temporal, so no server is needed for this file.
    connection = Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const config = loadConfig({ ...process.env, KYC_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    app = await buildApp({
      runtime: {
        config,
        db: tdb.db,
        blobs: new LocalBlobStore(path.join(dataDir, 'blobs')),
        temporal: new Client({ connection }),
      },
    });
  });

  after(async () => {
    await app.close();
    await connection.close();
    await tdb.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    key = apiKey,
  ) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json<Settings & { error?: { code: string } }>() };
  };

  void test('setting, rotating and removing secrets', async () => {
    assert.deepEqual((await call('GET', '/v1/webhook')).body, { url: null, secrets: [] });

    const set = await call('PUT', '/v1/webhook', { url: 'https://hooks.example.com/kyc' });
    assert.equal(set.status, 200);
    const first = set.body.secret as string;
    assert.match(first, /^whsec_/);
    assert.equal(set.body.secrets.length, 1);
    assert.ok(!set.body.secrets[0]?.hint.includes(first.slice(12, -4)), 'later answers show only a hint');

    const again = await call('PUT', '/v1/webhook', { url: 'https://hooks.example.com/kyc2' });
    assert.equal(again.body.secret, undefined, 'an existing secret is never shown again');

    const rotated = await call('POST', '/v1/webhook/rotate-secret');
    const second = rotated.body.secret as string;
    assert.notEqual(second, first);
    assert.deepEqual(
      (await getTenant(tdb.db, tenantId))?.webhookSecrets,
      [second, first],
      'both sign during rotation',
    );

    const removed = await call('DELETE', '/v1/webhook/secrets/1');
    assert.equal(removed.status, 200);
    assert.deepEqual((await getTenant(tdb.db, tenantId))?.webhookSecrets, [second]);

    const last = await call('DELETE', '/v1/webhook/secrets/0');
    assert.equal(last.status, 400, 'the only secret cannot go while a URL is set');
    assert.equal((await call('DELETE', '/v1/webhook/secrets/7')).status, 404);
  });

  void test('bad URLs and missing keys are refused with stable codes', async () => {
    for (const url of ['not a url', 'ftp://example.com/x', 'https://user:pw@example.com/x']) {
      const res = await call('PUT', '/v1/webhook', { url });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error?.code, 'VALIDATION_ERROR');
    }
    const anonymous = await app.inject({ method: 'GET', url: '/v1/webhook' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((await call('GET', '/v1/webhook', undefined, 'ut_not.valid')).status, 401);
  });

  void test('WEBHOOK_URL/WEBHOOK_SECRET from the environment: the env secret signs first, API secrets stay', async () => {
    const id = uniqueId('tenant_whenv');
    await ensureTenant(tdb.db, { id, name: id });
    const base = { dataDir, WEBHOOK_URL: 'https://hooks.example.com/env' };
    const generated = await applyWebhookConfig(tdb.db, { ...base, WEBHOOK_SECRET: undefined }, id);
    assert.equal(generated?.secretFile, path.join(dataDir, 'webhook-secret'));
    const [stored] = (await getTenant(tdb.db, id))?.webhookSecrets ?? [];
    assert.match(String(stored), /^whsec_/);
    await applyWebhookConfig(tdb.db, { ...base, WEBHOOK_SECRET: 'whsec_from_env' }, id);
    const tenant = await getTenant(tdb.db, id);
    assert.equal(tenant?.webhookUrl, 'https://hooks.example.com/env');
    assert.deepEqual(tenant?.webhookSecrets, ['whsec_from_env', stored]);
    assert.equal(
      await applyWebhookConfig(tdb.db, { dataDir, WEBHOOK_URL: undefined, WEBHOOK_SECRET: undefined }, id),
      null,
    );
  });
});
