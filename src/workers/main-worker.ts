// `npm run worker`: workflows and the light activities (recording, webhooks) on the main task queue.
import { createActivities } from '../activities';
import { createActivityDeps, lazyFaceEngine } from './activity-deps';
import { createMainWorker } from './factories';
import { exitOnFailure, runStandaloneWorker } from './standalone';

export function runMainWorker(): Promise<void> {
  return runStandaloneWorker('main worker', async ({ config, runtime, connection }) => {
    const { db, blobs } = runtime;
    const deps = createActivityDeps(
      config,
      { db, blobs, faceEngine: lazyFaceEngine(config.face).get },
      'main',
    );
    const worker = await createMainWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.KYC_MAIN_TASK_QUEUE,
      activities: createActivities(deps),
      identity: deps.workerId,
    });
    return { worker };
  });
}

if (require.main === module) exitOnFailure(runMainWorker());
