// One validated configuration, read from the environment once per process.
// Every limit the product enforces lives here with its default; docs/configuration.md lists them.
import path from 'node:path';
import { z } from 'zod';
import { faceConfigFromEnv, type FaceEngineConfig } from './face/config';

const seconds = (def: number) => z.coerce.number().int().positive().default(def);
const bytes = (def: number) => z.coerce.number().int().positive().default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KYC_DATA_DIR: z.string().default('./data'),

  // HTTP
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString,
  KYC_API_KEY: optionalString,
  KYC_SECRET: optionalString,
  KYC_OPERATOR_PASSWORD: optionalString,

  // Postgres; unset -> embedded PGlite under KYC_DATA_DIR
  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),

  // Temporal; TEMPORAL_ADDRESS unset -> embedded dev server
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: z.coerce.number().int().positive().default(7233),
  TEMPORAL_DEV_UI_PORT: z.coerce.number().int().positive().default(8233),
  TEMPORAL_UI_URL: optionalString,
  /** Task queues (defaults from definitions' TASK_QUEUES); separate stacks sharing one namespace pick their own. */
  KYC_MAIN_TASK_QUEUE: z.string().min(1).default('kyc-main'),
  KYC_FACE_TASK_QUEUE: z.string().min(1).default('face-match'),

  // Sessions
  KYC_SESSION_TTL_SECONDS: seconds(3600),
  KYC_MAX_SESSION_TTL_SECONDS: seconds(7 * 24 * 3600),
  KYC_REVIEW_DEADLINE_SECONDS: seconds(72 * 3600),
  KYC_REVIEW_DEADLINE_POLICY: z.enum(['decline', 'escalate']).default('escalate'),

  // Uploads
  KYC_MAX_ID_IMAGE_BYTES: bytes(10 * 1024 * 1024),
  KYC_MAX_SELFIE_VIDEO_BYTES: bytes(50 * 1024 * 1024),

  // Face matching activity
  FACE_CONCURRENCY: z.coerce.number().int().positive().default(1),
  FACE_MATCH_MAX_ATTEMPTS: z.coerce.number().int().positive().default(3),
  FACE_MATCH_START_TO_CLOSE_SECONDS: seconds(300),
  FACE_MATCH_HEARTBEAT_TIMEOUT_SECONDS: seconds(30),
  FACE_MATCH_RETRY_INITIAL_SECONDS: seconds(2),
  /** A claim whose holder stops renewing it for this long may be taken over. */
  FACE_CLAIM_LEASE_SECONDS: seconds(60),
  FACE_WORKER_SHUTDOWN_GRACE_SECONDS: seconds(300),

  // Webhooks
  WEBHOOK_URL: optionalString,
  WEBHOOK_SECRET: optionalString,
  WEBHOOK_TIMEOUT_SECONDS: seconds(10),
  WEBHOOK_RETRY_HOURS: z.coerce.number().positive().default(24),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  dataDir: string;
  publicUrl: string;
  temporalEmbedded: boolean;
  databaseEmbedded: boolean;
  /** The face engine's FACE_* knobs (src/face/config.ts), validated at start rather than at the first inference. */
  face: FaceEngineConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const raw = parsed.data;
  let face: FaceEngineConfig;
  try {
    face = faceConfigFromEnv(env);
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw.KYC_SESSION_TTL_SECONDS > raw.KYC_MAX_SESSION_TTL_SECONDS) {
    throw new ConfigError('KYC_SESSION_TTL_SECONDS must not exceed KYC_MAX_SESSION_TTL_SECONDS');
  }
  return {
    ...raw,
    dataDir: path.resolve(raw.KYC_DATA_DIR),
    publicUrl: (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    temporalEmbedded: raw.TEMPORAL_ADDRESS === undefined,
    databaseEmbedded: raw.DATABASE_URL === undefined,
    face,
  };
}
