// The one contract shared by the API, the workers, the workflow and the tests.
// It is imported by workflow code, so it may only depend on @temporalio/workflow and @temporalio/common.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TASK_QUEUES = {
  /** Workflows and light activities (recording, webhooks). */
  main: 'kyc-main',
  /** Face inference only: scaled separately, on GPU machines in production. */
  faceMatch: 'face-match',
} as const;

export const WORKFLOW_TYPE = 'kycSession';
export const workflowIdFor = (sessionId: string): string => `kyc-session-${sessionId}`;

export const FILE_KINDS = ['id_image', 'selfie_video'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const SESSION_STATUSES = [
  'awaiting_files',
  'processing',
  'needs_review',
  'approved',
  'declined',
  'expired',
  'canceled',
  'failed',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly SessionStatus[] = [
  'approved',
  'declined',
  'expired',
  'canceled',
  'failed',
];
export const isTerminal = (s: SessionStatus): boolean => TERMINAL_STATUSES.includes(s);

/** Search attribute upserted on every status change; registered on the dev server at start. */
export const KYC_STATUS_SEARCH_ATTRIBUTE = defineSearchAttributeKey('KycStatus', SearchAttributeType.KEYWORD);

/** A stored upload as the workflow sees it: a content address, never bytes. */
export interface FileRef {
  kind: FileKind;
  storageKey: string;
  sha256: string;
  size: number;
  mediaType: string;
}

export type FaceMatchOutcome = 'approved' | 'declined' | 'needs_review';

export interface LivenessSummary {
  antispoof: number | null;
  live: number | null;
  motion: number | null;
  consistency: number | null;
  risk: 'low' | 'medium' | 'high';
}

/** What checkFaceSimilarity returns: small, JSON, no file bytes. */
export interface FaceMatchResult {
  idempotencyKey: string;
  outcome: FaceMatchOutcome;
  reasons: string[];
  similarity: number | null;
  liveness: LivenessSummary;
  pipelineVersion: string;
  /** True when a stored result was returned instead of running inference. */
  reused: boolean;
  /** Blob keys of the best selfie frames, for the operator console. */
  bestFrameKeys: string[];
}

export interface ReviewDecision {
  decision: 'approve' | 'decline';
  reviewer: string;
  comment: string;
}

/** checkFaceSimilarity's input: keys and digests only, the worker reads the files from the blob store. */
export interface CheckFaceSimilarityInput {
  sessionId: string;
  workflowId: string;
  idImage: FileRef;
  selfieVideo: FileRef;
}

export interface Decision {
  outcome: 'approved' | 'declined' | 'needs_review';
  similarity: number | null;
  liveness: LivenessSummary | null;
  reasons: string[];
  review?: ReviewDecision & { decidedAt: string };
}

/** recordSessionStatus's input: the workflow's state as the sessions projection mirrors it. */
export interface RecordSessionStatusInput {
  sessionId: string;
  status: SessionStatus;
  decision?: Decision | null;
  error?: { code: string; message: string } | null;
  files?: FileRef[];
}

export interface SessionSettings {
  faceMatch: {
    /** Defaults to TASK_QUEUES.faceMatch; tests isolate their workers with their own queue. */
    taskQueue: string;
    maximumAttempts: number;
    startToCloseTimeoutSeconds: number;
    heartbeatTimeoutSeconds: number;
    initialRetryIntervalSeconds: number;
  };
  /** How long a needs_review session waits for a reviewer. */
  reviewDeadlineSeconds: number;
  reviewDeadlinePolicy: 'decline' | 'escalate';
  /** How long deliverWebhook is retried (WEBHOOK_RETRY_HOURS); 24 when absent. */
  webhookRetryHours?: number;
}

export interface KycSessionInput {
  sessionId: string;
  tenantId: string;
  /** Absolute deadline for both uploads, fixed by the API at creation (ISO 8601). */
  expiresAt: string;
  settings: SessionSettings;
}

export interface KycSessionState {
  sessionId: string;
  status: SessionStatus;
  files: Partial<Record<FileKind, FileRef>>;
  /** Uploads that changed a file; part of the upload's update id, so re-sending an earlier file still applies. */
  fileChanges: number;
  expiresAt: string;
  decision: Decision | null;
  faceMatch: FaceMatchResult | null;
  error: { code: string; message: string } | null;
}

export type SubmitFileInput = FileRef;
export interface SubmitFileResult {
  accepted: true;
  replaced: boolean;
  status: SessionStatus;
}

export const submitFileUpdate = defineUpdate<SubmitFileResult, [SubmitFileInput]>('submitFile');
export const submitReviewUpdate = defineUpdate<KycSessionState, [ReviewDecision]>('submitReview');
export const stateQuery = defineQuery<KycSessionState>('state');

/** ApplicationFailure types, stable across releases: the API maps them to error codes. */
export const FAILURE_TYPES = {
  processingStarted: 'ProcessingAlreadyStarted',
  sessionClosed: 'SessionClosed',
  invalidFile: 'InvalidFile',
  reviewNotPending: 'ReviewNotPending',
  invalidReview: 'InvalidReview',
  /** Bad media found by the face engine: retrying cannot help. */
  badMedia: 'BadMedia',
  /** Another live attempt holds the idempotency claim: retry later. */
  faceMatchInProgress: 'FaceMatchInProgress',
  /** Inference died for a reason that may pass (ffmpeg killed, out of memory). */
  transientFaceError: 'TransientFaceError',
} as const;

/**
 * A terminal status as the tenant's webhook receives it. `id` is derived from stable data (webhookEventIdFor), so
 * every delivery attempt of one event carries the same id and receivers can dedupe.
 */
export interface WebhookEvent {
  id: string;
  sessionId: string;
  /** Used to find the tenant's URL and secrets; not part of the posted body. */
  tenantId: string;
  status: SessionStatus;
  decision: Decision | null;
  occurredAt: string;
}
export const webhookEventIdFor = (sessionId: string, status: SessionStatus): string =>
  `evt_${sessionId}_${status}`;
