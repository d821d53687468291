// Face engine configuration. Every knob has an environment variable (documented in docs/face-engine.md);
// defaults are the values calibrated on the dev set.
import { z } from 'zod';

const num = (def: number) => z.coerce.number().finite().default(def);
const int = (def: number) => z.coerce.number().int().positive().default(def);
const unit = (def: number) => z.coerce.number().min(0).max(1).default(def);

export const faceConfigSchema = z.object({
  backend: z.enum(['wasm', 'tensorflow', 'cpu']).default('wasm'),
  /**
   * Descriptor used for matching: face-api's 128-d ResNet on dlib-style chips with flip augmentation (the
   * calibrated default). 'fused' and 'faceres' exist for comparison; their thresholds differ (see the docs).
   */
  descriptor: z.enum(['faceapi', 'fused', 'faceres']).default('faceapi'),
  /** Cosine similarity below which the faces are declared different (calibrated for 'faceapi'). */
  thresholdDecline: num(0.895),
  /** Cosine similarity at or above which the faces are declared the same (review in between). */
  thresholdApprove: num(0.925),
  ffmpegPath: z.string().optional(),
  ffprobePath: z.string().optional(),
  humanModelsDir: z.string().optional(),
  faceApiModelsDir: z.string().optional(),
  maxImagePixels: int(40_000_000),
  maxImageBytes: int(20 * 1024 * 1024),
  maxVideoSeconds: num(30),
  maxVideoBytes: int(100 * 1024 * 1024),
  maxVideoPixels: int(3840 * 2160),
  ffmpegTimeoutMs: int(30_000),
  /** Frames decoded evenly across the clip and run through the detector. */
  framesSampled: int(6),
  /** Best-quality frames compared with the ID face. */
  framesUsed: int(2),
  /** Smallest face side (px, in the decoded image) that counts as usable. */
  minFacePixels: int(56),
  /** Frame/ID quality score (0..1) below which a face is too poor to compare. */
  minQuality: unit(0.35),
  /** A second face at least this fraction of the main face's area counts as another person in view. */
  secondFaceAreaRatio: unit(0.35),
  /** Lowest similarity between the main faces of two used frames before the identity is deemed changed. */
  minFrameConsistency: num(0.87),
  /** Liveness policy: signals below *Fail are high risk, below *Warn medium risk. */
  antispoofFail: unit(0.1),
  antispoofWarn: unit(0.3),
  liveFail: unit(0.1),
  liveWarn: unit(0.3),
  motionFail: unit(0.02),
  motionWarn: unit(0.05),
  /** What high and medium liveness risk do to an otherwise approved decision. */
  livenessHighRisk: z.enum(['decline', 'review']).default('decline'),
  livenessMediumRisk: z.enum(['review', 'ignore']).default('review'),
  /**
   * Inference worker threads, each with its own copy of the models (~250 MB). Two use both cores of a small
   * machine for one decision; 0 runs inference on the calling thread (batch tools only: it blocks the loop).
   */
  inferenceThreads: z.coerce.number().int().min(0).max(8).default(2),
});

export type FaceEngineConfig = z.infer<typeof faceConfigSchema>;

const ENV_KEYS: Record<keyof FaceEngineConfig, string> = {
  backend: 'FACE_BACKEND',
  descriptor: 'FACE_DESCRIPTOR',
  thresholdDecline: 'FACE_THRESHOLD_DECLINE',
  thresholdApprove: 'FACE_THRESHOLD_APPROVE',
  ffmpegPath: 'FFMPEG_PATH',
  ffprobePath: 'FFPROBE_PATH',
  humanModelsDir: 'FACE_HUMAN_MODELS_DIR',
  faceApiModelsDir: 'FACE_FACEAPI_MODELS_DIR',
  maxImagePixels: 'FACE_MAX_IMAGE_PIXELS',
  maxImageBytes: 'FACE_MAX_IMAGE_BYTES',
  maxVideoSeconds: 'FACE_MAX_VIDEO_SECONDS',
  maxVideoBytes: 'FACE_MAX_VIDEO_BYTES',
  maxVideoPixels: 'FACE_MAX_VIDEO_PIXELS',
  ffmpegTimeoutMs: 'FACE_FFMPEG_TIMEOUT_MS',
  framesSampled: 'FACE_FRAMES_SAMPLED',
  framesUsed: 'FACE_FRAMES_USED',
  minFacePixels: 'FACE_MIN_FACE_PIXELS',
  minQuality: 'FACE_MIN_QUALITY',
  secondFaceAreaRatio: 'FACE_SECOND_FACE_AREA_RATIO',
  minFrameConsistency: 'FACE_MIN_FRAME_CONSISTENCY',
  antispoofFail: 'FACE_ANTISPOOF_FAIL',
  antispoofWarn: 'FACE_ANTISPOOF_WARN',
  liveFail: 'FACE_LIVE_FAIL',
  liveWarn: 'FACE_LIVE_WARN',
  motionFail: 'FACE_MOTION_FAIL',
  motionWarn: 'FACE_MOTION_WARN',
  livenessHighRisk: 'FACE_LIVENESS_HIGH_RISK',
  livenessMediumRisk: 'FACE_LIVENESS_MEDIUM_RISK',
  inferenceThreads: 'FACE_INFERENCE_THREADS',
};

export const FACE_ENV_KEYS = ENV_KEYS;

function validate(cfg: FaceEngineConfig): FaceEngineConfig {
  if (cfg.thresholdDecline > cfg.thresholdApprove) {
    throw new Error('FACE_THRESHOLD_DECLINE must not exceed FACE_THRESHOLD_APPROVE');
  }
  if (cfg.framesUsed > cfg.framesSampled)
    throw new Error('FACE_FRAMES_USED must not exceed FACE_FRAMES_SAMPLED');
  return cfg;
}

/** Parses the FACE_* variables (empty strings count as unset). Throws with the offending variable's name. */
export function faceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FaceEngineConfig {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = faceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as keyof FaceEngineConfig | undefined;
    throw new Error(`invalid ${key ? ENV_KEYS[key] : 'face config'}: ${issue?.message ?? 'invalid'}`);
  }
  return validate(parsed.data);
}

/** Defaults overlaid with explicit values (used by createFaceEngine and tests). */
export function resolveFaceConfig(partial: Partial<FaceEngineConfig> = {}): FaceEngineConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return validate(faceConfigSchema.parse(defined));
}
