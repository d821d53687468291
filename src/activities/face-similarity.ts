// checkFaceSimilarity: the Temporal side of the face match. It derives the idempotency key, runs the claim
// protocol (face-claim.ts) with Temporal heartbeats and cancellation, and maps engine errors to failure types.
import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, type CheckFaceSimilarityInput, type FaceMatchResult } from '../definitions';
import type { Db } from '../db/database';
import type { StoredFaceMatch } from '../db/repositories';
import type { BlobStore } from '../storage/blob-store';
import {
  FaceMatchInProgressError,
  runFaceMatchClaimed,
  type ClaimHooks,
  type FaceClaimOptions,
} from './face-claim';
import type { FaceDecision } from '../face/types';
import { isTransientFaceError, mediaErrorCode, type FaceEnginePort } from './face-engine-port';
import { faceMatchIdempotencyKey } from './idempotency-key';

export type { CheckFaceSimilarityInput };

export interface FaceSimilarityDeps {
  db: Db;
  blobs: BlobStore;
  /** Lazy: the main worker never loads the models. */
  faceEngine: () => Promise<FaceEnginePort>;
  workerId: string;
  /** FACE_CLAIM_LEASE_SECONDS: a claim not renewed for this long may be taken over. */
  claimLeaseSeconds: number;
  /** How long an attempt waits for another live attempt of the same key; default 80% of start-to-close. */
  claimWaitSeconds?: number;
  claimPollMs?: number;
}

/** Best frames go to the blob store; only their keys travel in the result. */
async function storeBestFrames(blobs: BlobStore, frames: FaceDecision['bestFrames']): Promise<string[]> {
  const keys: string[] = [];
  for (const frame of frames ?? []) keys.push((await blobs.putBuffer(frame.jpeg, 'image/jpeg')).key);
  return keys;
}

function waitMs(deps: FaceSimilarityDeps, ctx: Context): number {
  if (deps.claimWaitSeconds !== undefined) return deps.claimWaitSeconds * 1000;
  const startToClose = ctx.info.startToCloseTimeoutMs;
  return startToClose > 0 ? Math.floor(startToClose * 0.8) : deps.claimLeaseSeconds * 2000;
}

function tickMs(deps: FaceSimilarityDeps, ctx: Context): number {
  const leaseTick = (deps.claimLeaseSeconds * 1000) / 3;
  const heartbeatTick = ctx.info.heartbeatTimeoutMs ? ctx.info.heartbeatTimeoutMs / 3 : 5000;
  return Math.max(100, Math.floor(Math.min(leaseTick, heartbeatTick)));
}

function hooksFor(ctx: Context): ClaimHooks {
  return {
    heartbeat: (details) => ctx.heartbeat(details),
    sleep: (ms) => ctx.sleep(ms),
    signal: ctx.cancellationSignal,
    log: (message, meta) => ctx.log.info(message, meta),
  };
}

/** Engine and protocol errors become typed failures the workflow's retry policy understands. */
function toFailure(err: unknown, ctx: Context): unknown {
  if (ctx.cancellationSignal.aborted) return ctx.cancellationSignal.reason ?? err;
  const code = mediaErrorCode(err);
  if (code !== undefined) {
    return ApplicationFailure.nonRetryable((err as Error).message, FAILURE_TYPES.badMedia, { code });
  }
  if (isTransientFaceError(err)) {
    return ApplicationFailure.retryable(err.message, FAILURE_TYPES.transientFaceError);
  }
  if (err instanceof FaceMatchInProgressError) {
    return ApplicationFailure.retryable(err.message, FAILURE_TYPES.faceMatchInProgress, {
      holder: err.holder,
      leaseExpiresAt: err.leaseExpiresAt.toISOString(),
    });
  }
  return err;
}

/** The inference step: hands the engine local paths, stores best frames, returns what face_similarity keeps. */
function inferWith(
  deps: FaceSimilarityDeps,
  engine: FaceEnginePort,
  input: CheckFaceSimilarityInput,
  key: string,
) {
  return async (signal: AbortSignal, onProgress: (stage: string) => void): Promise<StoredFaceMatch> => {
    const verdict = await deps.blobs.withLocalPath(input.idImage.storageKey, (idImagePath) =>
      deps.blobs.withLocalPath(input.selfieVideo.storageKey, (selfieVideoPath) =>
        engine.verify({ idImagePath, selfieVideoPath }, { onProgress, signal, captureBestFrames: true }),
      ),
    );
    return {
      idempotencyKey: key,
      outcome: verdict.outcome,
      reasons: verdict.reasons,
      similarity: verdict.similarity,
      liveness: verdict.liveness,
      pipelineVersion: engine.pipelineVersion,
      bestFrameKeys: await storeBestFrames(deps.blobs, verdict.bestFrames),
    };
  };
}

function claimOptions(
  deps: FaceSimilarityDeps,
  ctx: Context,
  input: CheckFaceSimilarityInput,
  pipelineVersion: string,
): FaceClaimOptions {
  const { attempt, activityId } = ctx.info;
  const idSha256 = input.idImage.sha256;
  const selfieSha256 = input.selfieVideo.sha256;
  return {
    idempotencyKey: faceMatchIdempotencyKey({
      workflowId: input.workflowId,
      idSha256,
      selfieSha256,
      pipelineVersion,
    }),
    sessionId: input.sessionId,
    workflowId: input.workflowId,
    idSha256,
    selfieSha256,
    pipelineVersion,
    // Unique per attempt: two attempts on one worker must never share a claim.
    holder: `${deps.workerId}/${activityId}#${attempt}/${randomBytes(4).toString('hex')}`,
    activityAttempt: attempt,
    leaseSeconds: deps.claimLeaseSeconds,
    waitMs: waitMs(deps, ctx),
    pollMs: deps.claimPollMs ?? 1000,
    tickMs: tickMs(deps, ctx),
  };
}

export function createCheckFaceSimilarity(deps: FaceSimilarityDeps) {
  return async function checkFaceSimilarity(input: CheckFaceSimilarityInput): Promise<FaceMatchResult> {
    const ctx = Context.current();
    try {
      const engine = await deps.faceEngine();
      const options = claimOptions(deps, ctx, input, engine.pipelineVersion);
      const infer = inferWith(deps, engine, input, options.idempotencyKey);
      return await runFaceMatchClaimed(deps.db, options, infer, hooksFor(ctx));
    } catch (err) {
      throw toFailure(err, ctx);
    }
  };
}
