import { sql, type Kysely } from 'kysely';

// Plain SQL so the schema reads the same in psql, PGlite and code review.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      name text NOT NULL,
      webhook_url text,
      webhook_secrets jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      key_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      label text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      workflow_id text NOT NULL UNIQUE,
      status text NOT NULL,
      expires_at timestamptz NOT NULL,
      idempotency_key text,
      reference text,
      decision jsonb,
      error jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      UNIQUE (tenant_id, idempotency_key)
    );
    CREATE INDEX sessions_tenant_status_created ON sessions (tenant_id, status, created_at DESC);
    CREATE INDEX sessions_created ON sessions (created_at DESC);
    CREATE TABLE files (
      id bigserial PRIMARY KEY,
      session_id text NOT NULL REFERENCES sessions(id),
      kind text NOT NULL,
      storage_key text NOT NULL,
      sha256 text NOT NULL,
      size bigint NOT NULL,
      media_type text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (session_id, kind, sha256)
    );
    CREATE TABLE face_similarity (
      idempotency_key text NOT NULL UNIQUE,
      session_id text NOT NULL,
      workflow_id text NOT NULL,
      id_sha256 text NOT NULL,
      selfie_sha256 text NOT NULL,
      pipeline_version text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'completed')),
      claimed_by text NOT NULL,
      lease_expires_at timestamptz NOT NULL,
      takeovers integer NOT NULL DEFAULT 0,
      result jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz
    );
    CREATE INDEX face_similarity_session ON face_similarity (session_id);
    CREATE TABLE inference_runs (
      id bigserial PRIMARY KEY,
      idempotency_key text NOT NULL,
      session_id text NOT NULL,
      worker_id text NOT NULL,
      activity_attempt integer NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      duration_ms integer
    );
    CREATE INDEX inference_runs_key ON inference_runs (idempotency_key);
    CREATE INDEX inference_runs_session ON inference_runs (session_id);
    CREATE TABLE operators (
      id text PRIMARY KEY,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    );
    CREATE TABLE reviews (
      id bigserial PRIMARY KEY,
      session_id text NOT NULL UNIQUE REFERENCES sessions(id),
      reviewer text NOT NULL,
      decision text NOT NULL CHECK (decision IN ('approve', 'decline')),
      comment text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      event_id text NOT NULL,
      session_id text NOT NULL,
      tenant_id text NOT NULL,
      url text NOT NULL,
      attempt integer NOT NULL,
      status_code integer,
      error text,
      duration_ms integer,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_deliveries_session ON webhook_deliveries (session_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE webhook_deliveries, reviews, operators, inference_runs, face_similarity, files, sessions, api_keys, tenants;
  `.execute(db);
}
