// `npm start`: the whole stack in one process on embedded defaults — Temporal dev server (SQLite file and Web UI),
// PGlite (or DATABASE_URL), local blob storage, the main and face workers, and the HTTP API.
import type { Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { buildApp } from './api/app';
import { bootstrapAuth, type AuthBootstrap } from './auth/bootstrap';
import { loadConfig, type Config } from './config';
import { createRuntime, type Runtime } from './runtime';
import { connectWorker } from './temporal/connection';
import { createActivityDeps, lazyFaceEngine } from './workers/activity-deps';
import { createFaceWorker, createMainWorker } from './workers/factories';
import { installWorkerRuntime, onShutdownSignal } from './workers/sdk-runtime';

function banner(config: Config, runtime: Runtime, auth: AuthBootstrap, apiUrl: string): string {
  const uiUrl = config.TEMPORAL_UI_URL ?? runtime.devServer?.uiUrl ?? '(Temporal Web UI of your cluster)';
  const password = auth.operator.password ?? `(unchanged; see ${config.dataDir}/operator-password)`;
  return [
    '',
    'kyc-orchestrator is running',
    `  API              ${apiUrl}   (OpenAPI docs: ${apiUrl}/docs)`,
    `  API key          ${auth.apiKey.value}`,
    `  Capture page     ${config.publicUrl}/`,
    `  Operator console ${config.publicUrl}/console   login ${auth.operator.username} / ${password}`,
    `  Temporal UI      ${uiUrl}`,
    `  Data directory   ${config.dataDir}`,
    '',
  ].join('\n');
}

async function startWorkers(config: Config, runtime: Runtime) {
  const connection = await connectWorker(config, runtime.temporalAddress);
  const engine = lazyFaceEngine(config.face);
  const { db, blobs } = runtime;
  const activities = createActivities(
    createActivityDeps(config, { db, blobs, faceEngine: engine.get }, 'all'),
  );
  const namespace = config.TEMPORAL_NAMESPACE;
  const workers: Worker[] = [
    await createMainWorker({ connection, namespace, taskQueue: config.KYC_MAIN_TASK_QUEUE, activities }),
    await createFaceWorker({
      connection,
      namespace,
      taskQueue: config.KYC_FACE_TASK_QUEUE,
      activities,
      maxConcurrentActivities: config.FACE_CONCURRENCY,
      shutdownGraceSeconds: config.FACE_WORKER_SHUTDOWN_GRACE_SECONDS,
    }),
  ];
  // Warm the models in the background: the API is usable at once, the first inference does not pay the load.
  engine
    .get()
    .catch((err: unknown) => console.error('face engine failed to load; retried on first use', err));
  const running = Promise.all(workers.map((w) => w.run()));
  const stop = async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running.catch(() => undefined);
    await engine.dispose();
    await connection.close();
  };
  const ready = async () => ({
    mainWorker: workers[0]?.getState() === 'RUNNING',
    faceWorker: workers[1]?.getState() === 'RUNNING',
  });
  return { running, stop, ready };
}

export async function main(): Promise<void> {
  const config = loadConfig();
  installWorkerRuntime(config.LOG_LEVEL);
  const runtime = await createRuntime(config);
  const workers = await startWorkers(config, runtime);
  const auth = await bootstrapAuth(runtime.db, config);
  const app = await buildApp({
    runtime,
    auth,
    readiness: workers.ready,
    taskQueues: { main: config.KYC_MAIN_TASK_QUEUE, faceMatch: config.KYC_FACE_TASK_QUEUE },
    logger: { level: config.LOG_LEVEL },
  });
  const stop = async () => {
    await app.close();
    await workers.stop();
    await runtime.close();
  };
  onShutdownSignal(async (signal) => {
    console.log(`${signal}: stopping (in-flight inference may finish first)`);
    await stop();
  });
  // A worker that dies (e.g. Temporal unreachable for too long) takes the process down rather than half-serving.
  workers.running.catch(async (err: unknown) => {
    console.error('a worker stopped with an error', err);
    await stop();
    process.exit(1);
  });
  const apiUrl = await app.listen({ host: config.HOST, port: config.PORT }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  console.log(banner(config, runtime, auth, apiUrl));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
