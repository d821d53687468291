// The API's calls into session workflows. Each one is bounded by a deadline so a request never hangs on a
// workflow whose workers are down; every call is idempotent, so the client simply retries.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  WORKFLOW_TYPE,
  isTerminal,
  stateQuery,
  submitFileUpdate,
  submitReviewUpdate,
  type FileRef,
  type KycSessionInput,
  type KycSessionState,
  type ReviewDecision,
  type SubmitFileResult,
} from '../definitions';
import type { kycSession } from '../workflows';
import type { SessionRecord } from '../db/repositories/sessions';
import type { ApiContext } from './context';
import { sessionSettingsFromConfig } from './session-settings';
import { ApiError } from './errors';
import { fromTemporalError } from './temporal-errors';

type Ctx = Pick<
  ApiContext,
  'temporal' | 'config' | 'workflowTaskQueue' | 'faceMatchTaskQueue' | 'workflowCallTimeoutMs'
>;

export function sessionInput(ctx: Ctx, session: SessionRecord): KycSessionInput {
  return {
    sessionId: session.id,
    tenantId: session.tenantId,
    expiresAt: session.expiresAt.toISOString(),
    settings: sessionSettingsFromConfig(ctx.config, { faceMatchTaskQueue: ctx.faceMatchTaskQueue }),
  };
}

function withDeadline<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  return ctx.temporal.connection.withDeadline(Date.now() + ctx.workflowCallTimeoutMs, fn);
}

/** Maps Temporal's refusals to API errors; anything unknown propagates as a 500. */
async function mapped<T>(session: SessionRecord, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw fromTemporalError(err, session) ?? err;
  }
}

/** Starts the session's workflow; a workflow that already exists (any state) is left alone. */
export async function ensureWorkflowStarted(ctx: Ctx, session: SessionRecord): Promise<void> {
  try {
    await withDeadline(ctx, () =>
      ctx.temporal.workflow.start<typeof kycSession>(WORKFLOW_TYPE, {
        workflowId: session.workflowId,
        taskQueue: ctx.workflowTaskQueue,
        args: [sessionInput(ctx, session)],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw fromTemporalError(err, session) ?? err;
  }
}

/**
 * How many uploads have changed a file so far. A workflow that has not started yet has had none; any other
 * failure is left to the update call that follows, which maps it.
 */
async function fileChanges(ctx: Ctx, session: SessionRecord): Promise<number> {
  try {
    const handle = ctx.temporal.workflow.getHandle(session.workflowId);
    // Short: a workflow whose workers are down is reported by the update call that follows.
    const deadline = Date.now() + Math.min(ctx.workflowCallTimeoutMs, 5000);
    const state = await ctx.temporal.connection.withDeadline(deadline, () => handle.query(stateQuery));
    return state.fileChanges ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Update-with-start: the file reaches the workflow even if the create request crashed before starting it.
 * REJECT_DUPLICATE means a closed session is never started again. The update id derives from the digest and the
 * number of file changes so far: a client's retry of the same upload is answered from the first attempt, while
 * re-sending an earlier file after another one (A, B, A) is a new update and the latest file wins.
 */
export async function submitFile(ctx: Ctx, session: SessionRecord, file: FileRef): Promise<SubmitFileResult> {
  const changes = isTerminal(session.status) ? 0 : await fileChanges(ctx, session);
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof kycSession>(WORKFLOW_TYPE, {
    workflowId: session.workflowId,
    taskQueue: ctx.workflowTaskQueue,
    args: [sessionInput(ctx, session)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  const call = withDeadline(ctx, () =>
    ctx.temporal.workflow.executeUpdateWithStart(submitFileUpdate, {
      args: [file],
      updateId: `${file.kind}:${file.sha256}:${changes}`,
      startWorkflowOperation,
    }),
  );
  return mapped(session, call);
}

export async function submitReview(
  ctx: Ctx,
  session: SessionRecord,
  review: ReviewDecision,
): Promise<KycSessionState> {
  if (isTerminal(session.status)) throw reviewNotPending(session);
  const handle = ctx.temporal.workflow.getHandle(session.workflowId);
  try {
    return await mapped(
      session,
      withDeadline(ctx, () => handle.executeUpdate(submitReviewUpdate, { args: [review] })),
    );
  } catch (err) {
    // The workflow has closed since the projection was read (or never started): nothing awaits a review.
    if (err instanceof ApiError && err.code === 'SESSION_NOT_FOUND') throw reviewNotPending(session);
    throw err;
  }
}

const reviewNotPending = (session: SessionRecord) =>
  new ApiError('REVIEW_NOT_PENDING', `session ${session.id} is not awaiting a review`);

export type CancelOutcome = 'canceling' | 'closed';

/** Requests cancellation. A session whose workflow never started is started first, so Temporal stays the truth. */
export async function cancelSession(ctx: Ctx, session: SessionRecord): Promise<CancelOutcome> {
  const handle = ctx.temporal.workflow.getHandle(session.workflowId);
  try {
    const description = await withDeadline(ctx, () => handle.describe());
    if (description.status.name !== 'RUNNING') return 'closed';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw fromTemporalError(err, session) ?? err;
    await ensureWorkflowStarted(ctx, session);
  }
  await mapped(
    session,
    withDeadline(ctx, () => handle.cancel()),
  );
  return 'canceling';
}
