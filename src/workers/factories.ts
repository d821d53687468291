// Worker factories shared by the process entry points, src/main.ts and the tests.
// The main worker runs workflows and light activities; the face worker runs only face inference, so it can be
// scaled (and given GPUs) on its own without ever loading workflow code.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUES } from '../definitions';
import type { FaceActivities, MainActivities } from '../workflows/activity-types';

type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

export interface MainWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: MainActivities;
  taskQueue?: string;
  /** A pre-built bundle (tests bundle once per file); defaults to bundling src/workflows at start. */
  workflows?: WorkflowSource;
  identity?: string;
}

export interface FaceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: FaceActivities;
  taskQueue?: string;
  /** FACE_CONCURRENCY: parallel inferences per worker; inference is CPU/GPU-bound, so keep it near the cores. */
  maxConcurrentActivities: number;
  /** FACE_WORKER_SHUTDOWN_GRACE_SECONDS: in-flight inference may finish before the worker stops. */
  shutdownGraceSeconds: number;
  identity?: string;
  /** Activity interceptors, e.g. tracing; tests use one to inject failures in front of the real activity. */
  interceptors?: WorkerOptions['interceptors'];
}

export const defaultWorkflowSource = (): WorkflowSource => ({
  workflowsPath: require.resolve('../workflows'),
});

export async function createMainWorker(options: MainWorkerOptions): Promise<Worker> {
  const { recordSessionStatus, deliverWebhook } = options.activities;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUES.main,
    ...(options.workflows ?? defaultWorkflowSource()),
    activities: { recordSessionStatus, deliverWebhook },
    ...(options.identity !== undefined ? { identity: options.identity } : {}),
  });
}

export async function createFaceWorker(options: FaceWorkerOptions): Promise<Worker> {
  const { checkFaceSimilarity } = options.activities;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUES.faceMatch,
    activities: { checkFaceSimilarity },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    shutdownGraceTime: `${options.shutdownGraceSeconds}s`,
    ...(options.interceptors !== undefined ? { interceptors: options.interceptors } : {}),
    ...(options.identity !== undefined ? { identity: options.identity } : {}),
  });
}
