import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, createSession, startHarness, type Harness } from './harness';
import { eventually } from '../../helpers/temporal';

void describe('sessions API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  void test('requires an API key (401 UNAUTHORIZED) and rejects unknown keys', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/v1/sessions' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'UNAUTHORIZED');
    const wrong = await h.app.inject({ method: 'GET', url: '/v1/sessions', headers: bearer('kyc_sk_nope') });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'UNAUTHORIZED');
    const post = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: {} });
    assert.equal(post.statusCode, 401);
  });

  void test('creates a session with a capture link and upload token, and reads it back', async () => {
    const created = await createSession(h, { reference: 'applicant-42', expiresInSeconds: 600 });
    assert.match(created.id, /^ses_[0-9a-f]{24}$/);
    assert.equal(created.status, 'awaiting_files');
    assert.match(created.uploadToken, /^ut_/);
    assert.equal(created.captureUrl, `http://kyc.test/capture/${created.id}#token=${created.uploadToken}`);
    const ttl = (Date.parse(created.expiresAt) - Date.now()) / 1000;
    assert.ok(ttl > 590 && ttl <= 600, `ttl ${ttl}`);

    const res = await h.app.inject({
      method: 'GET',
      url: `/v1/sessions/${created.id}`,
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.reference, 'applicant-42');
    assert.deepEqual(body.files, {});
    assert.deepEqual(body.inferenceRuns, { completed: 0, failed: 0, died: 0, running: 0 });
    assert.equal(body.decision, null);
    assert.equal(body.completedAt, null);
    assert.ok(body.temporalUiUrl === null || body.temporalUiUrl.includes(`kyc-session-${created.id}`));

    // The workflow really started (update-with-start is not needed to bring it to life).
    const description = await h.temporal.client.workflow.getHandle(`kyc-session-${created.id}`).describe();
    assert.equal(description.status.name, 'RUNNING');
  });

  void test('creates without a body at all', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/sessions', headers: bearer(h.tenant.apiKey) });
    assert.equal(res.statusCode, 201, res.body);
  });

  void test('Idempotency-Key: same key and body -> same session (200); other body -> IDEMPOTENCY_CONFLICT', async () => {
    const key = randomUUID();
    const headers = { ...bearer(h.tenant.apiKey), 'idempotency-key': key };
    const payload = { reference: 'idem', expiresInSeconds: 900 };
    const first = await h.app.inject({ method: 'POST', url: '/v1/sessions', headers, payload });
    assert.equal(first.statusCode, 201);
    assert.equal(first.headers.location, `/v1/sessions/${first.json().id}`);
    const again = await h.app.inject({ method: 'POST', url: '/v1/sessions', headers, payload });
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.json().uploadToken, first.json().uploadToken);

    // Concurrent retries of one key still name one session.
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        h.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          headers: { ...headers, 'idempotency-key': `${key}-race` },
          payload,
        }),
      ),
    );
    assert.equal(new Set(racing.map((r) => r.json().id)).size, 1);

    const conflict = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers,
      payload: { reference: 'something else', expiresInSeconds: 900 },
    });
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.json().error.code, 'IDEMPOTENCY_CONFLICT');

    // Keys are per tenant: another tenant's identical key creates its own session.
    const other = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { ...bearer(h.otherTenant.apiKey), 'idempotency-key': key },
      payload,
    });
    assert.equal(other.statusCode, 201);
    assert.notEqual(other.json().id, first.json().id);
  });

  void test('VALIDATION_ERROR for bad bodies, headers and queries', async () => {
    const cases = [
      { method: 'POST' as const, url: '/v1/sessions', payload: { expiresInSeconds: 0 } },
      { method: 'POST' as const, url: '/v1/sessions', payload: { expiresInSeconds: 'soon' } },
      { method: 'POST' as const, url: '/v1/sessions', payload: { unknownField: true } },
      {
        method: 'POST' as const,
        url: '/v1/sessions',
        payload: { expiresInSeconds: h.config.KYC_MAX_SESSION_TTL_SECONDS + 1 },
      },
      { method: 'GET' as const, url: '/v1/sessions?limit=101' },
      { method: 'GET' as const, url: '/v1/sessions?status=bogus' },
      { method: 'GET' as const, url: '/v1/sessions?cursor=notacursor' },
    ];
    for (const c of cases) {
      const res = await h.app.inject({ ...c, headers: bearer(h.tenant.apiKey) });
      assert.equal(res.statusCode, 400, `${c.method} ${c.url} ${JSON.stringify(c.payload)} -> ${res.body}`);
      assert.equal(res.json().error.code, 'VALIDATION_ERROR');
    }
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { ...bearer(h.tenant.apiKey), 'content-type': 'application/json' },
      payload: '{"reference":',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'VALIDATION_ERROR');
  });

  void test('unknown session -> 404 SESSION_NOT_FOUND; another tenant’s session is not visible', async () => {
    const missing = await h.app.inject({
      method: 'GET',
      url: '/v1/sessions/ses_missing',
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'SESSION_NOT_FOUND');
    const mine = await createSession(h);
    const theirs = await h.app.inject({
      method: 'GET',
      url: `/v1/sessions/${mine.id}`,
      headers: bearer(h.otherTenant.apiKey),
    });
    assert.equal(theirs.statusCode, 404);
    const cancel = await h.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${mine.id}`,
      headers: bearer(h.otherTenant.apiKey),
    });
    assert.equal(cancel.statusCode, 404);
  });

  void test('unknown routes -> 404 NOT_FOUND in the error envelope', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'NOT_FOUND');
  });

  void test('lists newest first, filters by status and pages with an opaque cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createSession(h, { reference: `page-${i}` }, {})).id);
    // Uses the other tenant's key space to get a clean list: only this test creates sessions for a fresh tenant.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const res = await h.app.inject({
        method: 'GET',
        url: `/v1/sessions?limit=2${query}`,
        headers: bearer(h.tenant.apiKey),
      });
      assert.equal(res.statusCode, 200, res.body);
      const page: { items: { id: string; status: string }[]; nextCursor: string | null } = res.json();
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.equal(new Set(seen).size, seen.length, 'no session twice');
    const positions = ids.map((id) => seen.indexOf(id));
    assert.ok(
      positions.every((p) => p >= 0),
      'every created session listed',
    );
    assert.deepEqual(
      [...positions].sort((a, b) => b - a),
      positions,
      'newest first',
    );

    const filtered = await h.app.inject({
      method: 'GET',
      url: '/v1/sessions?status=approved&limit=100',
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(filtered.statusCode, 200);
    assert.ok(filtered.json().items.every((s: { status: string }) => s.status === 'approved'));
    assert.ok(!filtered.json().items.some((s: { id: string }) => ids.includes(s.id)));
  });

  void test('cancel: 202 canceling, then canceled; cancelling again -> 409 SESSION_CLOSED', async () => {
    const { id } = await createSession(h);
    const res = await h.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${id}`,
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { id, status: 'canceling' });
    const status = await eventually(async () => {
      const r = await h.app.inject({
        method: 'GET',
        url: `/v1/sessions/${id}`,
        headers: bearer(h.tenant.apiKey),
      });
      const s = r.json().status as string;
      return s === 'canceled' ? s : undefined;
    });
    assert.equal(status, 'canceled');
    const again = await h.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${id}`,
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'SESSION_CLOSED');
  });

  void test('OpenAPI document lists the routes', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const paths = Object.keys(res.json().paths as object);
    for (const p of [
      '/v1/sessions',
      '/v1/sessions/{id}',
      '/v1/sessions/{id}/files/{kind}',
      '/healthz',
      '/readyz',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });
});
