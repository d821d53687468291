// Worker readiness as seen from an API process that runs no workers itself: Temporal lists the pollers of each
// task queue, so "a worker polled this queue within the last minute" is the readiness signal.
import type { Client } from '@temporalio/client';

// temporal.api.enums.v1.TaskQueueType values (numbers, to avoid a direct dependency on @temporalio/proto).
const WORKFLOW_TASKS = 1;
const ACTIVITY_TASKS = 2;
const RECENT_POLL_MS = 60_000;

async function hasRecentPoller(client: Client, taskQueue: string, type: number): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: type,
  });
  const now = Date.now();
  return (response.pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return now - seconds * 1000 < RECENT_POLL_MS;
  });
}

export function taskQueuePollerReadiness(
  client: Client,
  queues: { main: string; faceMatch: string },
): () => Promise<Record<string, boolean>> {
  return async () => {
    const [mainWorkflows, mainActivities, faceWorker] = await Promise.all([
      hasRecentPoller(client, queues.main, WORKFLOW_TASKS),
      hasRecentPoller(client, queues.main, ACTIVITY_TASKS),
      hasRecentPoller(client, queues.faceMatch, ACTIVITY_TASKS),
    ]);
    return { mainWorker: mainWorkflows && mainActivities, faceWorker };
  };
}
