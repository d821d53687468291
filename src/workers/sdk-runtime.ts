// The Temporal worker runtime is process-wide: install it once, before the first NativeConnection, so our own
// signal handling decides the shutdown order (API, then workers, then connections, database, dev server).
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
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

// The face worker runs activities only, by design; the SDK warns about that at every start.
const EXPECTED_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);

function logEntry(entry: LogEntry): void {
  if (EXPECTED_WARNINGS.has(entry.message)) return;
  const line = `${new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString()} [${entry.level}] ${entry.message}`;
  const write = entry.level === 'ERROR' ? console.error : entry.level === 'WARN' ? console.warn : console.log;
  if (entry.meta === undefined) write(line);
  else write(line, entry.meta);
}

export function installWorkerRuntime(logLevel: Config['LOG_LEVEL']): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(LEVELS[logLevel], logEntry), shutdownSignals: [] });
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
