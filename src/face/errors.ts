// Typed failures. MediaError: the input itself is bad, retrying cannot help. TransientFaceError: the
// machinery failed (ffmpeg killed, out of memory, worker crash); the same input may succeed on retry.

export type MediaErrorCode =
  'UNSUPPORTED_MEDIA' | 'CORRUPT_MEDIA' | 'VIDEO_TOO_LONG' | 'IMAGE_TOO_LARGE' | 'EMPTY_FILE';

export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly retryable = false as const;
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly file?: 'id_image' | 'selfie_video',
  ) {
    super(message);
  }
}

export class TransientFaceError extends Error {
  override readonly name = 'TransientFaceError';
  readonly retryable = true as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}
