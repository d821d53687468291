// Repositories the API and console use, against the real Postgres and, for the same behaviour, PGlite.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  createSession,
  findTenantByApiKeyHash,
  hashApiKey,
  insertApiKey,
  insertWebhookDelivery,
  latestFiles,
  listFiles,
  listSessions,
  listWebhookDeliveries,
  revokeApiKey,
  updateSessionProjection,
  upsertFile,
  InvalidCursorError,
} from '../../../src/db/repositories';
import { workflowIdFor } from '../../../src/definitions';
import { openPgliteTestDb, openTestDb, randomSha256, uniqueId, type TestDb } from '../../helpers/db';
import { makeSession, makeTenant } from '../../helpers/db-fixtures';

const backends: Array<[string, () => Promise<TestDb>]> = [
  ['postgres', () => openTestDb({ poolSize: 12 })],
  ['pglite', openPgliteTestDb],
];

for (const [name, open] of backends) {
  void describe(`repositories (${name})`, () => {
    let t: TestDb;
    before(async () => {
      t = await open();
    });
    after(async () => {
      await t.close();
    });

    void test('concurrent creates with one idempotency key yield one session', async () => {
      const tenantId = await makeTenant(t.db);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => {
          const id = uniqueId('ses');
          return createSession(t.db, {
            id,
            tenantId,
            workflowId: workflowIdFor(id),
            expiresAt: new Date(Date.now() + 60_000),
            idempotencyKey: 'order-42',
          });
        }),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.session.id)).size, 1);
      // Another tenant may use the same key.
      const other = await makeSession(t.db, await makeTenant(t.db), { idempotencyKey: 'order-42' });
      assert.notEqual(other.id, results[0]?.session.id);
    });

    void test('keyset pagination walks every session once, newest first, with a status filter', async () => {
      const tenantId = await makeTenant(t.db);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await makeSession(t.db, tenantId)).id);
      // Same timestamp to the microsecond for three rows: the id breaks the tie.
      await sql`UPDATE sessions SET created_at = '2026-01-01T00:00:00.123456Z' WHERE id IN (${sql.join(ids.slice(0, 3))})`.execute(
        t.db,
      );
      for (const id of ids.slice(0, 2)) await updateSessionProjection(t.db, { id, status: 'expired' });

      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listSessions(t.db, { tenantId, limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((s) => s.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      assert.equal(seen.length, 7);
      assert.deepEqual(new Set(seen), new Set(ids));
      const expired = await listSessions(t.db, { tenantId, status: 'expired', limit: 10 });
      assert.deepEqual(new Set(expired.items.map((s) => s.id)), new Set(ids.slice(0, 2)));
      await assert.rejects(listSessions(t.db, { tenantId, limit: 2, cursor: 'garbage' }), InvalidCursorError);
    });

    void test('the projection only moves forward and never leaves a terminal status', async () => {
      const session = await makeSession(t.db, await makeTenant(t.db));
      assert.equal(await updateSessionProjection(t.db, { id: session.id, status: 'needs_review' }), true);
      assert.equal(await updateSessionProjection(t.db, { id: session.id, status: 'processing' }), false);
      assert.equal(await updateSessionProjection(t.db, { id: session.id, status: 'needs_review' }), true);
      const other = await makeSession(t.db, await makeTenant(t.db));
      assert.equal(await updateSessionProjection(t.db, { id: other.id, status: 'processing' }), true);
      assert.equal(await updateSessionProjection(t.db, { id: other.id, status: 'canceled' }), true);
      assert.equal(await updateSessionProjection(t.db, { id: other.id, status: 'approved' }), false);
      assert.equal(await updateSessionProjection(t.db, { id: other.id, status: 'processing' }), false);
    });

    void test('api keys are found by hash until revoked', async () => {
      const tenantId = await makeTenant(t.db);
      const key = `kyc_${randomSha256()}`;
      const keyId = uniqueId('key');
      await insertApiKey(t.db, { id: keyId, tenantId, key, label: 'test' });
      await insertApiKey(t.db, { id: uniqueId('key'), tenantId, key }); // same key again: no-op
      const found = await findTenantByApiKeyHash(t.db, hashApiKey(key));
      assert.equal(found?.tenant.id, tenantId);
      assert.equal(found?.apiKey.id, keyId);
      assert.equal(await revokeApiKey(t.db, keyId), true);
      assert.equal(await findTenantByApiKeyHash(t.db, hashApiKey(key)), undefined);
    });

    void test('files: latest accepted upload per kind wins; webhook deliveries list in order', async () => {
      const session = await makeSession(t.db, await makeTenant(t.db));
      const ref = (kind: 'id_image' | 'selfie_video') => {
        const sha256 = randomSha256();
        return {
          kind,
          sha256,
          storageKey: `sha256/${sha256.slice(0, 2)}/${sha256}`,
          size: 10,
          mediaType: 'image/jpeg',
        };
      };
      const first = ref('id_image');
      const second = ref('id_image');
      await upsertFile(t.db, session.id, first);
      await upsertFile(t.db, session.id, second);
      assert.equal((await latestFiles(t.db, session.id)).id_image?.sha256, second.sha256);
      await upsertFile(t.db, session.id, first); // accepted again after the second: current again, no new row
      assert.equal((await latestFiles(t.db, session.id)).id_image?.sha256, first.sha256);
      assert.equal((await listFiles(t.db, session.id)).length, 2);
      for (const attempt of [1, 2]) {
        await insertWebhookDelivery(t.db, {
          eventId: `evt_${session.id}_approved`,
          sessionId: session.id,
          tenantId: session.tenantId,
          url: 'http://127.0.0.1:9/hook',
          attempt,
          statusCode: attempt === 1 ? 500 : 200,
          error: attempt === 1 ? 'HTTP 500' : null,
          durationMs: 5,
        });
      }
      const deliveries = await listWebhookDeliveries(t.db, session.id);
      assert.deepEqual(
        deliveries.map((d) => [d.attempt, d.statusCode]),
        [
          [1, 500],
          [2, 200],
        ],
      );
    });
  });
}
