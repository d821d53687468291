// The whole stack in this test process, as `npm start` composes it: runtime (Postgres, blobs, Temporal), the main
// worker, the face worker with the real face engine, and the HTTP API on a free port. Workers use unique task
// queues so other tests' workers never pick up these sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities';
import { buildApp } from '../../src/api/app';
import { bootstrapAuth, type AuthBootstrap } from '../../src/auth/bootstrap';
import { loadConfig } from '../../src/config';
import { createFaceEngine, type FaceEngineConfig } from '../../src/face';
import { createRuntime, type Runtime } from '../../src/runtime';
import { findFreePort } from '../../src/temporal/ports';
import { createFaceWorker, createMainWorker } from '../../src/workers/factories';
import { installWorkerRuntime } from '../../src/workers/sdk-runtime';
import { TEST_DATABASE_URL } from '../helpers/db';
import { uniqueQueues } from '../helpers/temporal';

export interface E2EStack {
  url: string;
  runtime: Runtime;
  auth: AuthBootstrap;
  operatorPassword: string;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export interface E2EStackOptions {
  /** Face engine settings for this stack, e.g. thresholds that put a genuine pair in the review band. */
  face?: Partial<FaceEngineConfig>;
  env?: Record<string, string>;
}

export async function startE2EStack(options: E2EStackOptions = {}): Promise<E2EStack> {
  installWorkerRuntime('warn');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-e2e-'));
  const port = await findFreePort();
  const operatorPassword = `e2e-${Math.random().toString(36).slice(2)}`;
  const embedded = !process.env.TEMPORAL_ADDRESS;
  const config = loadConfig({
    ...process.env,
    KYC_DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: TEST_DATABASE_URL,
    KYC_OPERATOR_PASSWORD: operatorPassword,
    TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233',
    LOG_LEVEL: 'warn',
    ...(embedded
      ? {
          TEMPORAL_DEV_PORT: String(await findFreePort()),
          TEMPORAL_DEV_UI_PORT: String(await findFreePort()),
        }
      : {}),
    ...options.env,
  });
  const runtime = await createRuntime(config);
  const closers: Array<() => Promise<unknown>> = [() => runtime.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => console.error('e2e close', err));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const queues = uniqueQueues();
    const engine = createFaceEngine(options.face ?? {});
    const activities = createActivities({
      db: runtime.db,
      blobs: runtime.blobs,
      faceEngine: () => engine,
      workerId: `e2e-${process.pid}`,
      claimLeaseSeconds: config.FACE_CLAIM_LEASE_SECONDS,
      webhooks: { timeoutSeconds: config.WEBHOOK_TIMEOUT_SECONDS },
    });
    const connection = await NativeConnection.connect({ address: runtime.temporalAddress });
    closers.push(() => connection.close());
    const workers = [
      await createMainWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        activities,
        taskQueue: queues.main,
      }),
      await createFaceWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        activities,
        taskQueue: queues.face,
        maxConcurrentActivities: 1,
        shutdownGraceSeconds: 5,
      }),
    ];
    const running = workers.map((w) => w.run());
    closers.push(async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await (await engine.catch(() => null))?.dispose();
    });

    const auth = await bootstrapAuth(runtime.db, config);
    const app: FastifyInstance = await buildApp({
      runtime,
      auth,
      taskQueues: { main: queues.main, faceMatch: queues.face },
    });
    await app.listen({ host: '127.0.0.1', port });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${port}`;

    const api = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${auth.apiKey.value}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    return { url, runtime, auth, operatorPassword, api, close };
  } catch (err) {
    await close();
    throw err;
  }
}
