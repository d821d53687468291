// The per-session settings a workflow is started with, fixed at creation so a config change never alters a
// session already running (and its history replays the same).
import type { Config } from '../config';
import type { SessionSettings } from '../definitions';

export type SessionSettingsConfig = Pick<
  Config,
  | 'FACE_MATCH_MAX_ATTEMPTS'
  | 'FACE_MATCH_START_TO_CLOSE_SECONDS'
  | 'FACE_MATCH_HEARTBEAT_TIMEOUT_SECONDS'
  | 'FACE_MATCH_RETRY_INITIAL_SECONDS'
  | 'KYC_REVIEW_DEADLINE_SECONDS'
  | 'KYC_REVIEW_DEADLINE_POLICY'
  | 'WEBHOOK_RETRY_HOURS'
  | 'KYC_FACE_TASK_QUEUE'
>;

export function sessionSettingsFromConfig(
  config: SessionSettingsConfig,
  overrides: { faceMatchTaskQueue?: string } = {},
): SessionSettings {
  return {
    faceMatch: {
      taskQueue: overrides.faceMatchTaskQueue ?? config.KYC_FACE_TASK_QUEUE,
      maximumAttempts: config.FACE_MATCH_MAX_ATTEMPTS,
      startToCloseTimeoutSeconds: config.FACE_MATCH_START_TO_CLOSE_SECONDS,
      heartbeatTimeoutSeconds: config.FACE_MATCH_HEARTBEAT_TIMEOUT_SECONDS,
      initialRetryIntervalSeconds: config.FACE_MATCH_RETRY_INITIAL_SECONDS,
    },
    reviewDeadlineSeconds: config.KYC_REVIEW_DEADLINE_SECONDS,
    reviewDeadlinePolicy: config.KYC_REVIEW_DEADLINE_POLICY,
    webhookRetryHours: config.WEBHOOK_RETRY_HOURS,
  };
}
