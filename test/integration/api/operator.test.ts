import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashPassword } from '../../../src/auth/passwords';
import { insertOperator, setOperatorPassword } from '../../../src/db/repositories/operators';
import { bearer, createSession, startHarness, upload, type Harness } from './harness';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

void describe('operator API', () => {
  let h: Harness;
  let cookie: string;
  before(async () => {
    h = await startHarness({ app: { loginThrottle: { maxFailures: 3, windowMs: 60_000 } } });
  });
  after(async () => {
    await h?.close();
  });

  const asOperator = (c = cookie) => ({ cookie: c });

  void test('login: wrong password or unknown user -> 401 INVALID_CREDENTIALS', async () => {
    for (const payload of [
      { username: h.operator.username, password: 'wrong' },
      { username: 'nobody-here', password: h.operator.password },
    ]) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/operator/login', payload });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'INVALID_CREDENTIALS');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    const invalid = await h.app.inject({
      method: 'POST',
      url: '/v1/operator/login',
      payload: { username: 'x' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'VALIDATION_ERROR');
  });

  void test('login sets an HttpOnly SameSite=Strict cookie; /me answers with it', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/operator/login',
      payload: { username: h.operator.username, password: h.operator.password },
    });
    assert.equal(res.statusCode, 200, res.body);
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /^kyc_operator=os_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    cookie = setCookie.split(';')[0] ?? '';
    const me = await h.app.inject({ method: 'GET', url: '/v1/operator/me', headers: asOperator() });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), { username: h.operator.username });
  });

  void test('auth boundary: tenant keys and upload tokens never reach operator routes, cookies never tenant routes', async () => {
    const session = await createSession(h);
    for (const token of [h.tenant.apiKey, session.uploadToken]) {
      for (const url of ['/v1/operator/me', '/v1/operator/sessions', `/v1/operator/sessions/${session.id}`]) {
        const res = await h.app.inject({ method: 'GET', url, headers: bearer(token) });
        assert.equal(res.statusCode, 401, url);
        assert.equal(res.json().error.code, 'UNAUTHORIZED');
      }
      const review = await h.app.inject({
        method: 'POST',
        url: `/v1/operator/sessions/${session.id}/review`,
        headers: bearer(token),
        payload: { decision: 'approve', comment: 'looks fine' },
      });
      assert.equal(review.statusCode, 401);
    }
    for (const req of [
      { method: 'GET' as const, url: '/v1/sessions' },
      { method: 'GET' as const, url: `/v1/sessions/${session.id}` },
      { method: 'POST' as const, url: '/v1/sessions' },
    ]) {
      const res = await h.app.inject({ ...req, headers: asOperator() });
      assert.equal(res.statusCode, 401, `${req.method} ${req.url}`);
    }
    const tampered = `${cookie.slice(0, -3)}abc`;
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/v1/operator/me', headers: asOperator(tampered) }))
        .statusCode,
      401,
    );
  });

  void test('lists every tenant’s sessions with search by id and reference', async () => {
    const mine = await createSession(h, { reference: `op-search-${Date.now()}` });
    const theirs = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: bearer(h.otherTenant.apiKey),
      payload: { reference: 'other-tenant' },
    });
    const byId = await h.app.inject({
      method: 'GET',
      url: `/v1/operator/sessions?q=${theirs.json().id}`,
      headers: asOperator(),
    });
    assert.equal(byId.statusCode, 200, byId.body);
    assert.deepEqual(
      byId.json().items.map((s: { id: string; tenantId: string }) => [s.id, s.tenantId]),
      [[theirs.json().id, h.otherTenant.id]],
    );
    const byRef = await h.app.inject({
      method: 'GET',
      url: `/v1/operator/sessions?q=${encodeURIComponent('OP-SEARCH')}&status=awaiting_files&limit=100`,
      headers: asOperator(),
    });
    assert.ok(byRef.json().items.some((s: { id: string }) => s.id === mine.id));
    const page = await h.app.inject({
      method: 'GET',
      url: '/v1/operator/sessions?limit=1',
      headers: asOperator(),
    });
    assert.equal(page.json().items.length, 1);
    assert.equal(typeof page.json().nextCursor, 'string');
  });

  void test('session detail, stored images by digest, and review refused when not pending', async () => {
    const { id } = await createSession(h);
    assert.equal((await upload(h, id, 'id_image', h.media.jpeg)).statusCode, 202);
    const detail = await h.app.inject({
      method: 'GET',
      url: `/v1/operator/sessions/${id}`,
      headers: asOperator(),
    });
    assert.equal(detail.statusCode, 200, detail.body);
    const body = detail.json();
    assert.equal(body.tenantId, h.tenant.id);
    assert.equal(body.allFiles.length, 1);
    assert.deepEqual(body.faceMatches, []);
    assert.deepEqual(body.inferenceLedger, []);
    assert.equal(body.review, null);
    assert.deepEqual(body.webhookDeliveries, []);

    const blob = await h.app.inject({
      method: 'GET',
      url: `/v1/operator/blobs/${sha(h.media.jpeg)}`,
      headers: asOperator(),
    });
    assert.equal(blob.statusCode, 200);
    assert.equal(blob.headers['content-type'], 'image/jpeg');
    assert.ok(blob.rawPayload.equals(h.media.jpeg));
    const missing = await h.app.inject({
      method: 'GET',
      url: `/v1/operator/blobs/${'0'.repeat(64)}`,
      headers: asOperator(),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'BLOB_NOT_FOUND');
    const noAuth = await h.app.inject({ method: 'GET', url: `/v1/operator/blobs/${sha(h.media.jpeg)}` });
    assert.equal(noAuth.statusCode, 401);

    const review = await h.app.inject({
      method: 'POST',
      url: `/v1/operator/sessions/${id}/review`,
      headers: asOperator(),
      payload: { decision: 'approve', comment: 'document and selfie match' },
    });
    assert.equal(review.statusCode, 409, review.body);
    assert.equal(review.json().error.code, 'REVIEW_NOT_PENDING');

    for (const payload of [
      { decision: 'approve' },
      { decision: 'maybe', comment: 'x' },
      { decision: 'approve', comment: '   ' },
    ]) {
      const bad = await h.app.inject({
        method: 'POST',
        url: `/v1/operator/sessions/${id}/review`,
        headers: asOperator(),
        payload,
      });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      assert.equal(bad.json().error.code, 'VALIDATION_ERROR');
    }
    // Closed while the projection may still lag: the answer is still REVIEW_NOT_PENDING, never "not found".
    const closed = await createSession(h);
    await h.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${closed.id}`,
      headers: bearer(h.tenant.apiKey),
    });
    await h.temporal.client.workflow
      .getHandle(`kyc-session-${closed.id}`)
      .result()
      .catch(() => undefined);
    await h.testDb.db
      .updateTable('sessions')
      .set({ status: 'needs_review' })
      .where('id', '=', closed.id)
      .execute();
    const lagging = await h.app.inject({
      method: 'POST',
      url: `/v1/operator/sessions/${closed.id}/review`,
      headers: asOperator(),
      payload: { decision: 'approve', comment: 'too late' },
    });
    assert.equal(lagging.statusCode, 409, lagging.body);
    assert.equal(lagging.json().error.code, 'REVIEW_NOT_PENDING');

    const unknown = await h.app.inject({
      method: 'POST',
      url: '/v1/operator/sessions/ses_nope/review',
      headers: asOperator(),
      payload: { decision: 'decline', comment: 'no' },
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'SESSION_NOT_FOUND');
  });

  void test('admin creates operator accounts; the new operator signs in but cannot create accounts', async () => {
    const username = `reviewer-${Date.now().toString(36)}`;
    const password = 'a long enough passphrase';
    const signIn = async (user: string, pass: string) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/operator/login',
        payload: { username: user, password: pass },
      });
      assert.equal(res.statusCode, 200, res.body);
      return String(res.headers['set-cookie']).split(';')[0] ?? '';
    };
    // The bootstrap admin may exist in the shared test database with another password: set a known one.
    const adminHash = await hashPassword(password);
    await insertOperator(h.testDb.db, { id: 'op_admin', username: 'admin', passwordHash: adminHash });
    await setOperatorPassword(h.testDb.db, 'admin', adminHash);
    const admin = await signIn('admin', password);
    const create = (payload: object, headers: Record<string, string> = asOperator(admin)) =>
      h.app.inject({ method: 'POST', url: '/v1/operator/accounts', headers, payload });

    const created = await create({ username, password });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { username });
    assert.equal((await create({ username, password })).json().error.code, 'OPERATOR_EXISTS');
    assert.equal((await create({ username: 'x2', password: 'short' })).json().error.code, 'VALIDATION_ERROR');
    assert.equal((await create({ username, password }, {})).statusCode, 401);

    const forbidden = await create(
      { username: `${username}-2`, password },
      asOperator(await signIn(username, password)),
    );
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'FORBIDDEN');
  });

  void test('logout clears the cookie', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/operator/logout', headers: asOperator() });
    assert.equal(res.statusCode, 204);
    assert.match(String(res.headers['set-cookie']), /^kyc_operator=; .*Max-Age=0/);
  });

  void test('repeated failed sign-ins -> 429 TOO_MANY_ATTEMPTS with Retry-After; other accounts unaffected', async () => {
    const username = `${h.operator.username}-guess`;
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/operator/login',
        payload: { username, password: 'x' },
      });
      assert.equal(res.statusCode, 401);
    }
    const blocked = await h.app.inject({
      method: 'POST',
      url: '/v1/operator/login',
      payload: { username, password: 'x' },
    });
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error.code, 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    // Another account is not locked out by someone guessing this one.
    const other = await h.app.inject({
      method: 'POST',
      url: '/v1/operator/login',
      payload: { username: h.operator.username, password: h.operator.password },
    });
    assert.equal(other.statusCode, 200);
  });
});
