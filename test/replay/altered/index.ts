// A deliberately incompatible variant of kycSession for the negative replay test: it starts a timer the
// recorded histories never saw, as a careless edit (say, a "grace period" before waiting) would.
// Never registered by a real worker.
import { sleep } from '@temporalio/workflow';
import type { KycSessionInput, KycSessionState } from '../../../src/definitions';
import { kycSession as original } from '../../../src/workflows/kyc-session';

export async function kycSession(input: KycSessionInput): Promise<KycSessionState> {
  await sleep('1 second');
  return original(input);
}
