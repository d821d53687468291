// Runs the Temporal CLI dev server as a child process: the embedded default when TEMPORAL_ADDRESS is unset.
// State lives in a SQLite file, so sessions survive a restart of the stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureTemporalCli } from './cli';
import { findFreePort, isPortFree } from './ports';
import { REQUIRED_SEARCH_ATTRIBUTES, hasSearchAttributes } from './search-attributes';

export interface DevServerOptions {
  /** SQLite file holding the server's state, created on first start; undefined keeps state in memory (tests). */
  dbFile?: string | undefined;
  cliPath?: string | undefined;
  ip?: string;
  /** gRPC frontend port; 0 picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one; null disables the UI. */
  uiPort?: number | null;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  readyTimeoutMs?: number;
  /** Register KycStatus at start (default). Off only to stand in for a cluster that lacks them (tests). */
  registerSearchAttributes?: boolean;
}

export interface DevServer {
  address: string;
  port: number;
  uiUrl: string | null;
  namespace: string;
  dbFile: string | null;
  pid: number;
  stop(): Promise<void>;
}

export class DevServerError extends Error {
  override readonly name = 'DevServerError';
  readonly code = 'TEMPORAL_DEV_SERVER_FAILED';
}

const OUTPUT_TAIL_CHARS = 4000;

type ResolvedOptions = Required<Omit<DevServerOptions, 'cliPath' | 'uiPort' | 'dbFile'>> & {
  dbFile: string | null;
};

function devServerArgs(o: ResolvedOptions, port: number, uiPort: number | null) {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(port)];
  if (o.dbFile !== null) args.push('--db-filename', o.dbFile);
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  args.push('--log-level', o.logLevel);
  const attributes = o.registerSearchAttributes ? Object.entries(REQUIRED_SEARCH_ATTRIBUTES) : [];
  for (const [name, type] of attributes) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const o: ResolvedOptions = {
    dbFile: options.dbFile === undefined ? null : path.resolve(options.dbFile),
    ip: options.ip ?? '127.0.0.1',
    port: options.port ?? 0,
    namespace: options.namespace ?? 'default',
    logLevel: options.logLevel ?? 'warn',
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    registerSearchAttributes: options.registerSearchAttributes ?? true,
  };
  const cli = ensureTemporalCli(options.cliPath);
  if (o.dbFile !== null) mkdirSync(path.dirname(o.dbFile), { recursive: true });
  const port = o.port === 0 ? await findFreePort(o.ip) : o.port;
  const uiPort =
    options.uiPort === null
      ? null
      : options.uiPort === 0 || options.uiPort === undefined
        ? await findFreePort(o.ip)
        : options.uiPort;
  // Otherwise the readiness probe could reach a different server already listening there.
  for (const p of [port, uiPort]) {
    if (p !== null && !(await isPortFree(p, o.ip))) {
      throw new DevServerError(
        `cannot start the Temporal dev server: port ${o.ip}:${p} is already in use (pick other ports: TEMPORAL_DEV_PORT, TEMPORAL_DEV_UI_PORT)`,
      );
    }
  }
  const child = spawn(cli, devServerArgs(o, port, uiPort), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const address = `${o.ip}:${port}`;
  try {
    await waitUntilReady(address, o, exited, () => output);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopChild(child, exited);
    throw err;
  }
  return {
    address,
    port,
    uiUrl: uiPort === null ? null : `http://${o.ip}:${uiPort}`,
    namespace: o.namespace,
    dbFile: o.dbFile,
    pid: child.pid ?? -1,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child, exited);
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // SQLite state is flushed on a graceful stop; a hung server must not hang our shutdown too.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitUntilReady(
  address: string,
  o: Pick<ResolvedOptions, 'namespace' | 'readyTimeoutMs' | 'registerSearchAttributes'>,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + o.readyTimeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new DevServerError(
        `Temporal dev server exited with code ${exitCode} before it was ready:\n${output()}`,
      );
    }
    try {
      if (await probe(address, o.namespace, o.registerSearchAttributes)) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new DevServerError(
    `Temporal dev server at ${address} not ready after ${o.readyTimeoutMs} ms (${String(lastError)}):\n${output()}`,
  );
}

/** Ready means: frontend answers, the namespace exists and our search attributes are registered. */
async function probe(address: string, namespace: string, withAttributes: boolean): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return withAttributes ? await hasSearchAttributes(connection, namespace) : true;
  } finally {
    await connection.close();
  }
}
