import { spawn } from 'node:child_process';

/** ffmpeg ships through npm; FFMPEG_PATH overrides it (e.g. a system build with more codecs). */
export function resolveFfmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** ffprobe likewise; FFPROBE_PATH overrides it. */
export function resolveFfprobePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FFPROBE_PATH) return env.FFPROBE_PATH;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  stdin?: Buffer | AsyncIterable<Buffer>;
  timeoutMs?: number;
  maxStdoutBytes?: number;
  signal?: AbortSignal;
}

/** Runs a binary, collecting stdout (bounded) and the tail of stderr. Never throws for a non-zero exit. */
export function runBinary(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let overflow = false;
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (opts.maxStdoutBytes && size > opts.maxStdoutBytes) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (overflow) stderr += '\n[stdout limit exceeded]';
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading all input
    void writeStdin(child.stdin, opts.stdin);
  });
}

async function writeStdin(stdin: NodeJS.WritableStream, input: RunOptions['stdin']): Promise<void> {
  if (!input) {
    stdin.end();
    return;
  }
  if (Buffer.isBuffer(input)) {
    stdin.end(input);
    return;
  }
  for await (const chunk of input) {
    if (!stdin.write(chunk)) await new Promise((r) => stdin.once('drain', r));
  }
  stdin.end();
}
