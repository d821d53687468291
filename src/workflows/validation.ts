// Update validators: they run before an update is accepted into history, so a rejected upload or review leaves
// no trace in the workflow and the caller gets a typed ApplicationFailure the API maps to an error code.
import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE_TYPES, FILE_KINDS, type ReviewDecision, type SubmitFileInput } from '../definitions';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_REVIEWER_CHARS = 200;
const MAX_COMMENT_CHARS = 4000;

export function rejection(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function validateFile(file: SubmitFileInput): void {
  const invalid = (why: string) => rejection(FAILURE_TYPES.invalidFile, `invalid file: ${why}`);
  if (typeof file !== 'object' || file === null) throw invalid('expected an object');
  if (!(FILE_KINDS as readonly string[]).includes(file.kind))
    throw invalid(`kind must be one of ${FILE_KINDS.join(', ')}`);
  if (typeof file.sha256 !== 'string' || !SHA256_HEX.test(file.sha256))
    throw invalid('sha256 must be 64 lowercase hex');
  if (!Number.isSafeInteger(file.size) || file.size <= 0) throw invalid('size must be a positive integer');
  if (!isNonEmptyString(file.storageKey)) throw invalid('storageKey is required');
  if (!isNonEmptyString(file.mediaType)) throw invalid('mediaType is required');
}

export function validateReview(review: ReviewDecision): void {
  const invalid = (why: string) => rejection(FAILURE_TYPES.invalidReview, `invalid review: ${why}`);
  if (typeof review !== 'object' || review === null) throw invalid('expected an object');
  if (review.decision !== 'approve' && review.decision !== 'decline')
    throw invalid('decision must be approve or decline');
  if (!isNonEmptyString(review.reviewer) || review.reviewer.length > MAX_REVIEWER_CHARS) {
    throw invalid(`reviewer must be 1-${MAX_REVIEWER_CHARS} characters`);
  }
  if (typeof review.comment !== 'string' || review.comment.length > MAX_COMMENT_CHARS) {
    throw invalid(`comment must be a string of at most ${MAX_COMMENT_CHARS} characters`);
  }
}

/** Keeps only the FileRef fields, so extra properties sent by a client never reach history or the database. */
export function toFileRef(file: SubmitFileInput) {
  const { kind, storageKey, sha256, size, mediaType } = file;
  return { kind, storageKey, sha256, size, mediaType };
}
