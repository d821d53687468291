import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { UploadError } from '../../../src/storage/blob-store';
import { BlobNotFoundError, LocalBlobStore } from '../../../src/storage/local-blob-store';

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const MP4_HEAD = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(20)]);

const jpegBytes = (size: number): Buffer =>
  Buffer.concat([JPEG_HEAD, Buffer.alloc(size - JPEG_HEAD.length, 7)]);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A body delivered in small chunks, counting how many chunks were pulled. */
function chunked(bytes: Buffer, chunkSize = 1024): { stream: Readable; pulled: () => number } {
  let offset = 0;
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      pulled += 1;
      this.push(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return { stream, pulled: () => pulled };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof UploadError && err.code === code);
}

void describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;
  const tmpFiles = () => readdirSync(path.join(root, 'tmp'));

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kyc-blobs-'));
    store = new LocalBlobStore(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  void test('stores under the sha256 content address, hashed while streaming', async () => {
    const bytes = jpegBytes(10_000);
    const blob = await store.put(chunked(bytes).stream, { maxBytes: 20_000, accept: 'image' });
    const digest = sha256(bytes);
    assert.deepEqual(blob, {
      key: `sha256/${digest.slice(0, 2)}/${digest}`,
      sha256: digest,
      size: 10_000,
      mediaType: 'image/jpeg',
    });
    assert.deepEqual(readFileSync(path.join(root, blob.key)), bytes);
    assert.equal(await store.exists(blob.key), true);
    assert.deepEqual(tmpFiles(), []);
  });

  void test('putting the same bytes again is idempotent', async () => {
    const bytes = jpegBytes(3000);
    const a = await store.put(Readable.from([bytes]), { maxBytes: 5000, accept: 'image' });
    const b = await store.put(Readable.from([bytes]), { maxBytes: 5000, accept: 'any' });
    const c = await store.putBuffer(bytes, 'image/jpeg');
    assert.equal(a.key, b.key);
    assert.equal(a.key, c.key);
    assert.deepEqual(tmpFiles(), []);
  });

  void test('exactly maxBytes is accepted', async () => {
    const blob = await store.put(Readable.from([jpegBytes(4096)]), { maxBytes: 4096, accept: 'image' });
    assert.equal(blob.size, 4096);
  });

  void test('stops reading once the limit is exceeded and leaves no temp file', async () => {
    const body = chunked(jpegBytes(1024 * 1024), 1024);
    await rejectsWithCode(store.put(body.stream, { maxBytes: 8 * 1024, accept: 'image' }), 'FILE_TOO_LARGE');
    assert.ok(body.pulled() < 20, `pulled ${body.pulled()} chunks of 1024`);
    assert.deepEqual(tmpFiles(), []);
  });

  void test('an empty body is EMPTY_FILE', async () => {
    await rejectsWithCode(store.put(Readable.from([]), { maxBytes: 100, accept: 'image' }), 'EMPTY_FILE');
    assert.deepEqual(tmpFiles(), []);
  });

  void test('unknown bytes and the wrong kind are UNSUPPORTED_MEDIA, sniffed from content', async () => {
    const text = Buffer.from('%PDF-1.7 this is not an image'.repeat(10));
    await rejectsWithCode(
      store.put(Readable.from([text]), { maxBytes: 10_000, accept: 'any' }),
      'UNSUPPORTED_MEDIA',
    );
    await rejectsWithCode(
      store.put(Readable.from([MP4_HEAD]), { maxBytes: 10_000, accept: 'image' }),
      'UNSUPPORTED_MEDIA',
    );
    const video = await store.put(Readable.from([MP4_HEAD]), { maxBytes: 10_000, accept: 'video' });
    assert.equal(video.mediaType, 'video/mp4');
    assert.deepEqual(tmpFiles(), []);
  });

  void test('a failing upload stream is UPLOAD_ABORTED and its temp file is removed', async () => {
    const body = new Readable({ read() {} });
    body.push(jpegBytes(2048));
    setImmediate(() => body.destroy(new Error('client went away')));
    await rejectsWithCode(store.put(body, { maxBytes: 100_000, accept: 'image' }), 'UPLOAD_ABORTED');
    assert.deepEqual(tmpFiles(), []);
  });

  void test('open/withLocalPath refuse malformed keys and report missing blobs', async () => {
    const bytes = jpegBytes(500);
    const blob = await store.putBuffer(bytes, 'image/jpeg');
    const read = await store.withLocalPath(blob.key, async (p) => readFileSync(p));
    assert.deepEqual(read, bytes);
    await assert.rejects(store.open('sha256/../../etc/passwd'), BlobNotFoundError);
    await assert.rejects(store.open(`sha256/00/${'0'.repeat(64)}`), BlobNotFoundError);
  });

  void test('stale temp files from a crashed upload are swept; fresh ones are kept', async () => {
    const stale = path.join(root, 'tmp', 'crashed.part');
    const fresh = path.join(root, 'tmp', 'inflight.part');
    writeFileSync(stale, 'partial');
    writeFileSync(fresh, 'partial');
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    assert.equal(await store.removeStaleTempFiles(), 1);
    assert.deepEqual(tmpFiles(), ['inflight.part']);
    rmSync(fresh);
  });
});
