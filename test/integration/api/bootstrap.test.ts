import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrapAuth, DEFAULT_TENANT_ID } from '../../../src/auth/bootstrap';
import { hashApiKey } from '../../../src/auth/api-keys';
import { findTenantByApiKeyHash } from '../../../src/db/repositories/tenants';
import { findOperatorByUsername } from '../../../src/db/repositories/operators';
import { verifyPassword } from '../../../src/auth/passwords';
import { openPgliteTestDb, type TestDb } from '../../helpers/db';

// On PGlite (the embedded default), so the shared test Postgres's default tenant is left alone.
void describe('auth bootstrap', () => {
  let testDb: TestDb;
  let dataDir: string;
  before(async () => {
    testDb = await openPgliteTestDb();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-bootstrap-'));
  });
  after(async () => {
    await testDb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const config = (
    env: { KYC_API_KEY?: string; KYC_SECRET?: string; KYC_OPERATOR_PASSWORD?: string } = {},
  ) => ({
    dataDir,
    KYC_API_KEY: env.KYC_API_KEY,
    KYC_SECRET: env.KYC_SECRET,
    KYC_OPERATOR_PASSWORD: env.KYC_OPERATOR_PASSWORD,
  });

  void test('first start generates key, secret and operator password (files 0600); restart reuses them', async () => {
    const first = await bootstrapAuth(testDb.db, config());
    assert.equal(first.tenantId, DEFAULT_TENANT_ID);
    assert.equal(first.apiKey.source, 'generated');
    assert.match(first.apiKey.value, /^kyc_sk_/);
    assert.equal(first.operator.username, 'admin');
    assert.equal(first.operator.source, 'generated');
    for (const f of ['api-key', 'secret', 'operator-password']) {
      assert.equal(statSync(path.join(dataDir, f)).mode & 0o777, 0o600, f);
    }
    const found = await findTenantByApiKeyHash(testDb.db, hashApiKey(first.apiKey.value));
    assert.equal(found?.tenant.id, DEFAULT_TENANT_ID);

    const second = await bootstrapAuth(testDb.db, config());
    assert.equal(second.apiKey.value, first.apiKey.value);
    assert.equal(second.apiKey.source, 'file');
    assert.equal(second.secret, first.secret);
    assert.equal(second.operator.password, first.operator.password);
  });

  void test('configured values win: KYC_API_KEY rotation revokes the old key, KYC_OPERATOR_PASSWORD resets admin', async () => {
    const a = await bootstrapAuth(
      testDb.db,
      config({ KYC_API_KEY: 'kyc_sk_configured_a', KYC_OPERATOR_PASSWORD: 'pw-a' }),
    );
    assert.equal(a.apiKey.source, 'env');
    const b = await bootstrapAuth(
      testDb.db,
      config({ KYC_API_KEY: 'kyc_sk_configured_b', KYC_OPERATOR_PASSWORD: 'pw-b' }),
    );
    assert.equal(b.operator.password, 'pw-b');
    assert.equal(await findTenantByApiKeyHash(testDb.db, hashApiKey('kyc_sk_configured_a')), undefined);
    assert.notEqual(await findTenantByApiKeyHash(testDb.db, hashApiKey('kyc_sk_configured_b')), undefined);
    const admin = await findOperatorByUsername(testDb.db, 'admin');
    assert.ok(admin !== undefined && (await verifyPassword('pw-b', admin.passwordHash)));
    // The generated password no longer matches: bootstrap says so instead of printing a wrong one.
    const generated = await bootstrapAuth(testDb.db, config());
    assert.equal(generated.operator.password, null);
  });
});
