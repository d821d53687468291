import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { bearer, createSession, startHarness, upload, type Harness } from './harness';
import { eventually } from '../../helpers/temporal';
import { workflowIdFor } from '../../../src/definitions';

/** node:http, so hop-by-hop headers such as Connection stay visible. */
function rawRequest(base: string, method: string, path: string, body?: Buffer) {
  return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = http.request(
      new URL(path, base),
      { method, headers: { authorization: 'Bearer kyc_sk_wrong' } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      },
    );
    // The server may close while we still write: that is the point, not a failure.
    req.on('error', (err) =>
      err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err),
    );
    req.end(body);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ID_LIMIT = 200_000;

void describe('uploads API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { KYC_MAX_ID_IMAGE_BYTES: String(ID_LIMIT) } });
  });
  after(async () => {
    await h?.close();
  });

  const getSession = async (id: string, token = h.tenant.apiKey) =>
    h.app.inject({ method: 'GET', url: `/v1/sessions/${id}`, headers: bearer(token) });

  const waitForStatus = (id: string, status: string) =>
    eventually(async () => ((await getSession(id)).json().status === status ? true : undefined));

  void test('accepts an ID image (202 with digest), records it, and a retry is a no-op', async () => {
    const { id } = await createSession(h);
    const res = await upload(h, id, 'id_image', h.media.jpeg, undefined, 'image/jpeg');
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), {
      kind: 'id_image',
      sha256: sha(h.media.jpeg),
      size: h.media.jpeg.length,
      mediaType: 'image/jpeg',
      replaced: false,
      status: 'awaiting_files',
    });
    const body = (await getSession(id)).json();
    assert.equal(body.files.id_image.sha256, sha(h.media.jpeg));
    assert.equal(body.files.selfie_video, undefined);

    const retry = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(retry.statusCode, 202);
    assert.equal(retry.json().replaced, false);

    // A different image before processing replaces the first (latest wins); the declared type is ignored.
    const replaced = await upload(h, id, 'id_image', h.media.png, undefined, 'application/json');
    assert.equal(replaced.statusCode, 202, replaced.body);
    assert.equal(replaced.json().replaced, true);
    assert.equal(replaced.json().mediaType, 'image/png');
    assert.equal((await getSession(id)).json().files.id_image.sha256, sha(h.media.png));

    // Sending the first image again after the second is a new upload, not a replay of the first one.
    const again = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.json().replaced, true);
    assert.equal((await getSession(id)).json().files.id_image.sha256, sha(h.media.jpeg));
  });

  void test('both files -> processing; a further upload -> 409 PROCESSING_STARTED', async () => {
    const { id } = await createSession(h);
    assert.equal((await upload(h, id, 'selfie_video', h.media.mp4)).statusCode, 202);
    const second = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(second.statusCode, 202, second.body);
    // Straight away (the workflow refuses) and once the projection says processing (the API refuses early).
    const late = await upload(h, id, 'id_image', h.media.png);
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json().error.code, 'PROCESSING_STARTED');
    await waitForStatus(id, 'processing');
    const later = await upload(h, id, 'selfie_video', h.media.mp4);
    assert.equal(later.statusCode, 409);
    assert.equal(later.json().error.code, 'PROCESSING_STARTED');
  });

  void test('INVALID_FILE_KIND, EMPTY_FILE, UNSUPPORTED_MEDIA', async () => {
    const { id } = await createSession(h);
    const kind = await upload(h, id, 'passport', h.media.jpeg);
    assert.equal(kind.statusCode, 400);
    assert.equal(kind.json().error.code, 'INVALID_FILE_KIND');

    const empty = await upload(h, id, 'id_image', Buffer.alloc(0));
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().error.code, 'EMPTY_FILE');

    const text = await upload(
      h,
      id,
      'id_image',
      Buffer.from('hello, this is not an image at all'),
      undefined,
      'image/jpeg',
    );
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error.code, 'UNSUPPORTED_MEDIA');

    const videoAsImage = await upload(h, id, 'id_image', h.media.mp4);
    assert.equal(videoAsImage.statusCode, 415);
    assert.equal(videoAsImage.json().error.code, 'UNSUPPORTED_MEDIA');

    const imageAsVideo = await upload(h, id, 'selfie_video', h.media.jpeg);
    assert.equal(imageAsVideo.statusCode, 415);

    assert.deepEqual((await getSession(id)).json().files, {}, 'nothing refused was recorded');
  });

  void test('FILE_TOO_LARGE: early from Content-Length, and while streaming a body without one', async () => {
    const { id } = await createSession(h);
    const big = Buffer.concat([h.media.jpeg, Buffer.alloc(ID_LIMIT)]);
    const declared = await upload(h, id, 'id_image', big);
    assert.equal(declared.statusCode, 413);
    assert.equal(declared.json().error.code, 'FILE_TOO_LARGE');
    assert.equal(declared.headers.connection, 'close');

    // Over real HTTP with chunked encoding: the limit is enforced on the stream, not on a header.
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const chunks = [h.media.jpeg, ...Array.from({ length: 40 }, () => Buffer.alloc(16_384))];
    const res = await fetch(`${address}/v1/sessions/${id}/files/id_image`, {
      method: 'PUT',
      headers: { ...bearer(h.tenant.apiKey), 'content-type': 'image/jpeg' },
      body: Readable.toWeb(Readable.from(chunks)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FILE_TOO_LARGE');
    assert.deepEqual((await getSession(id)).json().files, {});

    // A refused upload closes the connection rather than draining the body; a refused bodyless request does not.
    const refused = await rawRequest(
      address,
      'PUT',
      `/v1/sessions/${id}/files/id_image`,
      Buffer.alloc(1_000_000),
    );
    assert.equal(refused.status, 401);
    assert.equal(refused.connection, 'close');
    const bodyless = await rawRequest(address, 'GET', `/v1/sessions/${id}`);
    assert.equal(bodyless.status, 401);
    assert.notEqual(bodyless.connection, 'close');

    // Chunked and within the limit: accepted.
    const ok = await fetch(`${address}/v1/sessions/${id}/files/id_image`, {
      method: 'PUT',
      headers: bearer(h.tenant.apiKey),
      body: Readable.toWeb(
        Readable.from([h.media.jpeg.subarray(0, 100), h.media.jpeg.subarray(100)]),
      ) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(ok.status, 202);
  });

  void test('upload token: works for its own session only, and only on upload and read', async () => {
    const a = await createSession(h);
    const b = await createSession(h);
    const own = await upload(h, a.id, 'id_image', h.media.jpeg, a.uploadToken);
    assert.equal(own.statusCode, 202, own.body);
    const read = await getSession(a.id, a.uploadToken);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().files.id_image.sha256, sha(h.media.jpeg));

    const foreign = await upload(h, b.id, 'id_image', h.media.jpeg, a.uploadToken);
    assert.equal(foreign.statusCode, 401);
    assert.equal(foreign.json().error.code, 'UNAUTHORIZED');
    assert.equal((await getSession(b.id, a.uploadToken)).statusCode, 401);

    for (const req of [
      { method: 'GET' as const, url: '/v1/sessions' },
      { method: 'POST' as const, url: '/v1/sessions' },
      { method: 'DELETE' as const, url: `/v1/sessions/${a.id}` },
    ]) {
      const res = await h.app.inject({ ...req, headers: bearer(a.uploadToken) });
      assert.equal(res.statusCode, 401, `${req.method} ${req.url}`);
    }
    const forged = `${a.uploadToken.slice(0, -4)}AAAA`;
    assert.equal((await upload(h, a.id, 'selfie_video', h.media.mp4, forged)).statusCode, 401);
  });

  void test('expired session -> 410 SESSION_EXPIRED', async () => {
    const { id } = await createSession(h, { expiresInSeconds: 1 });
    await waitForStatus(id, 'expired');
    const res = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(res.statusCode, 410);
    assert.equal(res.json().error.code, 'SESSION_EXPIRED');
  });

  void test('a closed workflow is never started again, even when the projection lags behind', async () => {
    const { id } = await createSession(h);
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/v1/sessions/${id}`, headers: bearer(h.tenant.apiKey) }))
        .statusCode,
      202,
    );
    await waitForStatus(id, 'canceled');
    // Simulate a projection that has not caught up: the API passes its early check and reaches Temporal.
    await h.testDb.db
      .updateTable('sessions')
      .set({ status: 'awaiting_files', completed_at: null })
      .where('id', '=', id)
      .execute();
    const res = await upload(h, id, 'id_image', h.media.jpeg);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'SESSION_CLOSED');
    const runs = [];
    for await (const wf of h.temporal.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(id)}'` }))
      runs.push(wf);
    assert.equal(runs.length, 1, 'no second run');
  });

  void test('a session whose workflow never started (crash after insert) is started by its first upload', async () => {
    const id = `ses_crash${Date.now().toString(16)}`;
    await h.testDb.db
      .insertInto('sessions')
      .values({
        id,
        tenant_id: h.tenant.id,
        workflow_id: workflowIdFor(id),
        status: 'awaiting_files',
        expires_at: new Date(Date.now() + 600_000),
      })
      .execute();
    const res = await upload(h, id, 'selfie_video', h.media.mp4);
    assert.equal(res.statusCode, 202, res.body);
    const description = await h.temporal.client.workflow.getHandle(workflowIdFor(id)).describe();
    assert.equal(description.status.name, 'RUNNING');
  });
});
