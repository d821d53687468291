// createActivities: every activity, bound to its dependencies (Temporal's dependency-injection pattern).
// The main worker registers recordSessionStatus and deliverWebhook; the face worker registers checkFaceSimilarity.
import type { Db } from '../db/database';
import type { BlobStore } from '../storage/blob-store';
import { createCheckFaceSimilarity } from './face-similarity';
import type { FaceEnginePort } from './face-engine-port';
import { createRecordSessionStatus } from './record-session-status';
import { createWebhookActivities, type WebhookDeps } from './webhooks';

export interface ActivityDeps {
  db: Db;
  blobs: BlobStore;
  /** Lazy: the main worker never loads the models. */
  faceEngine: () => Promise<FaceEnginePort>;
  workerId: string;
  /** FACE_CLAIM_LEASE_SECONDS: a claim not renewed for this long may be taken over. */
  claimLeaseSeconds: number;
  /** How long an attempt waits for another live attempt of the same key; default 80% of start-to-close. */
  claimWaitSeconds?: number;
  claimPollMs?: number;
  webhooks?: WebhookDeps;
}

export function createActivities(deps: ActivityDeps) {
  return {
    checkFaceSimilarity: createCheckFaceSimilarity(deps),
    recordSessionStatus: createRecordSessionStatus(deps),
    ...createWebhookActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { CheckFaceSimilarityInput } from './face-similarity';
export type { RecordSessionStatusInput } from './record-session-status';
export type { FaceEnginePort } from './face-engine-port';
export { faceMatchIdempotencyKey } from './idempotency-key';
