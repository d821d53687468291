// `npm start` as a real process: the embedded stack (dev server on a SQLite file, PGlite, workers, API) comes up,
// accepts an upload, is stopped with SIGTERM (taking its dev server down with it), and started again on the same
// data directory: the session is still there and completes with the real face engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, isPortFree } from '../../../src/temporal/ports';
import { makeSample } from '../../../src/face/testmedia';
import { eventually } from '../../helpers/temporal';

const REPO_ROOT = path.resolve(__dirname, '../../..');
let dataDir: string;
let ports: { api: number; temporal: number; ui: number };
const children: ChildProcess[] = [];

interface StackProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function startStack(): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KYC_DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_DEV_UI_PORT: String(ports.ui),
      LOG_LEVEL: 'warn',
      ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
      ...(process.env.KYC_FACES_DIR ? { KYC_FACES_DIR: process.env.KYC_FACES_DIR } : {}),
    },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('kyc-orchestrator is running')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`npm start exited early (${code}):\n${output}`)));
  });
  return { child, exited };
}

const api = (p: string) => `http://127.0.0.1:${ports.api}${p}`;
const headers = () => ({
  authorization: `Bearer ${readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim()}`,
});

async function upload(sessionId: string, kind: string, file: string): Promise<void> {
  const res = await fetch(api(`/v1/sessions/${sessionId}/files/${kind}`), {
    method: 'PUT',
    headers: { ...headers(), 'content-type': 'application/octet-stream' },
    body: readFileSync(file),
  });
  assert.equal(res.status, 202, await res.text());
}

async function getSession(sessionId: string): Promise<{ status: string; files: Record<string, unknown> }> {
  const res = await fetch(api(`/v1/sessions/${sessionId}`), { headers: headers() });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: string; files: Record<string, unknown> };
}

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-stack-'));
  ports = { api: await findFreePort(), temporal: await findFreePort(), ui: await findFreePort() };
});

after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

void describe('npm start (src/main.ts) as a process', () => {
  void test('stops cleanly with SIGTERM and resumes a session after a restart on the same data directory', async () => {
    const sample = await makeSample(path.join(dataDir, 'sample'));
    const first = await startStack();
    const created = await fetch(api('/v1/sessions'), {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ reference: 'stack-restart' }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    await upload(id, 'id_image', sample.idImage);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, 'clean exit on SIGTERM');
    assert.equal(await isPortFree(ports.temporal), true, 'the dev server stopped with the stack');

    const second = await startStack();
    const resumed = await getSession(id);
    assert.equal(resumed.status, 'awaiting_files');
    assert.ok(resumed.files.id_image !== undefined, 'the upload accepted before the restart is kept');
    await upload(id, 'selfie_video', sample.selfieVideo);
    const done = await eventually(
      async () => {
        const s = await getSession(id);
        return ['awaiting_files', 'processing'].includes(s.status) ? undefined : s;
      },
      180_000,
      500,
    );
    assert.equal(done.status, 'approved');

    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
