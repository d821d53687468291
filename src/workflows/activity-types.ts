// The activity signatures the workflow calls. Declared here because workflow code may not import src/activities;
// src/workers checks at compile time that createActivities() satisfies this interface.
import type { Decision, FaceMatchResult, FileRef, SessionStatus, WebhookEvent } from '../definitions';

export interface CheckFaceSimilarityInput {
  sessionId: string;
  workflowId: string;
  idImage: FileRef;
  selfieVideo: FileRef;
}

export interface RecordSessionStatusInput {
  sessionId: string;
  status: SessionStatus;
  decision?: Decision | null;
  error?: { code: string; message: string } | null;
  files?: FileRef[];
}

export interface FaceActivities {
  checkFaceSimilarity(input: CheckFaceSimilarityInput): Promise<FaceMatchResult>;
}

export interface MainActivities {
  recordSessionStatus(input: RecordSessionStatusInput): Promise<void>;
  deliverWebhook(input: WebhookEvent): Promise<unknown>;
}
