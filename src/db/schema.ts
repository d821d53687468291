// Kysely table types. The SQL of record is in ./migrations; keep the two in step.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Decision, FaceMatchResult, FileKind, SessionStatus } from '../definitions';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TenantsTable {
  id: string;
  name: string;
  webhook_url: string | null;
  /** Newest first; every secret signs, so receivers can rotate without a gap. */
  webhook_secrets: JSONColumnType<string[]>;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  /** sha256 of the key: keys are high-entropy, so a slow hash adds nothing. */
  key_hash: string;
  prefix: string;
  label: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  workflow_id: string;
  status: SessionStatus;
  expires_at: Timestamp;
  idempotency_key: string | null;
  reference: string | null;
  decision: JSONColumnType<Decision> | null;
  error: JSONColumnType<{ code: string; message: string }> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface FilesTable {
  id: Generated<string>;
  session_id: string;
  kind: FileKind;
  storage_key: string;
  sha256: string;
  size: ColumnType<string, number | string, number | string>;
  media_type: string;
  created_at: Timestamp;
  /** When this file was last accepted; the newest of a kind is the session's current file. */
  accepted_at: Timestamp;
}

export interface FaceSimilarityTable {
  idempotency_key: string;
  session_id: string;
  workflow_id: string;
  id_sha256: string;
  selfie_sha256: string;
  pipeline_version: string;
  status: 'running' | 'completed';
  claimed_by: string;
  lease_expires_at: Timestamp;
  takeovers: ColumnType<number, number | undefined, number>;
  result: JSONColumnType<Omit<FaceMatchResult, 'reused'>> | null;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface InferenceRunsTable {
  id: Generated<string>;
  idempotency_key: string;
  session_id: string;
  worker_id: string;
  activity_attempt: number;
  status: 'running' | 'completed' | 'failed';
  error: string | null;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  duration_ms: number | null;
}

export interface OperatorsTable {
  id: string;
  username: string;
  password_hash: string;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
}

export interface ReviewsTable {
  id: Generated<string>;
  session_id: string;
  reviewer: string;
  decision: 'approve' | 'decline';
  comment: string;
  created_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  event_id: string;
  session_id: string;
  tenant_id: string;
  url: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  created_at: Timestamp;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  files: FilesTable;
  face_similarity: FaceSimilarityTable;
  inference_runs: InferenceRunsTable;
  operators: OperatorsTable;
  reviews: ReviewsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
