// The static surface over HTTP: pages with their security headers, module assets, nothing else from disk.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { LocalBlobStore } from '../../src/storage/local-blob-store';
import { openTestDb, type TestDb } from '../helpers/db';

void describe('capture page and console pages', () => {
  let tdb: TestDb;
  let app: FastifyInstance;
  let connection: Connection;
  let dataDir: string;

  before(async () => {
    tdb = await openTestDb();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-pages-'));
    connection = Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const config = loadConfig({ ...process.env, KYC_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const blobs = new LocalBlobStore(path.join(dataDir, 'blobs'));
    app = await buildApp({ runtime: { config, db: tdb.db, blobs, temporal: new Client({ connection }) } });
  });

  after(async () => {
    await app.close();
    await connection.close();
    await tdb.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void test('pages are served with a strict content security policy and no referrer', async () => {
    for (const url of ['/', '/capture/ses_abc123', '/console']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(
        String(res.headers['content-security-policy']),
        /script-src 'self'.*frame-ancestors 'none'/,
      );
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    const capture = await app.inject({ method: 'GET', url: '/capture/ses_abc123' });
    assert.match(String(capture.headers['permissions-policy']), /camera=\(self\)/);
  });

  void test('assets are served as modules; other files and traversal are not', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/capture.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal((await app.inject({ method: 'GET', url: '/assets/capture.html' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/assets/../package.json' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/assets/%2e%2e/package.json' })).statusCode, 404);
  });

  void test('the timeline needs an operator session', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/operator/sessions/ses_abc123/timeline' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'UNAUTHORIZED');
  });
});
