// Finds the Temporal CLI that runs the embedded dev server. Order: TEMPORAL_CLI_PATH, PATH, then Go's bin directory,
// which is where `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` puts it.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  readonly code = 'TEMPORAL_CLI_NOT_FOUND';
}

const INSTALL_HINT =
  'Install it with `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, put `temporal` on PATH or set ' +
  'TEMPORAL_CLI_PATH; or set TEMPORAL_ADDRESS to use an existing Temporal server.';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPath(env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  return dirs.map((d) => path.join(d, 'temporal')).find(isExecutable);
}

function goBinDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  if (env.GOBIN) dirs.push(env.GOBIN);
  if (env.GOPATH) dirs.push(...env.GOPATH.split(path.delimiter).map((p) => path.join(p, 'bin')));
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (gopath.trim() !== '') dirs.push(path.join(gopath.trim(), 'bin'));
  } catch {
    // Go is optional: without it we only miss one place to look.
  }
  if (env.HOME) dirs.push(path.join(env.HOME, 'go', 'bin'));
  return dirs;
}

export function locateTemporalCli(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (explicit !== undefined) {
    if (isExecutable(explicit)) return explicit;
    throw new TemporalCliNotFoundError(
      `TEMPORAL_CLI_PATH=${explicit} is not an executable file. ${INSTALL_HINT}`,
    );
  }
  const found =
    fromPath(env) ??
    goBinDirs(env)
      .map((d) => path.join(d, 'temporal'))
      .find(isExecutable);
  if (found !== undefined) return found;
  throw new TemporalCliNotFoundError(`The Temporal CLI was not found. ${INSTALL_HINT}`);
}

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function hasGo(env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync('go', ['version'], { env, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Like locateTemporalCli, but where Go exists and the CLI does not, builds it once with `go install`
 * (v1.5.1: later tags carry a replace directive and cannot be installed that way).
 */
export function ensureTemporalCli(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  try {
    return locateTemporalCli(explicit, env);
  } catch (err) {
    if (explicit !== undefined || !(err instanceof TemporalCliNotFoundError) || !hasGo(env)) throw err;
  }
  console.error(
    `Temporal CLI not found; building it with \`go install ${TEMPORAL_CLI_MODULE}\` (once, a few minutes)`,
  );
  execFileSync('go', ['install', TEMPORAL_CLI_MODULE], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return locateTemporalCli(undefined, env);
}
