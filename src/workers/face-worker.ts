// `npm run face-worker`: only checkFaceSimilarity, on the face-match task queue, FACE_CONCURRENCY at a time.
// Scale these apart from the main workers (on GPU machines in production).
import { createActivities } from '../activities';
import { createActivityDeps, lazyFaceEngine } from './activity-deps';
import { createFaceWorker } from './factories';
import { exitOnFailure, runStandaloneWorker } from './standalone';

export function runFaceWorker(): Promise<void> {
  return runStandaloneWorker('face worker', async ({ config, runtime, connection }) => {
    const { db, blobs } = runtime;
    const engine = lazyFaceEngine(config.face);
    // Load the models before polling, so a task is only taken by a worker that can run it at once.
    const started = Date.now();
    await engine.get();
    console.log(`face worker: models loaded in ${Date.now() - started} ms`);
    const deps = createActivityDeps(config, { db, blobs, faceEngine: engine.get }, 'face');
    const worker = await createFaceWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.KYC_FACE_TASK_QUEUE,
      activities: createActivities(deps),
      maxConcurrentActivities: config.FACE_CONCURRENCY,
      shutdownGraceSeconds: config.FACE_WORKER_SHUTDOWN_GRACE_SECONDS,
      identity: deps.workerId,
    });
    return { worker, dispose: engine.dispose };
  });
}

if (require.main === module) exitOnFailure(runFaceWorker());
