// Face quality: size, sharpness, brightness, pose and detector confidence, each mapped to 0..1 and combined
// as a weighted geometric mean, so one very bad component (a dark or blurred face) pulls the score down.

export interface QualityInputs {
  /** Face side in pixels of the analysed image (geometric mean of box width and height). */
  side: number;
  /** Variance of the Laplacian on the aligned 150x150 grayscale chip (0..255 scale). */
  sharpness: number;
  /** Mean luminance of the chip, 0..1. */
  brightness: number;
  /** Head pose in radians. */
  yaw: number;
  pitch: number;
  /** Detector/mesh confidence, 0..1. */
  detScore: number;
}

export interface QualityParts {
  size: number;
  sharpness: number;
  brightness: number;
  pose: number;
  confidence: number;
}

const WEIGHTS: QualityParts = { size: 0.25, sharpness: 0.25, brightness: 0.2, pose: 0.2, confidence: 0.1 };

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** 1 at or above `full` px, 0 at or below `minFacePixels` * 0.5. */
export function sizeScore(side: number, minFacePixels: number, full = 112): number {
  const low = minFacePixels * 0.5;
  return clamp01((side - low) / Math.max(1, full - low));
}

/** Laplacian variance ~20 is mush, ~150 and above is crisp for a 150 px chip. */
export function sharpnessScore(lapVar: number): number {
  return clamp01((Math.log10(Math.max(lapVar, 1)) - Math.log10(15)) / (Math.log10(150) - Math.log10(15)));
}

/** Flat between 0.25 and 0.75 mean luminance, falling to 0 at 0.05 (dark) and 0.97 (blown out). */
export function brightnessScore(mean: number): number {
  if (mean < 0.25) return clamp01((mean - 0.05) / 0.2);
  if (mean > 0.75) return clamp01((0.97 - mean) / 0.22);
  return 1;
}

/** Frontal is 1; 45 degrees of yaw (or 35 of pitch) is 0. */
export function poseScore(yaw: number, pitch: number): number {
  const y = Math.abs(yaw) / (Math.PI / 4);
  const p = Math.abs(pitch) / ((35 * Math.PI) / 180);
  return clamp01(1 - Math.sqrt(y * y + p * p));
}

export function qualityParts(q: QualityInputs, minFacePixels: number): QualityParts {
  return {
    size: sizeScore(q.side, minFacePixels),
    sharpness: sharpnessScore(q.sharpness),
    brightness: brightnessScore(q.brightness),
    pose: poseScore(q.yaw, q.pitch),
    confidence: clamp01(q.detScore),
  };
}

export function combineQuality(parts: QualityParts): number {
  let logSum = 0;
  for (const key of Object.keys(WEIGHTS) as Array<keyof QualityParts>) {
    logSum += WEIGHTS[key] * Math.log(Math.max(parts[key], 0.01));
  }
  return clamp01(Math.exp(logSum));
}

export function faceQuality(q: QualityInputs, minFacePixels: number): number {
  return combineQuality(qualityParts(q, minFacePixels));
}

/** Brightness and Laplacian variance of an RGB chip (HWC, 0..255 floats). */
export function chipStats(
  rgb: ArrayLike<number>,
  width: number,
  height: number,
): { brightness: number; sharpness: number } {
  const gray = new Float32Array(width * height);
  let sum = 0;
  for (let i = 0; i < width * height; i++) {
    const g =
      0.299 * (rgb[i * 3] as number) +
      0.587 * (rgb[i * 3 + 1] as number) +
      0.114 * (rgb[i * 3 + 2] as number);
    gray[i] = g;
    sum += g;
  }
  let n = 0;
  let mean = 0;
  let m2 = 0;
  // Inner region only: the chip's border may contain padding from the warp.
  const m = Math.round(Math.min(width, height) * 0.15);
  for (let y = Math.max(1, m); y < height - Math.max(1, m); y++) {
    for (let x = Math.max(1, m); x < width - Math.max(1, m); x++) {
      const i = y * width + x;
      const lap =
        (gray[i - 1] as number) +
        (gray[i + 1] as number) +
        (gray[i - width] as number) +
        (gray[i + width] as number) -
        4 * (gray[i] as number);
      n++;
      const d = lap - mean;
      mean += d / n;
      m2 += d * (lap - mean);
    }
  }
  return { brightness: sum / (width * height) / 255, sharpness: n > 1 ? m2 / (n - 1) : 0 };
}
