// The API on a real runtime for tests: the shared test Postgres, the test run's Temporal dev server, a real
// LocalBlobStore in a temporary directory and the real workflow with its main worker (real activities) on unique
// task queues. No face worker: tests that need a decision belong to the end-to-end tier.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../../src/config';
import { buildApp, type AppOptions } from '../../../src/api/app';
import type { AuthBootstrap } from '../../../src/auth/bootstrap';
import { generateApiKey, apiKeyIdFor } from '../../../src/auth/api-keys';
import { hashPassword } from '../../../src/auth/passwords';
import { randomToken } from '../../../src/auth/secret-files';
import { ensureTenant, insertApiKey } from '../../../src/db/repositories/tenants';
import { insertOperator } from '../../../src/db/repositories/operators';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { createActivities } from '../../../src/activities';
import { resolveFfmpegPath } from '../../../src/face/ffmpeg';
import { openTestDb, uniqueId, TEST_DATABASE_URL, type TestDb } from '../../helpers/db';
import {
  openTestTemporal,
  startTestWorkers,
  uniqueQueues,
  type RunningWorkers,
  type TestQueues,
  type TestTemporal,
} from '../../helpers/temporal';

export interface Harness {
  app: FastifyInstance;
  config: Config;
  testDb: TestDb;
  temporal: TestTemporal;
  tenant: { id: string; apiKey: string };
  otherTenant: { id: string; apiKey: string };
  operator: { username: string; password: string };
  media: { jpeg: Buffer; mp4: Buffer; png: Buffer };
  workers: RunningWorkers | null;
  queues: TestQueues;
  /** The main worker (real activities) on this harness's queues; started unless withWorkers is false. */
  startWorkers(): Promise<RunningWorkers>;
  close(): Promise<void>;
}

async function createTenant(testDb: TestDb): Promise<{ id: string; apiKey: string }> {
  const id = uniqueId('tenant_api');
  await ensureTenant(testDb.db, { id, name: `API tests ${id}` });
  const apiKey = generateApiKey();
  await insertApiKey(testDb.db, { id: apiKeyIdFor(apiKey), tenantId: id, key: apiKey, label: 'test' });
  return { id, apiKey };
}

function makeMedia(dir: string): Harness['media'] {
  const jpeg = readFileSync('/work/shared/data/faces/dev/Abel_Pacheco/Abel_Pacheco_0001.jpg');
  const mp4 = path.join(dir, 'clip.mp4');
  const png = path.join(dir, 'still.png');
  const ffmpeg = resolveFfmpegPath();
  const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];
  execFileSync(ffmpeg, [
    ...quiet,
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x64:rate=10',
    '-t',
    '1',
    '-pix_fmt',
    'yuv420p',
    mp4,
  ]);
  execFileSync(ffmpeg, [...quiet, '-f', 'lavfi', '-i', 'testsrc=size=32x32', '-frames:v', '1', png]);
  return { jpeg, mp4: readFileSync(mp4), png: readFileSync(png) };
}

export async function startHarness(
  options: { env?: Record<string, string>; withWorkers?: boolean; app?: Partial<AppOptions> } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-api-test-'));
  const testDb = await openTestDb();
  const temporal = await openTestTemporal();
  const config = loadConfig({
    KYC_DATA_DIR: dataDir,
    DATABASE_URL: TEST_DATABASE_URL,
    TEMPORAL_ADDRESS: temporal.address,
    PUBLIC_URL: 'http://kyc.test',
    ...options.env,
  });
  const blobs = new LocalBlobStore(path.join(dataDir, 'blobs'));
  const queues = uniqueQueues();
  const startWorkers = () =>
    startTestWorkers(temporal, {
      queues,
      main: createActivities({
        db: testDb.db,
        blobs,
        faceEngine: () => Promise.reject(new Error('API tests run no face worker')),
        workerId: uniqueId('api-test-worker'),
        claimLeaseSeconds: 30,
      }),
    });
  let workers = options.withWorkers === false ? null : await startWorkers();
  const tenant = await createTenant(testDb);
  const otherTenant = await createTenant(testDb);
  const operator = { username: uniqueId('op'), password: randomToken(12) };
  await insertOperator(testDb.db, {
    id: uniqueId('op'),
    username: operator.username,
    passwordHash: await hashPassword(operator.password),
  });
  const auth: AuthBootstrap = {
    tenantId: tenant.id,
    secret: randomToken(32),
    apiKey: { value: tenant.apiKey, source: 'env' },
    operator: { username: operator.username, password: operator.password, source: 'env' },
  };
  const app = await buildApp({
    runtime: { config, db: testDb.db, blobs, temporal: temporal.client },
    auth,
    taskQueues: { main: queues.main, faceMatch: queues.face },
    workflowCallTimeoutMs: 20_000,
    ...options.app,
  });
  const media = makeMedia(dataDir);
  return {
    app,
    config,
    testDb,
    temporal,
    tenant,
    otherTenant,
    operator,
    media,
    workers,
    queues,
    startWorkers: async () => {
      workers = await startWorkers();
      return workers;
    },
    close: async () => {
      await app.close();
      await workers?.stop();
      await temporal.close();
      await testDb.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates a session as the tenant and returns the parsed 201 body. */
export async function createSession(
  h: Harness,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ id: string; uploadToken: string; status: string; expiresAt: string; captureUrl: string }> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: { ...bearer(h.tenant.apiKey), ...headers },
    payload: body,
  });
  if (res.statusCode !== 201 && res.statusCode !== 200)
    throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function upload(
  h: Harness,
  id: string,
  kind: string,
  body: Buffer,
  token = h.tenant.apiKey,
  contentType?: string,
) {
  return h.app.inject({
    method: 'PUT',
    url: `/v1/sessions/${id}/files/${kind}`,
    headers: { ...bearer(token), ...(contentType !== undefined ? { 'content-type': contentType } : {}) },
    payload: body,
  });
}
