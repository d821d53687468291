// The decision policy: input problems first (retake needed), then similarity against two thresholds, then
// liveness risk per the configured policy. Pure, so every branch is unit-tested.
import type { FaceEngineConfig } from './config';
import type { FaceOutcome, LivenessSignals, ReasonCode } from './types';

export interface DecisionInputs {
  id: { faces: number; usable: boolean; distinctLargeFaces: number };
  selfie: {
    framesSampled: number;
    framesWithFace: number;
    usableFrames: number;
    framesWithCompetingFace: number;
    /** Lowest similarity between the main faces of the frames used; null with fewer than two. */
    consistency: number | null;
  };
  similarity: number | null;
  liveness: LivenessSignals;
}

export type DecisionPolicy = Pick<
  FaceEngineConfig,
  'thresholdDecline' | 'thresholdApprove' | 'minFrameConsistency' | 'livenessHighRisk' | 'livenessMediumRisk'
>;

const RANK: Record<FaceOutcome, number> = { approved: 0, needs_review: 1, declined: 2 };

function worst(a: FaceOutcome, b: FaceOutcome): FaceOutcome {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Problems with the inputs themselves; any of them means the comparison cannot be trusted. */
export function inputProblems(inp: DecisionInputs, p: DecisionPolicy): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (inp.id.faces === 0) reasons.push('NO_FACE_ID');
  else if (inp.id.distinctLargeFaces > 1) reasons.push('MULTIPLE_FACES_ID');
  else if (!inp.id.usable) reasons.push('LOW_QUALITY_ID');
  const s = inp.selfie;
  if (s.framesWithFace === 0) reasons.push('NO_FACE_SELFIE');
  else if (s.usableFrames === 0) reasons.push('LOW_QUALITY_SELFIE');
  // A bystander in one frame is common; a second person in a third or more of the frames is not.
  if (s.framesWithFace > 0 && s.framesWithCompetingFace * 3 >= Math.max(3, s.framesWithFace)) {
    reasons.push('MULTIPLE_FACES_SELFIE');
  }
  if (s.consistency !== null && s.consistency < p.minFrameConsistency)
    reasons.push('IDENTITY_CHANGED_SELFIE');
  return reasons;
}

export function decide(
  inp: DecisionInputs,
  p: DecisionPolicy,
): { outcome: FaceOutcome; reasons: ReasonCode[] } {
  const reasons = inputProblems(inp, p);
  let outcome: FaceOutcome = reasons.length > 0 ? 'declined' : 'approved';
  if (outcome === 'approved') {
    const sim = inp.similarity ?? -1;
    if (sim < p.thresholdDecline) {
      outcome = 'declined';
      reasons.push('FACE_MISMATCH');
    } else if (sim < p.thresholdApprove) {
      outcome = 'needs_review';
      reasons.push('SIMILARITY_UNCERTAIN');
    }
  }
  const risk = inp.liveness.risk;
  if (risk === 'high') {
    reasons.push('LIVENESS_FAILED');
    outcome = worst(outcome, p.livenessHighRisk === 'decline' ? 'declined' : 'needs_review');
  } else if (risk === 'medium' && p.livenessMediumRisk === 'review') {
    reasons.push('LIVENESS_UNCERTAIN');
    outcome = worst(outcome, 'needs_review');
  }
  return { outcome, reasons };
}
