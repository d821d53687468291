// Content-addressed blob storage. The local-disk store is the embedded default; an S3-compatible store can
// implement the same interface, since callers only ever hold keys and digests.
import type { Readable } from 'node:stream';

export interface StoredBlob {
  /** `sha256/<first two hex>/<sha256>`: the same bytes always land at the same key. */
  key: string;
  sha256: string;
  size: number;
  /** Sniffed from content, never from a file name or a declared type. */
  mediaType: string;
}

export type AcceptedMedia = 'image' | 'video' | 'any';

export interface PutOptions {
  maxBytes: number;
  accept: AcceptedMedia;
}

export interface BlobStore {
  /** Streams to a temporary file while hashing, enforces maxBytes and the media kind, then moves it into place. */
  put(body: Readable, options: PutOptions): Promise<StoredBlob>;
  putBuffer(bytes: Buffer, mediaType: string): Promise<StoredBlob>;
  open(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Gives a local file path for the duration of fn (a remote store downloads to a temporary file). */
  withLocalPath<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T>;
}

export type UploadErrorCode = 'FILE_TOO_LARGE' | 'EMPTY_FILE' | 'UNSUPPORTED_MEDIA' | 'UPLOAD_ABORTED';

export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly code: UploadErrorCode,
    message: string,
  ) {
    super(message);
  }
}
