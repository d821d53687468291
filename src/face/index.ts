// Public surface of the face engine. No Temporal imports here: the activity adapts this module.
export type {
  FaceOutcome,
  ReasonCode,
  FaceDecision,
  FaceEngine,
  LivenessSignals,
  FrameReport,
  VerifyOptions,
  Risk,
} from './types';
export { MediaError, TransientFaceError, isMediaError, type MediaErrorCode } from './errors';
export { createFaceEngine, pipelineVersionFor, type EngineWithStats } from './engine';
export { faceConfigFromEnv, resolveFaceConfig, type FaceEngineConfig } from './config';
export { sniffMediaType } from './media-type';
