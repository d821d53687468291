// `kyc verify`: the quickest end-to-end check of a running stack. Creates a session, uploads both files with the
// tenant API key, waits for the decision and prints it (or one JSON object with --json).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Decision, SessionStatus } from '../definitions';

const USAGE = `usage: kyc verify --id-image FILE --selfie-video FILE [--api URL] [--api-key KEY] [--json] [--timeout S]

  --api       API base URL (default: KYC_API_URL, else http://localhost:$PORT, PORT default 3000)
  --api-key   tenant API key (default: KYC_API_KEY, else the key npm start saved in <KYC_DATA_DIR>/api-key)
  --json      print one JSON object: {sessionId, status, decision, error, ...}
  --timeout   seconds to wait for a decision (default 300)
  --reference your own reference stored with the session (default: kyc-verify)

exit codes: 0 a decision was reached (approved, declined or needs_review), 1 error or failed session,
            2 bad usage, 3 no decision within --timeout`;

const WAITING: SessionStatus[] = ['awaiting_files', 'processing'];

interface VerifyOptions {
  idImage: string;
  selfieVideo: string;
  api: string;
  apiKey: string;
  json: boolean;
  timeoutSeconds: number;
  reference: string;
}

interface SessionView {
  id: string;
  status: SessionStatus;
  decision: Decision | null;
  error: { code: string; message: string } | null;
  inferenceRuns?: { completed: number; died: number };
  temporalUiUrl?: string | null;
}

class UsageError extends Error {}
class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function defaultApiKey(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KYC_API_KEY?.trim()) return env.KYC_API_KEY.trim();
  const file = path.resolve(env.KYC_DATA_DIR ?? './data', 'api-key');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function parseVerifyArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): VerifyOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'id-image': { type: 'string' },
        'selfie-video': { type: 'string' },
        api: { type: 'string' },
        'api-key': { type: 'string' },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        reference: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const idImage = values['id-image'];
  const selfieVideo = values['selfie-video'];
  if (!idImage || !selfieVideo) throw new UsageError('--id-image and --selfie-video are required');
  const apiKey = values['api-key'] ?? defaultApiKey(env);
  if (!apiKey)
    throw new UsageError('no API key: pass --api-key, set KYC_API_KEY, or run npm start once to create one');
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new UsageError('--timeout must be a positive number');
  const api = (values.api ?? env.KYC_API_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
  return {
    idImage,
    selfieVideo,
    api,
    apiKey,
    json: values.json ?? false,
    timeoutSeconds,
    reference: values.reference ?? 'kyc-verify',
  };
}

async function call<T>(
  o: VerifyOptions,
  method: string,
  route: string,
  body?: Buffer | object,
  headers = {},
): Promise<T> {
  const isJson = body !== undefined && !Buffer.isBuffer(body);
  let res: Response;
  try {
    res = await fetch(`${o.api}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${o.apiKey}`,
        ...(isJson ? { 'content-type': 'application/json' } : {}),
        ...(Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isJson ? JSON.stringify(body) : new Uint8Array(body as Buffer) }),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ApiCallError(
      'API_UNREACHABLE',
      `cannot reach ${o.api} (${cause}); is the stack running (npm start)?`,
    );
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiCallError(e?.code ?? `HTTP_${res.status}`, e?.message ?? (text || res.statusText));
  }
  return data as T;
}

async function readInput(file: string, what: string): Promise<Buffer> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile())
    throw new UsageError(`${what} ${file} does not exist or is not a file`);
  return readFile(file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForDecision(
  o: VerifyOptions,
  id: string,
  log: (s: string) => void,
): Promise<SessionView | null> {
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let last: SessionStatus | undefined;
  while (Date.now() < deadline) {
    const s = await call<SessionView>(o, 'GET', `/v1/sessions/${encodeURIComponent(id)}`);
    if (s.status !== last) log(`  status: ${s.status}`);
    last = s.status;
    if (!WAITING.includes(s.status)) return s;
    await sleep(1000);
  }
  return null;
}

function describe(s: SessionView, o: VerifyOptions): string {
  const d = s.decision;
  const lines = [`Session ${s.id}: ${s.status.toUpperCase()}`];
  if (d) {
    lines.push(`  similarity:    ${d.similarity === null ? 'n/a' : d.similarity.toFixed(3)}`);
    if (d.liveness) lines.push(`  liveness risk: ${d.liveness.risk}`);
    lines.push(`  reasons:       ${d.reasons.length ? d.reasons.join(', ') : '-'}`);
  }
  if (s.error) lines.push(`  error:         ${s.error.code}: ${s.error.message}`);
  if (s.status === 'needs_review') lines.push(`  review it at  ${o.api}/console#/sessions/${s.id}`);
  if (s.temporalUiUrl) lines.push(`  history:       ${s.temporalUiUrl}`);
  return lines.join('\n');
}

async function verify(o: VerifyOptions): Promise<number> {
  const started = Date.now();
  const log = o.json ? () => undefined : (s: string) => console.log(s);
  const [idBytes, videoBytes] = await Promise.all([
    readInput(o.idImage, '--id-image'),
    readInput(o.selfieVideo, '--selfie-video'),
  ]);
  const session = await call<{ id: string }>(
    o,
    'POST',
    '/v1/sessions',
    { reference: o.reference },
    {
      'idempotency-key': randomUUID(),
    },
  );
  log(`Created session ${session.id} at ${o.api}`);
  for (const [kind, bytes] of [
    ['id_image', idBytes],
    ['selfie_video', videoBytes],
  ] as const) {
    const r = await call<{ sha256: string; mediaType: string }>(
      o,
      'PUT',
      `/v1/sessions/${session.id}/files/${kind}`,
      bytes,
    );
    log(`  uploaded ${kind}: ${bytes.length} bytes, ${r.mediaType}, sha256 ${r.sha256.slice(0, 12)}…`);
  }
  const final = await waitForDecision(o, session.id, log);
  const elapsedMs = Date.now() - started;
  if (final === null) {
    if (o.json)
      console.log(JSON.stringify({ sessionId: session.id, status: 'timeout', decision: null, elapsedMs }));
    else console.error(`kyc verify: no decision for ${session.id} within ${o.timeoutSeconds} s`);
    return 3;
  }
  if (o.json) {
    console.log(JSON.stringify({ sessionId: final.id, ...final, elapsedMs }));
  } else {
    console.log(describe(final, o));
    console.log(`  took ${(elapsedMs / 1000).toFixed(1)} s`);
  }
  return ['approved', 'declined', 'needs_review'].includes(final.status) ? 0 : 1;
}

export async function runVerify(argv: string[]): Promise<number> {
  let options: VerifyOptions | 'help';
  try {
    options = parseVerifyArgs(argv);
  } catch (err) {
    console.error(`kyc verify: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const json = options.json;
  try {
    return await verify(options);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`kyc verify: ${err.message}`);
      return 2;
    }
    const code = err instanceof ApiCallError ? err.code : 'ERROR';
    const message = (err as Error).message;
    if (json) console.log(JSON.stringify({ status: 'error', decision: null, error: { code, message } }));
    else console.error(`kyc verify: ${code}: ${message}`);
    return 1;
  }
}
