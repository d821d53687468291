// The Temporal dev server is stopped and started again on the same SQLite file in the middle of a session:
// once between the two uploads, once while the face-match activity runs. The workers and the client reconnect,
// the session keeps its state and completes. Face inference is a named test double (this is about Temporal).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { getSession } from '../../../src/db/repositories';
import { stateQuery } from '../../../src/definitions';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { startDevServer, type DevServer } from '../../../src/temporal/dev-server';
import { findFreePort } from '../../../src/temporal/ports';
import { installWorkerRuntime } from '../../../src/workers/sdk-runtime';
import { openTestDb, type TestDb } from '../../helpers/db';
import {
  TEST_NAMESPACE,
  checkFaceSimilarityTestDouble,
  createTestSession,
  eventually,
  faceResultForTest,
  fileRef,
  realMainActivities,
  startTestWorkers,
  submitFile,
  type RunningWorkers,
  type TestTemporal,
} from '../../helpers/temporal';

let dir: string;
let dbFile: string;
let port: number;
let server: DevServer | null = null;
let temporal: TestTemporal;
let testDb: TestDb;
let workers: RunningWorkers;
let releaseFaceMatch: () => void = () => undefined;
const faceMatchGate = new Promise<void>((resolve) => (releaseFaceMatch = resolve));
const faceDouble = checkFaceSimilarityTestDouble(async () => {
  await faceMatchGate;
  return faceResultForTest('approved');
});

const startServer = async () => {
  server = await startDevServer({ dbFile, port, uiPort: null });
};

async function restartServer(): Promise<void> {
  await server?.stop();
  server = null;
  await startServer();
}

before(async () => {
  installWorkerRuntime('error');
  dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-restart-'));
  dbFile = path.join(dir, 'temporal.db');
  port = await findFreePort();
  await startServer();
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  temporal = {
    address,
    connection,
    nativeConnection,
    client: new Client({ connection, namespace: TEST_NAMESPACE }),
    close: async () => {
      await nativeConnection.close();
      await connection.close();
    },
  };
  testDb = await openTestDb();
  const main = realMainActivities(testDb.db, new LocalBlobStore(path.join(dir, 'blobs')));
  workers = await startTestWorkers(temporal, { main, face: faceDouble });
});

after(async () => {
  releaseFaceMatch();
  await workers?.stop();
  await temporal?.close();
  await server?.stop();
  await testDb?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

void describe('Temporal dev server restarted mid-session', () => {
  void test('the session survives two restarts on the same SQLite file and completes', async () => {
    const session = await createTestSession(testDb.db, { queues: workers.queues, prefix: 'restart' });
    const id = fileRef('id_image');
    const { handle } = await submitFile(temporal.client, session, id);
    const runId = (await handle.describe()).runId;

    await restartServer();
    const afterFirstRestart = await eventually(() => handle.query(stateQuery).catch(() => undefined));
    assert.equal(afterFirstRestart.files.id_image?.sha256, id.sha256, 'the accepted upload survived');

    await eventually(() =>
      submitFile(temporal.client, session, fileRef('selfie_video')).catch(() => undefined),
    );
    await eventually(async () =>
      faceDouble.calls.some((c) => c.sessionId === session.sessionId) ? true : undefined,
    );

    await restartServer();
    releaseFaceMatch();
    const state = await handle.result();
    assert.equal(state.status, 'approved');
    assert.equal((await handle.describe()).runId, runId, 'the same run, not a new one');
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'approved');
  });
});
