// A real face-worker process (npm run face-worker's entry point) is killed with SIGKILL in mid-inference.
// Temporal notices through the missed heartbeat and retries on a second face-worker process, which takes over
// the stale claim once its lease ran out. The session completes, and the ledger shows one completed inference
// for the key plus the run that died: no duplicate inference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countInferenceRuns, getSession, listInferenceRuns } from '../../../src/db/repositories';
import { LocalBlobStore } from '../../../src/storage/local-blob-store';
import { TEST_DATABASE_URL, openTestDb, type TestDb } from '../../helpers/db';
import {
  createTestSession,
  eventually,
  openTestTemporal,
  realMainActivities,
  startTestWorkers,
  storeSampleMedia,
  submitFile,
  type RunningWorkers,
  type TestTemporal,
} from '../../helpers/temporal';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const LEASE_SECONDS = 3;
const HEARTBEAT_TIMEOUT_SECONDS = 4;

let temporal: TestTemporal;
let testDb: TestDb;
let workers: RunningWorkers;
let dataDir: string;
const children: ChildProcess[] = [];

interface FaceWorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `src/workers/face-worker.ts` as its own process and resolves once it polls (models loaded). */
async function startFaceWorkerProcess(taskQueue: string): Promise<FaceWorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/face-worker.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: TEST_DATABASE_URL,
      KYC_DATA_DIR: dataDir,
      KYC_FACE_TASK_QUEUE: taskQueue,
      FACE_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS),
      FACE_CONCURRENCY: '1',
      FACE_WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      LOG_LEVEL: 'warn',
    },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('polling task queue')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`face worker exited early (${code}):\n${output}`)));
  });
  return { child, exited };
}

before(async () => {
  temporal = await openTestTemporal();
  testDb = await openTestDb();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-sigkill-'));
  workers = await startTestWorkers(temporal, {
    main: realMainActivities(testDb.db, new LocalBlobStore(path.join(dataDir, 'blobs'))),
  });
});

after(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await workers?.stop();
  await testDb?.close();
  await temporal?.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

void describe('face worker killed with SIGKILL in mid-inference', () => {
  void test('the session still completes and the key has exactly one completed inference', async () => {
    const blobs = new LocalBlobStore(path.join(dataDir, 'blobs'));
    const media = await storeSampleMedia(blobs, path.join(dataDir, 'media'));
    const first = await startFaceWorkerProcess(workers.queues.face);
    const session = await createTestSession(testDb.db, {
      queues: workers.queues,
      prefix: 'sigkill',
      settings: {
        faceMatch: {
          taskQueue: workers.queues.face,
          maximumAttempts: 3,
          startToCloseTimeoutSeconds: 180,
          heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_SECONDS,
          initialRetryIntervalSeconds: 1,
        },
      },
    });
    const { handle } = await submitFile(temporal.client, session, media.idImage);
    await submitFile(temporal.client, session, media.selfieVideo);

    // Mid-inference: the ledger row is written right before the engine starts.
    const running = await eventually(
      async () => {
        const runs = await listInferenceRuns(testDb.db, { sessionId: session.sessionId });
        return runs.find((r) => r.status === 'running');
      },
      120_000,
      50,
    );
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null, 'killed by a signal, not exited');

    const second = await startFaceWorkerProcess(workers.queues.face);
    const state = await handle.result();
    second.child.kill('SIGTERM');
    await second.exited;

    assert.equal(state.status, 'approved', `decision: ${JSON.stringify(state.decision)}`);
    const key = state.faceMatch?.idempotencyKey;
    assert.equal(key, running.idempotencyKey);
    const runs = await listInferenceRuns(testDb.db, { idempotencyKey: running.idempotencyKey });
    assert.equal(runs.filter((r) => r.status === 'completed').length, 1, 'exactly one completed inference');
    assert.equal(
      runs.find((r) => r.id === running.id)?.status,
      'running',
      'the killed run stays visible as died',
    );
    assert.deepEqual(await countInferenceRuns(testDb.db, { sessionId: session.sessionId }), {
      completed: 1,
      failed: 0,
      died: 1,
      running: 0,
    });
    assert.equal((await getSession(testDb.db, session.sessionId))?.status, 'approved');
  });
});
