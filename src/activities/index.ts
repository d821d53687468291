// createActivities: every activity, bound to its dependencies (Temporal's dependency-injection pattern).
// The main worker registers recordSessionStatus and deliverWebhook; the face worker registers checkFaceSimilarity.
import { createCheckFaceSimilarity, type FaceSimilarityDeps } from './face-similarity';
import { createRecordSessionStatus } from './record-session-status';
import { createWebhookActivities, type WebhookDeps } from './webhooks';

export interface ActivityDeps extends FaceSimilarityDeps {
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
