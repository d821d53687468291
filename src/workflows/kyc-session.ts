// One durable workflow per KYC session: it owns the session's state from the first upload to the outcome.
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FAILURE_TYPES,
  KYC_STATUS_SEARCH_ATTRIBUTE,
  isTerminal,
  stateQuery,
  submitFileUpdate,
  submitReviewUpdate,
  webhookEventIdFor,
  type Decision,
  type FileRef,
  type KycSessionInput,
  type KycSessionState,
  type ReviewDecision,
  type SessionStatus,
  type SubmitFileInput,
  type SubmitFileResult,
} from '../definitions';
import type { MainActivities } from './activity-types';
import { runFaceMatch } from './face-match';
import { rejection, toFileRef, validateFile, validateReview } from './validation';

const DEFAULT_WEBHOOK_RETRY_HOURS = 24;

const { recordSessionStatus } = proxyActivities<MainActivities>({
  startToCloseTimeout: '30s',
  // The projection must catch up eventually, so a database outage is waited out rather than failing the session.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

function webhookActivities(retryHours: number): Pick<MainActivities, 'deliverWebhook'> {
  return proxyActivities<MainActivities>({
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: `${retryHours}h`,
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '1h' },
  });
}

type ReviewRecord = ReviewDecision & { decidedAt: string };

export async function kycSession(input: KycSessionInput): Promise<KycSessionState> {
  const state: KycSessionState = {
    sessionId: input.sessionId,
    status: 'awaiting_files',
    files: {},
    fileChanges: 0,
    expiresAt: input.expiresAt,
    decision: null,
    faceMatch: null,
    error: null,
  };
  let processingStarted = false;
  let review: ReviewRecord | undefined;
  let recordedStatus: SessionStatus | null = null;
  // Projection writes run one after another and read the state when they start, so the last write always
  // carries the newest status even when an upload handler and the main flow record at the same time.
  let recordChain: Promise<void> = Promise.resolve();

  const record = (files?: FileRef[]): Promise<void> => {
    const run = recordChain.then(async () => {
      const status = state.status;
      await recordSessionStatus({
        sessionId: state.sessionId,
        status,
        decision: state.decision,
        error: state.error,
        ...(files !== undefined ? { files } : {}),
      });
      recordedStatus = status;
    });
    recordChain = run.catch(() => undefined);
    return run;
  };

  const setStatus = async (status: SessionStatus, files?: FileRef[]): Promise<void> => {
    state.status = status;
    upsertSearchAttributes([{ key: KYC_STATUS_SEARCH_ATTRIBUTE, value: status }]);
    await record(files);
  };

  const assertAcceptingFiles = (): void => {
    if (isTerminal(state.status)) {
      throw rejection(FAILURE_TYPES.sessionClosed, `session ${state.sessionId} is ${state.status}`);
    }
    if (processingStarted) {
      throw rejection(FAILURE_TYPES.processingStarted, 'both files are in and processing has started');
    }
    // Covers the first upload arriving after the deadline: update-with-start creates the workflow, but the
    // upload itself is refused and the session expires at once.
    if (Date.now() >= Date.parse(input.expiresAt)) {
      throw rejection(
        FAILURE_TYPES.sessionClosed,
        `session ${state.sessionId} expired at ${input.expiresAt}`,
      );
    }
  };

  setHandler(stateQuery, () => state);

  setHandler(
    submitFileUpdate,
    async (upload: SubmitFileInput): Promise<SubmitFileResult> => {
      assertAcceptingFiles();
      const file = toFileRef(upload);
      const previous = state.files[file.kind];
      if (previous?.sha256 === file.sha256) return { accepted: true, replaced: false, status: state.status };
      state.files[file.kind] = file;
      state.fileChanges += 1;
      await record([file]);
      return { accepted: true, replaced: previous !== undefined, status: state.status };
    },
    {
      validator: (upload: SubmitFileInput) => {
        validateFile(upload);
        assertAcceptingFiles();
      },
    },
  );

  setHandler(
    submitReviewUpdate,
    async (decision: ReviewDecision): Promise<KycSessionState> => {
      review = { ...decision, decidedAt: new Date().toISOString() };
      // Answer once the outcome is in the database, so the reviewer's next read sees it.
      await condition(() => recordedStatus !== null && isTerminal(recordedStatus));
      return state;
    },
    {
      validator: (decision: ReviewDecision) => {
        validateReview(decision);
        if (state.status !== 'needs_review' || review !== undefined) {
          throw rejection(
            FAILURE_TYPES.reviewNotPending,
            `session ${state.sessionId} is ${state.status}, not awaiting review`,
          );
        }
      },
    },
  );

  const bothFiles = () => state.files.id_image !== undefined && state.files.selfie_video !== undefined;

  const waitForFiles = async (): Promise<boolean> => {
    const remainingMs = Date.parse(input.expiresAt) - Date.now();
    if (remainingMs > 0) await condition(bothFiles, remainingMs);
    // An upload accepted in the same instant as the deadline still counts: nothing accepted is lost.
    return bothFiles();
  };

  // A function, not the variable, so TypeScript does not keep its narrowing across the awaits below.
  const currentReview = (): ReviewRecord | undefined => review;

  const awaitReview = async (): Promise<ReviewRecord | 'timed_out'> => {
    await condition(() => currentReview() !== undefined, `${input.settings.reviewDeadlineSeconds}s`);
    const early = currentReview();
    if (early !== undefined) return early;
    if (input.settings.reviewDeadlinePolicy === 'decline') return 'timed_out';
    // Escalation keeps the session open for a reviewer and makes it visible as overdue.
    const current = state.decision;
    if (current !== null) state.decision = { ...current, reasons: [...current.reasons, 'REVIEW_ESCALATED'] };
    await record();
    await condition(() => currentReview() !== undefined);
    return currentReview() ?? 'timed_out';
  };

  const decideAfterReview = async (faceDecision: Decision): Promise<void> => {
    await setStatus('needs_review');
    const outcome = await awaitReview();
    if (outcome === 'timed_out') {
      state.decision = {
        ...faceDecision,
        outcome: 'declined',
        reasons: [...faceDecision.reasons, 'REVIEW_TIMEOUT'],
      };
      return setStatus('declined');
    }
    const approved = outcome.decision === 'approve';
    const reasons = [...(state.decision?.reasons ?? []), approved ? 'REVIEW_APPROVED' : 'REVIEW_DECLINED'];
    state.decision = {
      ...faceDecision,
      outcome: approved ? 'approved' : 'declined',
      reasons,
      review: outcome,
    };
    return setStatus(approved ? 'approved' : 'declined');
  };

  const processFiles = async (idImage: FileRef, selfieVideo: FileRef): Promise<void> => {
    processingStarted = true;
    await setStatus('processing', [idImage, selfieVideo]);
    const { workflowId } = workflowInfo();
    const match = await runFaceMatch(input.settings.faceMatch, {
      sessionId: input.sessionId,
      workflowId,
      idImage,
      selfieVideo,
    });
    if (match.kind === 'failed') {
      state.error = match.error;
      return setStatus('failed');
    }
    state.decision = match.decision;
    if (match.kind === 'matched') state.faceMatch = match.result;
    if (match.decision.outcome === 'needs_review') return decideAfterReview(match.decision);
    return setStatus(match.decision.outcome);
  };

  const run = async (): Promise<void> => {
    upsertSearchAttributes([{ key: KYC_STATUS_SEARCH_ATTRIBUTE, value: state.status }]);
    if (!(await waitForFiles())) {
      state.error = {
        code: 'SESSION_EXPIRED',
        message: 'both files did not arrive before the session expired',
      };
      return setStatus('expired');
    }
    const { id_image: idImage, selfie_video: selfieVideo } = state.files;
    if (idImage === undefined || selfieVideo === undefined)
      throw new Error('unreachable: both files present');
    return processFiles(idImage, selfieVideo);
  };

  const deliverOutcome = async (): Promise<void> => {
    const { deliverWebhook } = webhookActivities(
      input.settings.webhookRetryHours ?? DEFAULT_WEBHOOK_RETRY_HOURS,
    );
    await deliverWebhook({
      id: webhookEventIdFor(state.sessionId, state.status),
      sessionId: state.sessionId,
      tenantId: input.tenantId,
      status: state.status,
      decision: state.decision,
      occurredAt: new Date().toISOString(),
    });
  };

  try {
    await run();
  } catch (err) {
    if (!isCancellation(err) || isTerminal(state.status)) throw err;
    await CancellationScope.nonCancellable(async () => {
      state.error = { code: 'SESSION_CANCELED', message: 'the session was canceled' };
      await setStatus('canceled');
      await deliverOutcome();
      await condition(allHandlersFinished);
    });
    throw err;
  }
  // A terminal outcome is told to the tenant even if a cancel request arrives while the webhook is retried.
  await CancellationScope.nonCancellable(deliverOutcome);
  await condition(allHandlersFinished);
  return state;
}
