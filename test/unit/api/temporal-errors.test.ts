import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../../src/definitions';
import type { SessionRecord } from '../../../src/db/repositories/sessions';
import { fromTemporalError } from '../../../src/api/temporal-errors';

const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  id: 'ses_1',
  tenantId: 't',
  workflowId: 'kyc-session-ses_1',
  status: 'awaiting_files',
  expiresAt: new Date(Date.now() + 60_000),
  idempotencyKey: null,
  reference: null,
  decision: null,
  error: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  completedAt: null,
  ...overrides,
});

const updateFailed = (type: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: type, type }));

void describe('Temporal errors -> API errors', () => {
  void test('update refusals map by ApplicationFailure type', () => {
    const cases: [string, string, number][] = [
      [FAILURE_TYPES.processingStarted, 'PROCESSING_STARTED', 409],
      [FAILURE_TYPES.sessionClosed, 'SESSION_CLOSED', 409],
      [FAILURE_TYPES.reviewNotPending, 'REVIEW_NOT_PENDING', 409],
      [FAILURE_TYPES.invalidFile, 'VALIDATION_ERROR', 400],
      [FAILURE_TYPES.invalidReview, 'VALIDATION_ERROR', 400],
    ];
    for (const [type, code, status] of cases) {
      const mapped = fromTemporalError(updateFailed(type), session());
      assert.equal(mapped?.code, code, type);
      assert.equal(mapped?.statusCode, status, type);
    }
  });

  void test('a closed session says expired when that is why it closed', () => {
    const expiredByStatus = session({ status: 'expired' });
    const pastDeadline = session({ expiresAt: new Date(Date.now() - 1000) });
    for (const s of [expiredByStatus, pastDeadline]) {
      assert.equal(fromTemporalError(updateFailed(FAILURE_TYPES.sessionClosed), s)?.code, 'SESSION_EXPIRED');
      const started = new WorkflowExecutionAlreadyStartedError('already', s.workflowId, 'kycSession');
      assert.equal(fromTemporalError(started, s)?.code, 'SESSION_EXPIRED');
    }
    const canceled = session({ status: 'canceled', expiresAt: new Date(Date.now() - 1000) });
    assert.equal(
      fromTemporalError(updateFailed(FAILURE_TYPES.sessionClosed), canceled)?.code,
      'SESSION_CLOSED',
    );
  });

  void test('not found and unknown errors', () => {
    assert.equal(
      fromTemporalError(new WorkflowNotFoundError('gone', 'w', undefined), session())?.code,
      'SESSION_NOT_FOUND',
    );
    assert.equal(fromTemporalError(new Error('boom'), session()), undefined);
  });
});
