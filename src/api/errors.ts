// The one table of API error codes. Codes are stable: clients branch on them, so never rename one.
import type { FastifyError } from 'fastify';
import { UploadError } from '../storage/blob-store';

export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_FILE_KIND: 400,
  EMPTY_FILE: 400,
  UPLOAD_ABORTED: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  BLOB_NOT_FOUND: 404,
  PROCESSING_STARTED: 409,
  SESSION_CLOSED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  REVIEW_NOT_PENDING: 409,
  OPERATOR_EXISTS: 409,
  SESSION_EXPIRED: 410,
  FILE_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA: 415,
  UNSUPPORTED_CONTENT_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL_ERROR: 500,
  NOT_READY: 503,
  TEMPORAL_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Sent as Retry-After when set. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({ error: { code, message } });

/** Fastify's own errors (schema validation, body parsing) in our vocabulary; anything else is left to the caller. */
export function fromFastifyError(err: FastifyError): ApiError | undefined {
  if (err.validation !== undefined) return fromValidation(err);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_CONTENT_TYPE', 'this route accepts application/json bodies');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('VALIDATION_ERROR', err.message);
  }
  // JSON.parse failures surface as a SyntaxError carrying statusCode 400.
  if (err.statusCode === 400) return new ApiError('VALIDATION_ERROR', err.message);
  return undefined;
}

function fromValidation(err: FastifyError): ApiError {
  const first = err.validation?.[0];
  if (err.validationContext === 'params' && first?.instancePath === '/kind') {
    return new ApiError('INVALID_FILE_KIND', 'file kind must be id_image or selfie_video');
  }
  return new ApiError('VALIDATION_ERROR', err.message);
}

export function fromUploadError(err: UploadError): ApiError {
  return new ApiError(err.code, err.message);
}

export function isUploadError(err: unknown): err is UploadError {
  return err instanceof UploadError;
}
