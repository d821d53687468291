// Temporal plumbing for integration and replay tests: the dev server (the one scripts/test.mjs started, or one of
// this test file's own), one workflow bundle per test file, workers on unique task queues, and session fixtures.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Client, Connection, WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { Db } from '../../src/db/database';
import type { BlobStore } from '../../src/storage/blob-store';
import { createSession, ensureTenant } from '../../src/db/repositories';
import {
  TASK_QUEUES,
  submitFileUpdate,
  workflowIdFor,
  type FaceMatchResult,
  type FileKind,
  type FileRef,
  type KycSessionInput,
  type SessionSettings,
  type SubmitFileResult,
} from '../../src/definitions';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createFaceWorker, createMainWorker } from '../../src/workers/factories';
import { installWorkerRuntime } from '../../src/workers/sdk-runtime';
import type {
  CheckFaceSimilarityInput,
  FaceActivities,
  MainActivities,
} from '../../src/workflows/activity-types';

export const TEST_NAMESPACE = 'default';
export const TEST_TENANT = { id: 'tenant_workflow_tests', name: 'Workflow tests' };

export interface TestTemporal {
  address: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Uses TEMPORAL_ADDRESS (set by scripts/test.mjs); run alone, the test file starts its own in-memory dev server. */
export async function openTestTemporal(): Promise<TestTemporal> {
  installWorkerRuntime('warn');
  let server: DevServer | null = null;
  let address = process.env.TEMPORAL_ADDRESS;
  if (address === undefined || address === '') {
    server = await startDevServer({ uiPort: null });
    address = server.address;
  }
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection, namespace: TEST_NAMESPACE }),
    connection,
    nativeConnection,
    close: async () => {
      await nativeConnection.close();
      await connection.close();
      await server?.stop();
    },
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundling takes seconds, so a test file bundles the real workflows once and shares it across its workers. */
export function testWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: quietBundlerLogger,
  });
  return bundle;
}

const noop = () => undefined;
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
  log: noop,
};

export const uniqueSuffix = (): string => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export interface TestQueues {
  main: string;
  face: string;
}

export const uniqueQueues = (): TestQueues => {
  const s = uniqueSuffix();
  return { main: `${TASK_QUEUES.main}-test-${s}`, face: `${TASK_QUEUES.faceMatch}-test-${s}` };
};

export interface RunningWorkers {
  queues: TestQueues;
  stop(): Promise<void>;
}

/** Starts the main worker and, when face activities are given, a face worker, both on the given queues. */
export async function startTestWorkers(
  temporal: TestTemporal,
  options: {
    main: MainActivities;
    face?: FaceActivities;
    queues?: TestQueues;
    faceConcurrency?: number;
    faceInterceptors?: WorkerOptions['interceptors'];
  },
): Promise<RunningWorkers> {
  const queues = options.queues ?? uniqueQueues();
  const workers: Worker[] = [
    await createMainWorker({
      connection: temporal.nativeConnection,
      namespace: TEST_NAMESPACE,
      taskQueue: queues.main,
      activities: options.main,
      workflows: { workflowBundle: await testWorkflowBundle() },
    }),
  ];
  if (options.face !== undefined) {
    workers.push(
      await createFaceWorker({
        connection: temporal.nativeConnection,
        namespace: TEST_NAMESPACE,
        taskQueue: queues.face,
        activities: options.face,
        maxConcurrentActivities: options.faceConcurrency ?? 2,
        shutdownGraceSeconds: 5,
        ...(options.faceInterceptors !== undefined ? { interceptors: options.faceInterceptors } : {}),
      }),
    );
  }
  const running = workers.map((w) => w.run());
  return {
    queues,
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(running);
    },
  };
}

/** Short timeouts so failure paths finish in seconds; production values come from src/config.ts. */
export function testSettings(faceQueue: string, overrides: Partial<SessionSettings> = {}): SessionSettings {
  return {
    faceMatch: {
      taskQueue: faceQueue,
      maximumAttempts: 3,
      startToCloseTimeoutSeconds: 120,
      heartbeatTimeoutSeconds: 20,
      initialRetryIntervalSeconds: 1,
    },
    reviewDeadlineSeconds: 3600,
    reviewDeadlinePolicy: 'escalate',
    webhookRetryHours: 1,
    ...overrides,
  };
}

export interface TestSession {
  sessionId: string;
  workflowId: string;
  input: KycSessionInput;
  mainQueue: string;
}

