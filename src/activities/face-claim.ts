// The idempotent face-match claim protocol, free of Temporal so it can be tested on its own.
// claim -> completed: reuse | busy: wait, then give up retryably | acquired: infer under a renewed lease, complete.
// docs/idempotency.md explains why no two attempts can both run inference for one key.
import { setTimeout as delay } from 'node:timers/promises';
import type { FaceMatchResult } from '../definitions';
import type { Db } from '../db/database';
import {
  claimFaceSimilarity,
  completeFaceSimilarity,
  releaseFaceSimilarity,
  renewFaceSimilarityLease,
  type ClaimRequest,
  type StoredFaceMatch,
} from '../db/repositories';

/** Another live attempt holds the claim and did not finish within the wait bound. Retryable. */
export class FaceMatchInProgressError extends Error {
  override readonly name = 'FaceMatchInProgressError';
  constructor(
    readonly holder: string,
    readonly leaseExpiresAt: Date,
  ) {
    super(
      `face match is in progress in another attempt (${holder}, lease until ${leaseExpiresAt.toISOString()})`,
    );
  }
}

/** Our lease was taken over while inference ran: its result must not be stored. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export interface ClaimHooks {
  /** Temporal heartbeat in the activity; a no-op elsewhere. */
  heartbeat(details: Record<string, unknown>): void;
  /** Cancellable sleep (the activity's Context.sleep). */
  sleep(ms: number): Promise<void>;
  /** Aborted when the activity is cancelled. */
  signal?: AbortSignal;
  log?: (message: string, meta: Record<string, unknown>) => void;
}

export interface FaceClaimOptions extends ClaimRequest {
  /** How long to wait for a live holder before failing retryably. */
  waitMs: number;
  pollMs: number;
  /** How often to renew the lease (and heartbeat) during inference; at most a third of the lease. */
  tickMs: number;
}

export type Infer = (signal: AbortSignal, onProgress: (stage: string) => void) => Promise<StoredFaceMatch>;

export async function runFaceMatchClaimed(
  db: Db,
  options: FaceClaimOptions,
  infer: Infer,
  hooks: ClaimHooks,
): Promise<FaceMatchResult> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const claim = await claimFaceSimilarity(db, options);
    if (claim.kind === 'completed') return { ...claim.record.result, reused: true };
    if (claim.kind === 'acquired') {
      if (claim.takeover) hooks.log?.('took over a stale face-match claim', { key: options.idempotencyKey });
      const result = await inferUnderLease(db, options, claim.runId, infer, hooks);
      if (result !== undefined) return { ...result, reused: false };
      hooks.log?.('lost the face-match claim during inference', { key: options.idempotencyKey });
      continue; // the next claim finds the winner's result, or its live claim
    }
    const { claimedBy, leaseExpiresAt } = claim.record;
    if (Date.now() >= deadline) throw new FaceMatchInProgressError(claimedBy, leaseExpiresAt);
    hooks.heartbeat({
      phase: 'waiting_for_claim',
      holder: claimedBy,
      leaseExpiresAt: leaseExpiresAt.toISOString(),
    });
    // Wake up no later than the lease expiry, when a takeover becomes possible.
    const untilExpiry = leaseExpiresAt.getTime() - Date.now() + 50;
    await hooks.sleep(Math.max(50, Math.min(options.pollMs, untilExpiry, deadline - Date.now())));
  }
}

/**
 * Runs inference while renewing the lease; returns the stored result, or undefined when the lease was lost
 * (taken over by another attempt), in which case nothing of ours was stored.
 */
async function inferUnderLease(
  db: Db,
  options: FaceClaimOptions,
  runId: string,
  infer: Infer,
  hooks: ClaimHooks,
): Promise<StoredFaceMatch | undefined> {
  const { idempotencyKey, holder } = options;
  const lease = new AbortController();
  const stopRenewing = new AbortController();
  const signal = hooks.signal === undefined ? lease.signal : AbortSignal.any([lease.signal, hooks.signal]);
  const renewing = renewLeaseUntilStopped(db, options, lease, stopRenewing.signal, hooks);
  let result: StoredFaceMatch;
  try {
    result = await infer(signal, (stage) => hooks.heartbeat({ phase: 'inference', stage }));
  } catch (err) {
    const error = lease.signal.aborted ? 'LEASE_LOST: claim taken over during inference' : describe(err);
    await releaseFaceSimilarity(db, { idempotencyKey, holder, runId, error });
    if (lease.signal.aborted && !(hooks.signal?.aborted ?? false)) return undefined;
    throw err;
  } finally {
    stopRenewing.abort();
    await renewing;
  }
  // An engine that ignored the abort still finishes here; completion is fenced by the holder, so it loses cleanly.
  const outcome = await completeFaceSimilarity(db, { idempotencyKey, holder, runId, result });
  return outcome === 'completed' ? result : undefined;
}

async function renewLeaseUntilStopped(
  db: Db,
  options: FaceClaimOptions,
  lease: AbortController,
  stop: AbortSignal,
  hooks: ClaimHooks,
): Promise<void> {
  const { idempotencyKey, holder, leaseSeconds } = options;
  while (!stop.aborted) {
    try {
      await delay(options.tickMs, undefined, { signal: stop });
    } catch {
      return; // stopped
    }
    hooks.heartbeat({ phase: 'inference' });
    try {
      if (!(await renewFaceSimilarityLease(db, { idempotencyKey, holder, leaseSeconds }))) {
        lease.abort(new LeaseLostError(`lease on ${idempotencyKey} was taken over`));
        return;
      }
    } catch (err) {
      // A database blip: the lease has slack for two more ticks, so keep inferring and try again.
      hooks.log?.('could not renew the face-match lease', { key: idempotencyKey, error: describe(err) });
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : err.name}: ${err.message}`.slice(0, 2000);
}
