export type FaceOutcome = 'approved' | 'declined' | 'needs_review';

export type ReasonCode =
  | 'FACE_MISMATCH'
  | 'NO_FACE_ID'
  | 'MULTIPLE_FACES_ID'
  | 'NO_FACE_SELFIE'
  | 'MULTIPLE_FACES_SELFIE'
  | 'IDENTITY_CHANGED_SELFIE'
  | 'LOW_QUALITY_ID'
  | 'LOW_QUALITY_SELFIE'
  | 'LIVENESS_FAILED'
  | 'LIVENESS_UNCERTAIN'
  | 'SIMILARITY_UNCERTAIN'
  | 'UNSUPPORTED_MEDIA'
  | 'CORRUPT_MEDIA'
  | 'VIDEO_TOO_LONG'
  | 'IMAGE_TOO_LARGE'
  | 'EMPTY_FILE';

export type Risk = 'low' | 'medium' | 'high';

export interface LivenessSignals {
  /** human's antispoof model, 0..1 (1 = real), median over the frames used. */
  antispoof: number | null;
  /** human's liveness model, 0..1 (1 = live). */
  live: number | null;
  /** Natural motion of the main face across frames, 0..1 (0 = perfectly still picture). */
  motion: number | null;
  /** Identity consistency of the main face across frames: lowest pairwise similarity, 0..1. */
  consistency: number | null;
  risk: Risk;
}

export interface FrameReport {
  index: number;
  timeSeconds: number;
  quality: number;
  similarity: number | null;
  faces: number;
  used: boolean;
}

export interface FaceDecision {
  outcome: FaceOutcome;
  reasons: ReasonCode[];
  similarity: number | null;
  thresholds: { decline: number; approve: number };
  liveness: LivenessSignals;
  frames: FrameReport[];
  bestFrames?: Array<{ timeSeconds: number; jpeg: Buffer }>;
  idFace: { box: [number, number, number, number]; score: number; quality?: number } | null;
  pipelineVersion: string;
  timingsMs: Record<string, number>;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  onProgress?: (stage: string) => void;
  captureBestFrames?: boolean;
}

export interface FaceEngine {
  readonly pipelineVersion: string;
  verify(
    input: { idImagePath: string; selfieVideoPath: string },
    options?: VerifyOptions,
  ): Promise<FaceDecision>;
  dispose(): Promise<void>;
}
