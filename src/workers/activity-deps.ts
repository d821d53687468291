// ActivityDeps for a worker process: the face engine is created on first use, so the main worker (which never
// runs inference) never loads tfjs or the models.
import os from 'node:os';
import type { ActivityDeps, FaceEnginePort } from '../activities';
import type { Config } from '../config';
import type { Db } from '../db/database';
import type { FaceEngineConfig } from '../face/config';
import type { BlobStore } from '../storage/blob-store';

export type WorkerRole = 'main' | 'face' | 'all';

export function workerIdentity(role: WorkerRole): string {
  return `${role}@${os.hostname()}:${process.pid}`;
}

/** One engine per process; a failed load is forgotten so the next activity attempt tries again. */
export function lazyFaceEngine(faceConfig: Partial<FaceEngineConfig> = {}): {
  get: () => Promise<FaceEnginePort>;
  dispose: () => Promise<void>;
} {
  let engine: Promise<FaceEnginePort & { dispose(): Promise<void> }> | undefined;
  const get = () => {
    engine ??= import('../face').then((face) => face.createFaceEngine(faceConfig));
    engine.catch(() => (engine = undefined));
    return engine;
  };
  const dispose = async () => {
    const loaded = await engine?.catch(() => undefined);
    await loaded?.dispose();
  };
  return { get, dispose };
}

export function createActivityDeps(
  config: Config,
  resources: { db: Db; blobs: BlobStore; faceEngine: () => Promise<FaceEnginePort> },
  role: WorkerRole,
): ActivityDeps {
  return {
    ...resources,
    workerId: workerIdentity(role),
    claimLeaseSeconds: config.FACE_CLAIM_LEASE_SECONDS,
    webhooks: { timeoutSeconds: config.WEBHOOK_TIMEOUT_SECONDS },
  };
}