/** Writes the session row the API would write, and returns the workflow input the API would start with. */
export async function createTestSession(
  db: Db,
  options: {
    queues: TestQueues;
    expiresInSeconds?: number;
    settings?: Partial<SessionSettings>;
    prefix?: string;
  },
): Promise<TestSession> {
  await ensureTenant(db, TEST_TENANT);
  const sessionId = `${options.prefix ?? 'wf'}_${uniqueSuffix()}`;
  const workflowId = workflowIdFor(sessionId);
  const expiresAt = new Date(Date.now() + (options.expiresInSeconds ?? 600) * 1000);
  await createSession(db, { id: sessionId, tenantId: TEST_TENANT.id, workflowId, expiresAt });
  const input: KycSessionInput = {
    sessionId,
    tenantId: TEST_TENANT.id,
    expiresAt: expiresAt.toISOString(),
    settings: testSettings(options.queues.face, options.settings),
  };
  return { sessionId, workflowId, input, mainQueue: options.queues.main };
}

/** An upload exactly as the API sends it: update-with-start, update id derived from the digest. */
export async function submitFile(
  client: Client,
  session: TestSession,
  file: FileRef,
): Promise<{ result: SubmitFileResult; handle: WorkflowHandle }> {
  const startWorkflowOperation = new WithStartWorkflowOperation('kycSession', {
    workflowId: session.workflowId,
    taskQueue: session.mainQueue,
    args: [session.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  const result = await client.workflow.executeUpdateWithStart(submitFileUpdate, {
    args: [file],
    updateId: `${file.kind}:${file.sha256}`,
    startWorkflowOperation,
  });
  return { result, handle: await startWorkflowOperation.workflowHandle() };
}

export function fileRef(kind: FileKind, sha256 = randomBytes(32).toString('hex')): FileRef {
  const mediaType = kind === 'id_image' ? 'image/jpeg' : 'video/mp4';
  return { kind, sha256, storageKey: `sha256/${sha256.slice(0, 2)}/${sha256}`, size: 1234, mediaType };
}

export type FaceDoubleBehaviour = (
  input: CheckFaceSimilarityInput,
) => Promise<Omit<FaceMatchResult, 'reused'>>;

/**
 * A test double for checkFaceSimilarity, for workflow tests about orchestration only (no faces involved).
 * Registered only in those tests' face workers; the retry, SIGKILL and end-to-end tests use the real activity.
 */
export function checkFaceSimilarityTestDouble(behaviour: FaceDoubleBehaviour): FaceActivities & {
  calls: CheckFaceSimilarityInput[];
} {
  const calls: CheckFaceSimilarityInput[] = [];
  return {
    calls,
    checkFaceSimilarity: async (input) => {
      calls.push(input);
      return { ...(await behaviour(input)), reused: false };
    },
  };
}

export function faceResultForTest(outcome: FaceMatchResult['outcome'], reasons: string[] = []) {
  return {
    idempotencyKey: `fs_test_${uniqueSuffix()}`,
    outcome,
    reasons,
    similarity: outcome === 'approved' ? 0.91 : 0.42,
    liveness: { antispoof: 0.9, live: 0.9, motion: 0.5, consistency: 0.9, risk: 'low' as const },
    pipelineVersion: 'test-double',
    bestFrameKeys: [],
  };
}

/** Polls until fn returns a value other than undefined; for state reached through a worker, not for timing. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  stepMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The real main-queue activities (recordSessionStatus, deliverWebhook) over the test database. */
export function realMainActivities(db: Db, blobs: BlobStore): MainActivities {
  const { recordSessionStatus, deliverWebhook } = createActivities({
    db,
    blobs,
    faceEngine: () => Promise.reject(new Error('the main worker never runs inference')),
    workerId: `test-main-${uniqueSuffix()}`,
    claimLeaseSeconds: 10,
  });
  return { recordSessionStatus, deliverWebhook };
}

/** Stores real generated sample media (src/face/testmedia) in the blob store, as the API would, and returns refs. */
export async function storeSampleMedia(
  blobs: BlobStore,
  dir: string,
  options: { person?: string; impostor?: boolean } = {},
): Promise<{ idImage: FileRef; selfieVideo: FileRef }> {
  const { makeSample } = await import('../../src/face/testmedia');
  const sample = await makeSample(dir, options);
  const put = async (kind: FileKind, file: string, accept: 'image' | 'video'): Promise<FileRef> => {
    const stored = await blobs.put(createReadStream(file), { maxBytes: 50 * 1024 * 1024, accept });
    return {
      kind,
      storageKey: stored.key,
      sha256: stored.sha256,
      size: stored.size,
      mediaType: stored.mediaType,
    };
  };
  return {
    idImage: await put('id_image', sample.idImage, 'image'),
    selfieVideo: await put('selfie_video', sample.selfieVideo, 'video'),
  };
}
