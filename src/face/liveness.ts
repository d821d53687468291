// Liveness signals from the video: model scores plus how the main face moves across frames.
// These are risk signals, not a certified presentation-attack detection (no ISO 30107-3 / iBeta claim).
import { fitSimilarity, type Point } from './align';
import type { FaceEngineConfig } from './config';
import type { LivenessSignals, Risk } from './types';

export function median(values: number[]): number | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/**
 * Non-rigid motion: after removing the best 2-D similarity (what moving a flat photo in front of the camera
 * produces), how much do the five landmarks still move, relative to the eye distance? A real head turning,
 * talking or blinking leaves a residual; a still picture (or a replayed still) leaves almost none.
 * Returns the median over consecutive frame pairs, scaled so ~1 means clearly moving.
 */
export function nonRigidMotion(landmarks: Array<Point[] | null>): number | null {
  const seq = landmarks.filter((l): l is Point[] => !!l && l.length === 5);
  if (seq.length < 2) return null;
  const residuals: number[] = [];
  for (let i = 1; i < seq.length; i++) {
    const a = seq[i - 1] as Point[];
    const b = seq[i] as Point[];
    const s = fitSimilarity(a, b);
    const eye =
      Math.hypot((b[1] as Point)[0] - (b[0] as Point)[0], (b[1] as Point)[1] - (b[0] as Point)[1]) || 1;
    let sq = 0;
    a.forEach((p, k) => {
      const x = s.a * p[0] - s.b * p[1] + s.tx;
      const y = s.b * p[0] + s.a * p[1] + s.ty;
      const q = b[k] as Point;
      sq += (x - q[0]) ** 2 + (y - q[1]) ** 2;
    });
    residuals.push(Math.sqrt(sq / a.length) / eye);
  }
  const m = median(residuals);
  return m === null ? null : Math.min(1, m / 0.1);
}

export type LivenessPolicy = Pick<
  FaceEngineConfig,
  'antispoofFail' | 'antispoofWarn' | 'liveFail' | 'liveWarn' | 'motionFail' | 'motionWarn'
>;

function level(value: number | null, fail: number, warn: number): Risk {
  if (value === null) return 'medium';
  if (value < fail) return 'high';
  if (value < warn) return 'medium';
  return 'low';
}

export function livenessRisk(s: Omit<LivenessSignals, 'risk'>, p: LivenessPolicy): Risk {
  const levels = [
    level(s.antispoof, p.antispoofFail, p.antispoofWarn),
    level(s.live, p.liveFail, p.liveWarn),
    level(s.motion, p.motionFail, p.motionWarn),
  ];
  if (levels.includes('high')) return 'high';
  if (levels.includes('medium')) return 'medium';
  return 'low';
}
