// Per-picture analysis on the inference thread: detection, landmarks, quality, and (for the faces that
// matter) descriptors and liveness scores. Inputs and outputs are plain data so they cross a worker boundary.
import type { Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import { dlibChipMatrix, eyesAndMouthFromMesh, fivePointsFromMesh, type Point } from './align';
import type { FaceEngineConfig } from './config';
import type { HumanFace, LoadedModels } from './models';
import { chipStats, faceQuality } from './quality';
import { pickMainFace, selectFrames } from './selection';

export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface FaceObservation {
  box: [number, number, number, number];
  detScore: number;
  side: number;
  yaw: number;
  pitch: number;
  roll: number;
  brightness: number;
  sharpness: number;
  quality: number;
  /** Eyes, nose tip, mouth corners (image pixels), for motion analysis. */
  landmarks: Point[] | null;
}

export interface Described {
  descriptor: number[];
  antispoof: number;
  live: number;
}

export interface PictureAnalysis {
  width: number;
  height: number;
  faces: FaceObservation[];
  mainIndex: number;
  competing: number[];
}

export interface IdAnalysis extends PictureAnalysis {
  main: Described | null;
  /** Descriptors of competing large faces, to tell a second person from a duplicate print of the same one. */
  competingDescribed: Described[];
}

export interface VideoAnalysis {
  frames: PictureAnalysis[];
  used: number[];
  described: Record<number, Described>;
}

type AnalyzerConfig = Pick<
  FaceEngineConfig,
  'descriptor' | 'minFacePixels' | 'minQuality' | 'secondFaceAreaRatio' | 'framesUsed'
>;

/** Weight of face-api's descriptor in the fused cosine similarity (faceres gets the rest); best fused on dev. */
export const FUSION_WEIGHT_FACEAPI = 0.8;
/**
 * Level the eyes before computing face-api's descriptor? Measured on the dev pairs: without rotation 98.89%
 * best accuracy (EER 1.78%), with rotation 98.33% (EER 2.00%); face-api's own pipeline does not rotate either.
 */
export const ALIGN_ROTATE = false;
const CHIP = 150;

interface Held {
  face: HumanFace;
  chip: Tensor3D | null;
}

export class Analyzer {
  constructor(
    private readonly m: LoadedModels,
    private readonly cfg: AnalyzerConfig,
  ) {}

  private observe(face: HumanFace, chip: Tensor3D | null, chipPixels: Float32Array | null): FaceObservation {
    const [x, y, w, h] = face.box;
    const angle = face.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 };
    const stats = chipPixels ? chipStats(chipPixels, CHIP, CHIP) : { brightness: 0, sharpness: 0 };
    const side = Math.sqrt(Math.max(0, w) * Math.max(0, h));
    const detScore = Math.min(face.boxScore ?? face.score, face.faceScore ?? face.score);
    const obs = {
      box: [x, y, w, h] as [number, number, number, number],
      detScore,
      side,
      yaw: angle.yaw,
      pitch: angle.pitch,
      roll: angle.roll,
      ...stats,
      landmarks: fivePointsFromMesh(face.mesh),
      quality: 0,
    };
    obs.quality = chip ? faceQuality(obs, this.cfg.minFacePixels) : 0;
    return obs;
  }

  /** Runs the detector and builds each face's aligned chip; the caller must release the held tensors. */
  private async detect(frame: RgbFrame): Promise<{ analysis: PictureAnalysis; held: Held[] }> {
    const { tf, human } = this.m;
    const input = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    let faces: HumanFace[];
    try {
      faces = (await human.detect(input)).face;
    } finally {
      tf.dispose(input);
    }
    const held: Held[] = [];
    const observations: FaceObservation[] = [];
    for (const face of faces) {
      const chip = this.chip(frame, face);
      const pixels = chip ? ((await chip.data()) as Float32Array) : null;
      held.push({ face, chip });
      observations.push(this.observe(face, chip, pixels));
    }
    const pick = pickMainFace(observations, frame.width, frame.height, this.cfg.secondFaceAreaRatio);
    const analysis: PictureAnalysis = {
      width: frame.width,
      height: frame.height,
      faces: observations,
      mainIndex: pick.mainIndex,
      competing: pick.competing.map((f) => observations.indexOf(f)),
    };
    return { analysis, held };
  }

  private chip(frame: RgbFrame, face: HumanFace): Tensor3D | null {
    const pts = eyesAndMouthFromMesh(face.mesh);
    if (!pts) return null;
    const { tf } = this.m;
    return tf.tidy(() => {
      const img = tf.expandDims(
        tf.cast(tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32'), 'float32'),
        0,
      );
      const m = tf.tensor2d([dlibChipMatrix(pts, CHIP, ALIGN_ROTATE)], [1, 8]);
      const out = tf.image.transform(img as Tensor4D, m, 'bilinear', 'constant', 0, [CHIP, CHIP]);
      return tf.squeeze(out, [0]) as Tensor3D;
    });
  }

  private release(held: Held[]): void {
    for (const h of held) this.m.tf.dispose([h.face.tensor, h.chip].filter((t): t is Tensor => !!t));
  }

  private async faceApiDescriptor(chip: Tensor3D): Promise<number[]> {
    const { tf, faceRecognition } = this.m;
    const flipped = tf.reverse(chip, 1);
    try {
      const a = (await faceRecognition.computeFaceDescriptor(chip)) as Float32Array;
      const b = (await faceRecognition.computeFaceDescriptor(flipped)) as Float32Array;
      return averageNormalized(Array.from(a), Array.from(b));
    } finally {
      tf.dispose(flipped);
    }
  }

  private async graphOnCrop(crop: Tensor, which: 'faceres' | 'antispoof' | 'liveness'): Promise<Tensor[]> {
    const { tf } = this.m;
    const model = this.m[which];
    const shape = model.inputs[0]?.shape ?? [1, 224, 224, 3];
    const x = tf.tidy(() => {
      const c4 = (crop.rank === 3 ? tf.expandDims(crop, 0) : crop) as Tensor4D;
      const r = tf.image.resizeBilinear(c4, [shape[2] as number, shape[1] as number], false);
      return which === 'faceres' ? tf.mul(r, 255) : r;
    });
    try {
      const out = model.execute(x);
      return Array.isArray(out) ? out : [out];
    } finally {
      tf.dispose(x);
    }
  }

  private async faceresDescriptor(crop: Tensor): Promise<number[]> {
    const { tf } = this.m;
    const flipped = tf.reverse(crop, crop.rank === 4 ? 2 : 1);
    const run = async (t: Tensor): Promise<number[]> => {
      const outs = await this.graphOnCrop(t, 'faceres');
      const d = outs.find((o) => o.shape[1] === 1024) ?? outs[0];
      const v = Array.from((await (d as Tensor).data()) as Float32Array);
      tf.dispose(outs);
      return v;
    };
    try {
      return averageNormalized(await run(crop), await run(flipped));
    } finally {
      tf.dispose(flipped);
    }
  }

  private async scalar(crop: Tensor, which: 'antispoof' | 'liveness'): Promise<number> {
    const outs = await this.graphOnCrop(crop, which);
    const v = ((await (outs[0] as Tensor).data()) as Float32Array)[0] ?? 0;
    this.m.tf.dispose(outs);
    return v;
  }

  private async describe(h: Held, withLiveness: boolean): Promise<Described | null> {
    const crop = h.face.tensor;
    if (!crop) return null;
    const parts: number[][] = [];
    const mode = this.cfg.descriptor;
    if (mode !== 'faceres') {
      if (!h.chip) return null;
      parts.push(
        scaled(await this.faceApiDescriptor(h.chip), mode === 'fused' ? Math.sqrt(FUSION_WEIGHT_FACEAPI) : 1),
      );
    }
    if (mode !== 'faceapi') {
      parts.push(
        scaled(
          await this.faceresDescriptor(crop),
          mode === 'fused' ? Math.sqrt(1 - FUSION_WEIGHT_FACEAPI) : 1,
        ),
      );
    }
    return {
      descriptor: parts.flat(),
      antispoof: withLiveness ? await this.scalar(crop, 'antispoof') : NaN,
      live: withLiveness ? await this.scalar(crop, 'liveness') : NaN,
    };
  }

  /** One still picture (an ID card or a dev photo): describe the main face and any competing large faces. */
  async analyzeId(img: RgbFrame, opts: { liveness?: boolean } = {}): Promise<IdAnalysis> {
    const { analysis, held } = await this.detect(img);
    try {
      const mainHeld = held[analysis.mainIndex];
      const main = mainHeld ? await this.describe(mainHeld, opts.liveness ?? false) : null;
      const competingDescribed: Described[] = [];
      for (const i of analysis.competing) {
        const d = held[i] ? await this.describe(held[i] as Held, false) : null;
        if (d) competingDescribed.push(d);
      }
      return { ...analysis, main, competingDescribed };
    } finally {
      this.release(held);
    }
  }

  isUsable(f: FaceObservation | undefined): boolean {
    return !!f && f.side >= this.cfg.minFacePixels && f.quality >= this.cfg.minQuality;
  }

  /**
   * Detects on every sampled frame (cheap), then describes only the main face of the best frame in each
   * slice of the clip (expensive). `yieldBetween` lets the hosting thread handle messages between frames.
   */
  async analyzeVideo(
    frames: RgbFrame[],
    yieldBetween: () => Promise<void>,
    framesUsed = this.cfg.framesUsed,
  ): Promise<VideoAnalysis> {
    const results: PictureAnalysis[] = [];
    const held: Held[][] = [];
    try {
      for (const frame of frames) {
        const r = await this.detect(frame);
        // Keep only the main face's tensors: the rest are never described.
        const main = r.held[r.analysis.mainIndex];
        this.release(r.held.filter((h) => h !== main));
        held.push(main ? [main] : []);
        results.push(r.analysis);
        await yieldBetween();
      }
      const candidates = results.map((r, index) => {
        const main = r.faces[r.mainIndex];
        return { index, quality: main?.quality ?? 0, usable: this.isUsable(main) };
      });
      const used = selectFrames(candidates, framesUsed);
      const described: Record<number, Described> = {};
      for (const i of used) {
        const h = held[i]?.[0];
        const d = h ? await this.describe(h, true) : null;
        if (d) described[i] = d;
        await yieldBetween();
      }
      return { frames: results, used, described };
    } finally {
      for (const h of held) this.release(h);
    }
  }
}

function normalize(v: number[]): number[] {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

function scaled(v: number[], k: number): number[] {
  return v.map((x) => x * k);
}

/** Flip augmentation: the mean of the normalised descriptors of the face and its mirror image. */
export function averageNormalized(a: number[], b: number[]): number[] {
  const na = normalize(a);
  const nb = normalize(b);
  return normalize(na.map((x, i) => x + (nb[i] ?? 0)));
}

/** Cosine similarity of two descriptors (each already unit-norm or a weighted concat of unit-norm parts). */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
