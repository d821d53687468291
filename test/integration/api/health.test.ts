import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness';

void describe('health endpoints', () => {
  let h: Harness;
  let workers: Record<string, boolean> = { mainWorker: true, faceWorker: true };
  before(async () => {
    h = await startHarness({ withWorkers: false, app: { readiness: async () => workers } });
  });
  after(async () => {
    await h?.close();
  });

  void test('/healthz answers while the process runs', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  void test('/readyz: 200 when database, Temporal and workers are up, else 503 NOT_READY naming what is not', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.deepEqual(ready.json(), {
      status: 'ready',
      checks: { database: true, temporal: true, mainWorker: true, faceWorker: true },
    });
    workers = { mainWorker: true, faceWorker: false };
    const notReady = await h.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(notReady.statusCode, 503);
    assert.equal(notReady.json().error.code, 'NOT_READY');
    assert.match(notReady.json().error.message, /faceWorker/);
    assert.equal(notReady.json().checks.faceWorker, false);
  });

  void test('/metrics: Prometheus text with sessions by status and the inference ledger, no key needed', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.body, /^kyc_sessions\{status="approved"\} \d+$/m);
    assert.match(res.body, /^kyc_inference_runs\{outcome="died"\} \d+$/m);
    assert.match(res.body, /^kyc_duplicate_inferences \d+$/m);
  });
});
