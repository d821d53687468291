// What every route plugin (ours and the console/capture/webhook plugins) receives as its options.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/database';
import type { BlobStore } from '../storage/blob-store';
import type { AuthBootstrap } from '../auth/bootstrap';
import type { LoginThrottle } from '../auth/login-throttle';
import type { Guards } from './guards';

/** The parts of src/runtime.ts's Runtime the API uses; a Runtime satisfies it. */
export interface ApiRuntime {
  config: Config;
  db: Db;
  blobs: BlobStore;
  temporal: Client;
  devServer?: { uiUrl: string | null } | null;
}

export interface ApiContext {
  runtime: ApiRuntime;
  config: Config;
  db: Db;
  blobs: BlobStore;
  temporal: Client;
  auth: AuthBootstrap;
  guards: Guards;
  /** Task queues new session workflows start on / send face matching to (from config unless overridden). */
  workflowTaskQueue: string;
  faceMatchTaskQueue: string;
  /** How long an upload or review waits for the workflow to answer before 503 TEMPORAL_UNAVAILABLE. */
  workflowCallTimeoutMs: number;
  /** Link to a workflow in the Temporal Web UI, or null when no UI is known. */
  temporalUiUrl(workflowId: string): string | null;
  loginThrottle: LoginThrottle;
}
