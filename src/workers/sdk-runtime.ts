// The Temporal worker runtime is process-wide: install it once, before the first NativeConnection, so our own
// signal handling decides the shutdown order (API, then workers, then connections, database, dev server).
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config';

const LEVELS: Record<Config['LOG_LEVEL'], LogLevel> = {
  fatal: 'ERROR',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
  silent: 'ERROR',
};

let installed = false;

export function installWorkerRuntime(logLevel: Config['LOG_LEVEL']): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(LEVELS[logLevel]), shutdownSignals: [] });
}

/** Runs stop() once on SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
