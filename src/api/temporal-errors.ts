// Temporal's errors in the API's vocabulary. The workflow refuses with typed ApplicationFailures (FAILURE_TYPES);
// the server refuses a start on a closed workflow id with WorkflowExecutionAlreadyStartedError.
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, isTerminal } from '../definitions';
import type { SessionRecord } from '../db/repositories/sessions';
import { ApiError } from './errors';

/** The ApplicationFailure type somewhere in the cause chain (update failures wrap it once or twice). */
export function failureType(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure) return e.type ?? undefined;
  }
  return undefined;
}

function failureMessage(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure) return e.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A closed session refuses everything; say "expired" when that is why it closed. */
export function sessionClosedError(session: SessionRecord, nowMs: number = Date.now()): ApiError {
  const expired =
    session.status === 'expired' || (!isTerminal(session.status) && session.expiresAt.getTime() <= nowMs);
  if (expired)
    return new ApiError(
      'SESSION_EXPIRED',
      `session ${session.id} expired at ${session.expiresAt.toISOString()}`,
    );
  return new ApiError('SESSION_CLOSED', `session ${session.id} is closed (${session.status})`);
}

const grpcCode = (err: unknown): number | undefined => {
  const cause = err instanceof ServiceError ? err.cause : err;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Maps what a workflow call threw; returns undefined for errors that are ours to rethrow as 500. */
export function fromTemporalError(err: unknown, session: SessionRecord): ApiError | undefined {
  if (err instanceof WorkflowUpdateFailedError) return fromFailure(err, session);
  if (err instanceof WorkflowExecutionAlreadyStartedError) return sessionClosedError(session);
  if (err instanceof WorkflowNotFoundError)
    return new ApiError('SESSION_NOT_FOUND', `session ${session.id} not found`);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return unavailable();
  const code = grpcCode(err);
  if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return unavailable();
  return undefined;
}

function fromFailure(err: WorkflowUpdateFailedError, session: SessionRecord): ApiError {
  const type = failureType(err);
  const message = failureMessage(err);
  switch (type) {
    case FAILURE_TYPES.processingStarted:
      return new ApiError('PROCESSING_STARTED', message);
    case FAILURE_TYPES.sessionClosed:
      return sessionClosedError(session);
    case FAILURE_TYPES.reviewNotPending:
      return new ApiError('REVIEW_NOT_PENDING', message);
    case FAILURE_TYPES.invalidFile:
    case FAILURE_TYPES.invalidReview:
      return new ApiError('VALIDATION_ERROR', message);
    default:
      return new ApiError('INTERNAL_ERROR', `session refused the request: ${message}`);
  }
}

function unavailable(): ApiError {
  return new ApiError(
    'TEMPORAL_UNAVAILABLE',
    'the session did not answer in time; retry the same request (it is idempotent)',
  );
}
