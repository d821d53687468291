// Runs checkFaceSimilarity on its own task queue and turns every way it can end into a session outcome.
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import {
  FAILURE_TYPES,
  type Decision,
  type FaceMatchResult,
  type FileRef,
  type SessionSettings,
} from '../definitions';
import type { FaceActivities } from './activity-types';

export type FaceMatchOutcome =
  | { kind: 'matched'; result: FaceMatchResult; decision: Decision }
  | { kind: 'bad_media'; decision: Decision }
  | { kind: 'failed'; error: { code: string; message: string } };

function faceActivities(settings: SessionSettings['faceMatch']): FaceActivities {
  return proxyActivities<FaceActivities>({
    taskQueue: settings.taskQueue,
    startToCloseTimeout: `${settings.startToCloseTimeoutSeconds}s`,
    heartbeatTimeout: `${settings.heartbeatTimeoutSeconds}s`,
    retry: {
      maximumAttempts: settings.maximumAttempts,
      initialInterval: `${settings.initialRetryIntervalSeconds}s`,
      backoffCoefficient: 2,
      // Corrupt or unsupported media stays bad however often we retry.
      nonRetryableErrorTypes: [FAILURE_TYPES.badMedia],
    },
  });
}

function badMediaCode(failure: ApplicationFailure): string {
  const details = failure.details?.[0] as { code?: unknown } | undefined;
  return typeof details?.code === 'string' ? details.code : 'BAD_MEDIA';
}

export async function runFaceMatch(
  settings: SessionSettings['faceMatch'],
  input: { sessionId: string; workflowId: string; idImage: FileRef; selfieVideo: FileRef },
): Promise<FaceMatchOutcome> {
  try {
    const result = await faceActivities(settings).checkFaceSimilarity(input);
    const { outcome, similarity, liveness, reasons } = result;
    return { kind: 'matched', result, decision: { outcome, similarity, liveness, reasons } };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure && cause.type === FAILURE_TYPES.badMedia) {
      const decision: Decision = {
        outcome: 'declined',
        similarity: null,
        liveness: null,
        reasons: [badMediaCode(cause)],
      };
      return { kind: 'bad_media', decision };
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    return { kind: 'failed', error: { code: 'FACE_MATCH_FAILED', message } };
  }
}
