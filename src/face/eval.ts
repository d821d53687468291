// `kyc eval`: runs the still-picture pipeline on every image of a pairs file and measures verification accuracy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cosine } from './analyze';
import type { FaceEngineConfig } from './config';
import { MediaError } from './errors';
import { decodeImage } from './image';
import { createLocalInference } from './inference';
import { computeMetrics, errorRates, type PairMetrics, type ScoredPair } from './metrics';

export interface PairRow {
  a: string;
  b: string;
  same: boolean;
}

/** TSV with a header naming columns a, b, same (any order); paths relative to the file's folder. */
export function parsePairs(text: string, baseDir: string): PairRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const ia = header.indexOf('a');
  const ib = header.indexOf('b');
  const is = header.indexOf('same');
  if (ia < 0 || ib < 0 || is < 0) throw new Error('pairs file needs a header with columns a, b, same');
  return lines.map((line, n) => {
    const cols = line.split('\t');
    const a = cols[ia]?.trim();
    const b = cols[ib]?.trim();
    const same = cols[is]?.trim();
    if (!a || !b || (same !== '0' && same !== '1')) throw new Error(`pairs file line ${n + 2} is malformed`);
    return { a: path.resolve(baseDir, a), b: path.resolve(baseDir, b), same: same === '1' };
  });
}

export interface EvalResult {
  pairs: number;
  genuine: number;
  impostor: number;
  images: number;
  noFace: number;
  noFacePairs: number;
  thresholds: { decline: number; approve: number; match: number };
  accuracy: number;
  bestAccuracy: number;
  bestThreshold: number;
  eer: number;
  eerThreshold: number;
  tarAtFar: { far1: number; far01: number; far0: number };
  atDecline: { far: number; frr: number };
  atApprove: { far: number; frr: number };
  reviewRate: number;
  impostorsAboveApprove: number;
  maxImpostorScore: number;
  minGenuineScore: number;
  msPerImage: { mean: number; p50: number; p95: number };
  modelLoadMs: number;
  descriptor: string;
  scored: Array<ScoredPair & { a: string; b: string }>;
  metrics: PairMetrics;
}

export function percentile(values: number[], p: number): number {
  const v = [...values].sort((x, y) => x - y);
  if (v.length === 0) return 0;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] as number;
}

/** The single operating threshold used for "accuracy": the middle of the review band. */
export function matchThreshold(cfg: Pick<FaceEngineConfig, 'thresholdDecline' | 'thresholdApprove'>): number {
  return (cfg.thresholdDecline + cfg.thresholdApprove) / 2;
}

export async function runPairsEval(
  pairsFile: string,
  cfg: FaceEngineConfig,
  opts: { limit?: number; onImage?: (done: number, total: number) => void } = {},
): Promise<EvalResult> {
  let rows = parsePairs(readFileSync(pairsFile, 'utf8'), path.dirname(path.resolve(pairsFile)));
  if (opts.limit) rows = rows.slice(0, opts.limit);
  const images = [...new Set(rows.flatMap((r) => [r.a, r.b]))];
  const inference = await createLocalInference({ ...cfg, inferenceThreads: 0 });
  const descriptors = new Map<string, number[] | null>();
  const times: number[] = [];
  for (const img of images) {
    const t0 = performance.now();
    let desc: number[] | null = null;
    try {
      const a = await inference.analyzeId(await decodeImage(img, cfg));
      desc = a.main?.descriptor ?? null;
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
    }
    times.push(performance.now() - t0);
    descriptors.set(img, desc);
    opts.onImage?.(descriptors.size, images.length);
  }
  await inference.dispose();
  const scored = rows.map((r) => {
    const da = descriptors.get(r.a);
    const db = descriptors.get(r.b);
    // A pair with a face not found scores below every threshold: it counts against genuine pairs.
    return { a: r.a, b: r.b, same: r.same, score: da && db ? cosine(da, db) : -1 };
  });
  return summarize(
    scored,
    images.length,
    [...descriptors.values()].filter((d) => !d).length,
    times,
    cfg,
    inference.loadMs,
  );
}

export function summarize(
  scored: Array<ScoredPair & { a: string; b: string }>,
  images: number,
  noFace: number,
  times: number[],
  cfg: FaceEngineConfig,
  modelLoadMs: number,
): EvalResult {
  const metrics = computeMetrics(scored);
  const match = matchThreshold(cfg);
  const gen = scored.filter((s) => s.same && s.score > -1).map((s) => s.score);
  const imp = scored.filter((s) => !s.same).map((s) => s.score);
  const review = scored.filter(
    (s) => s.score >= cfg.thresholdDecline && s.score < cfg.thresholdApprove,
  ).length;
  return {
    pairs: scored.length,
    genuine: metrics.genuine,
    impostor: metrics.impostor,
    images,
    noFace,
    noFacePairs: scored.filter((s) => s.score === -1).length,
    thresholds: { decline: cfg.thresholdDecline, approve: cfg.thresholdApprove, match },
    accuracy: metrics.accuracyAt(match),
    bestAccuracy: metrics.bestAccuracy,
    bestThreshold: metrics.bestThreshold,
    eer: metrics.eer,
    eerThreshold: metrics.eerThreshold,
    tarAtFar: metrics.tarAtFar,
    atDecline: errorRates(scored, cfg.thresholdDecline),
    atApprove: errorRates(scored, cfg.thresholdApprove),
    reviewRate: scored.length ? review / scored.length : 0,
    impostorsAboveApprove: imp.filter((s) => s >= cfg.thresholdApprove).length,
    maxImpostorScore: imp.length ? Math.max(...imp) : 0,
    minGenuineScore: gen.length ? Math.min(...gen) : 0,
    msPerImage: {
      mean: times.reduce((s, t) => s + t, 0) / Math.max(1, times.length),
      p50: percentile(times, 50),
      p95: percentile(times, 95),
    },
    modelLoadMs,
    descriptor: cfg.descriptor,
    scored,
    metrics,
  };
}
