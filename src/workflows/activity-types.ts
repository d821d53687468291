// The activity signatures the workflow calls. Declared here because workflow code may not import src/activities;
// src/workers checks at compile time that createActivities() satisfies this interface.
import type {
  CheckFaceSimilarityInput,
  FaceMatchResult,
  RecordSessionStatusInput,
  WebhookEvent,
} from '../definitions';

export type { CheckFaceSimilarityInput, RecordSessionStatusInput };

export interface FaceActivities {
  checkFaceSimilarity(input: CheckFaceSimilarityInput): Promise<FaceMatchResult>;
}

export interface MainActivities {
  recordSessionStatus(input: RecordSessionStatusInput): Promise<void>;
  deliverWebhook(input: WebhookEvent): Promise<unknown>;
}
