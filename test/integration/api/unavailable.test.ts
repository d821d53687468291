import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createSession, startHarness, upload, type Harness } from './harness';
import { eventually } from '../../helpers/temporal';

// No worker at first: the session's workflow cannot answer, so the API must say so instead of hanging or
// pretending, and the same upload must succeed once a worker is back.
void describe('API without workers, and body-level errors', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ withWorkers: false, app: { workflowCallTimeoutMs: 2_000 } });
  });
  after(async () => {
    await h?.close();
  });

  void test('upload while no worker runs -> 503 TEMPORAL_UNAVAILABLE; the retry succeeds once one is up', async () => {
    const { id } = await createSession(h);
    const res = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error.code, 'TEMPORAL_UNAVAILABLE');

    await h.startWorkers();
    // What a client does with a 503: send the same request again (it is idempotent) until it is answered.
    const retry = await eventually(async () => {
      const r = await upload(h, id, 'id_image', h.media.jpeg);
      return r.statusCode === 503 ? undefined : r;
    });
    assert.equal(retry.statusCode, 202, retry.body);
    const session = await h.app.inject({
      method: 'GET',
      url: `/v1/sessions/${id}`,
      headers: bearer(h.tenant.apiKey),
    });
    assert.equal(session.json().files.id_image.size, h.media.jpeg.length);
  });

  void test('PAYLOAD_TOO_LARGE and UNSUPPORTED_CONTENT_TYPE on JSON routes', async () => {
    const big = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { ...bearer(h.tenant.apiKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ reference: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'PAYLOAD_TOO_LARGE');

    const xml = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { ...bearer(h.tenant.apiKey), 'content-type': 'application/xml' },
      payload: '<session/>',
    });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().error.code, 'UNSUPPORTED_CONTENT_TYPE');
  });
});
