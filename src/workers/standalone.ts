// Shared start-up of the standalone worker processes (npm run worker / npm run face-worker).
import type { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../config';
import { createRuntime, type Runtime } from '../runtime';
import { connectWorker } from '../temporal/connection';
import { installWorkerRuntime, onShutdownSignal } from './sdk-runtime';
import type { NativeConnection } from '@temporalio/worker';

/** Separate processes only meet through a shared Temporal and Postgres; embedded ones would each be private. */
export function assertSharedInfrastructure(config: Config, processName: string): void {
  const missing = [
    config.temporalEmbedded ? 'TEMPORAL_ADDRESS' : undefined,
    config.databaseEmbedded ? 'DATABASE_URL' : undefined,
  ].filter((v) => v !== undefined);
  if (missing.length === 0) return;
  throw new Error(
    `${processName} runs beside the API and other workers: set ${missing.join(' and ')}, ` +
      'or run the whole embedded stack in one process with npm start',
  );
}

export interface StandaloneContext {
  config: Config;
  runtime: Runtime;
  connection: NativeConnection;
}

/** Runs one worker until SIGINT/SIGTERM; shutdown lets in-flight activities finish within the worker's grace time. */
export async function runStandaloneWorker(
  processName: string,
  build: (ctx: StandaloneContext) => Promise<{ worker: Worker; dispose?: () => Promise<void> }>,
): Promise<void> {
  const config = loadConfig();
  assertSharedInfrastructure(config, processName);
  installWorkerRuntime(config.LOG_LEVEL);
  const runtime = await createRuntime(config, { startDevServer: false });
  const connection = await connectWorker(config, runtime.temporalAddress);
  const { worker, dispose } = await build({ config, runtime, connection });
  onShutdownSignal(async (signal) => {
    console.log(`${processName}: ${signal}, draining in-flight tasks`);
    worker.shutdown();
  });
  console.log(`${processName} polling task queue ${worker.options.taskQueue} at ${runtime.temporalAddress}`);
  try {
    await worker.run();
  } finally {
    await dispose?.();
    await connection.close();
    await runtime.close();
  }
}

export function exitOnFailure(promise: Promise<void>): void {
  promise.then(
    () => process.exit(0),
    (err: unknown) => {
      // Start-up problems (missing settings, unreachable services) read best as one line; stacks on request.
      const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
      console.error(err instanceof Error ? (verbose ? (err.stack ?? err.message) : err.message) : err);
      process.exit(1);
    },
  );
}
