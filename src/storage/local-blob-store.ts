// Content-addressed blobs on local disk: <root>/sha256/ab/<sha256>. Uploads stream into <root>/tmp while being
// hashed, size-limited and sniffed, then are fsynced and renamed into place, so a blob is either whole or absent.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { sniffMediaType, SNIFF_BYTES, type SniffResult } from '../face/media-type';
import { UploadError, type BlobStore, type PutOptions, type StoredBlob } from './blob-store';

const KEY_PATTERN = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOB_NOT_FOUND';
}

export const blobKeyFor = (sha256: string): string => `sha256/${sha256.slice(0, 2)}/${sha256}`;

function accepts(sniffed: SniffResult, accept: PutOptions['accept']): boolean {
  return accept === 'any' || sniffed.kind === accept;
}

const EXPECTED_MEDIA: Record<PutOptions['accept'], string> = {
  image: 'an image (JPEG, PNG or WebP)',
  video: 'a video (MP4, WebM or QuickTime)',
  any: 'an image (JPEG, PNG, WebP) or a video (MP4, WebM, QuickTime)',
};

export class LocalBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  async put(body: Readable, options: PutOptions): Promise<StoredBlob> {
    // The body may fail before we start reading it (a client hanging up); without a listener that would be an
    // uncaught 'error'. The iterator below still sees the error and reports UPLOAD_ABORTED.
    const ignoreEarlyError = (): void => undefined;
    body.on('error', ignoreEarlyError);
    try {
      return await this.putStream(body, options);
    } finally {
      body.off('error', ignoreEarlyError);
    }
  }

  private async putStream(body: Readable, options: PutOptions): Promise<StoredBlob> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmpPath = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const file = await open(tmpPath, 'wx', 0o600);
    let closed = false;
    try {
      const { sha256, size, sniffed } = await this.streamToFile(body, file, options);
      await file.sync();
      await file.close();
      closed = true;
      const key = await this.moveIntoPlace(tmpPath, sha256);
      return { key, sha256, size, mediaType: sniffed.mediaType };
    } catch (err) {
      if (!closed) await file.close().catch(() => undefined);
      throw err;
    } finally {
      // After a successful rename the temp path is gone; on any failure this removes the partial file.
      await unlink(tmpPath).catch(() => undefined);
    }
  }

  async putBuffer(bytes: Buffer, mediaType: string): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = blobKeyFor(sha256);
    if (await this.exists(key)) return { key, sha256, size: bytes.length, mediaType };
    await mkdir(this.tmpDir, { recursive: true });
    const tmpPath = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    try {
      const file = await open(tmpPath, 'wx', 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await this.moveIntoPlace(tmpPath, sha256);
      return { key, sha256, size: bytes.length, mediaType };
    } finally {
      await unlink(tmpPath).catch(() => undefined);
    }
  }

  async open(key: string): Promise<Readable> {
    const filePath = await this.existingPath(key);
    return createReadStream(filePath);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathFor(key))).isFile();
    } catch {
      return false;
    }
  }

  async withLocalPath<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T> {
    return fn(await this.existingPath(key));
  }

  /**
   * Removes temp files left by a process that died mid-upload. Only files older than maxAgeMs go, so uploads in
   * flight in another process sharing the directory are left alone. Returns how many were removed.
   */
  async removeStaleTempFiles(maxAgeMs = 24 * 3600 * 1000): Promise<number> {
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.part'))) {
      const filePath = path.join(this.tmpDir, name);
      const info = await stat(filePath).catch(() => undefined);
      if (info === undefined || Date.now() - info.mtimeMs < maxAgeMs) continue;
      await unlink(filePath).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }

  /** Absolute path of a key; refuses anything that is not a well-formed content address (no path traversal). */
  pathFor(key: string): string {
    const match = KEY_PATTERN.exec(key);
    if (match === null || !match[2]?.startsWith(match[1] ?? '')) {
      throw new BlobNotFoundError(`not a blob key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, key);
  }

  private async existingPath(key: string): Promise<string> {
    const filePath = this.pathFor(key);
    if (!(await this.exists(key))) throw new BlobNotFoundError(`blob ${key} not found`);
    return filePath;
  }

  private async streamToFile(
    body: Readable,
    file: FileHandle,
    options: PutOptions,
  ): Promise<{ sha256: string; size: number; sniffed: SniffResult }> {
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let sniffed: SniffResult | null | undefined;
    const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    try {
      for (;;) {
        const next = await this.read(iterator);
        if (next.done === true) break;
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        size += chunk.length;
        // Checked before writing: an oversized upload is refused without reading (or storing) the rest.
        if (size > options.maxBytes) {
          throw new UploadError('FILE_TOO_LARGE', `file exceeds the limit of ${options.maxBytes} bytes`);
        }
        if (sniffed === undefined) {
          head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
          if (head.length >= SNIFF_BYTES) sniffed = this.checkMedia(head, options);
        }
        hash.update(chunk);
        await file.write(chunk);
      }
    } finally {
      // Stops the source when we leave early; a no-op once it has ended.
      await iterator.return?.();
    }
    if (size === 0) throw new UploadError('EMPTY_FILE', 'the file is empty');
    sniffed ??= this.checkMedia(head, options);
    return { sha256: hash.digest('hex'), size, sniffed };
  }

  private async read(iterator: AsyncIterator<Buffer | string>): Promise<IteratorResult<Buffer | string>> {
    try {
      return await iterator.next();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new UploadError('UPLOAD_ABORTED', `the upload stream failed: ${reason}`);
    }
  }

  private checkMedia(head: Buffer, options: PutOptions): SniffResult {
    const sniffed = sniffMediaType(head);
    if (sniffed !== null && accepts(sniffed, options.accept)) return sniffed;
    const found = sniffed === null ? 'an unrecognised format' : sniffed.mediaType;
    throw new UploadError('UNSUPPORTED_MEDIA', `expected ${EXPECTED_MEDIA[options.accept]}, got ${found}`);
  }

  /** Renames into the content address; the same bytes already there make this a no-op (idempotent put). */
  private async moveIntoPlace(tmpPath: string, sha256: string): Promise<string> {
    const key = blobKeyFor(sha256);
    const finalPath = path.join(this.root, key);
    if (await this.exists(key)) return key;
    const dir = path.dirname(finalPath);
    await mkdir(dir, { recursive: true });
    await rename(tmpPath, finalPath);
    await fsyncDir(dir);
    return key;
  }
}

/** Makes the rename itself durable: without it a crash can forget the directory entry. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
