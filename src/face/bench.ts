// `kyc bench-face`: model load time, per-image and per-video latency, full decision latency, peak RSS,
// event-loop delay on the calling thread, and tensor count / RSS drift over many comparisons.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createFaceEngine } from './engine';
import type { FaceEngineConfig } from './config';
import { percentile } from './eval';
import { makeSample } from './testmedia';
import { repoRoot } from './testmedia/dataset';

export interface BenchResult {
  modelLoadMs: number;
  iterations: number;
  idImageMs: { p50: number; p95: number };
  videoMs: { p50: number; p95: number };
  decisionMs: { p50: number; p95: number };
  peakRssMb: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  drift?: {
    comparisons: number;
    tensorsStart: number;
    tensorsEnd: number;
    rssStartMb: number;
    rssEndMb: number;
    rssMaxMb: number;
  };
  outcome: string;
  similarity: number | null;
  videoSeconds: number;
  framesSampled: number;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const stats = (v: number[]): { p50: number; p95: number } => ({
  p50: Math.round(percentile(v, 50)),
  p95: Math.round(percentile(v, 95)),
});

export async function runBench(
  cfg: FaceEngineConfig,
  opts: {
    iterations: number;
    warmup: number;
    driftComparisons: number;
    seconds: number;
    log: (s: string) => void;
  },
): Promise<BenchResult> {
  const dir = path.join(repoRoot, '.tmp', 'bench-face');
  mkdirSync(dir, { recursive: true });
  const sample = await makeSample(dir, { video: { seconds: opts.seconds } });
  const t0 = performance.now();
  const engine = await createFaceEngine(cfg);
  const modelLoadMs = Math.round(performance.now() - t0);
  opts.log(`models loaded in ${modelLoadMs} ms; warming up (${opts.warmup})`);
  const input = { idImagePath: sample.idImage, selfieVideoPath: sample.selfieVideo };
  try {
    let last = await engine.verify(input);
    for (let i = 1; i < opts.warmup; i++) last = await engine.verify(input);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const id: number[] = [];
    const video: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < opts.iterations; i++) {
      const t = performance.now();
      last = await engine.verify(input);
      total.push(performance.now() - t);
      const tm = last.timingsMs;
      id.push((tm.decodeIdMs ?? 0) + (tm.idInferenceMs ?? 0));
      video.push((tm.decodeVideoMs ?? 0) + (tm.videoInferenceMs ?? 0));
    }
    loop.disable();
    const result: BenchResult = {
      modelLoadMs,
      iterations: opts.iterations,
      idImageMs: stats(id),
      videoMs: stats(video),
      decisionMs: stats(total),
      peakRssMb: 0,
      eventLoopDelayMaxMs: Math.round(loop.max / 1e6),
      eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
      outcome: last.outcome,
      similarity: last.similarity,
      videoSeconds: opts.seconds,
      framesSampled: cfg.framesSampled,
    };
    if (opts.driftComparisons > 0) result.drift = await drift(engine, input, opts.driftComparisons, opts.log);
    result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    return result;
  } finally {
    await engine.dispose();
  }
}

async function drift(
  engine: Awaited<ReturnType<typeof createFaceEngine>>,
  input: { idImagePath: string; selfieVideoPath: string },
  n: number,
  log: (s: string) => void,
): Promise<NonNullable<BenchResult['drift']>> {
  const start = await engine.stats();
  const rssStart = process.memoryUsage().rss;
  let rssMax = rssStart;
  for (let i = 1; i <= n; i++) {
    await engine.verify(input);
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    if (i % 100 === 0)
      log(
        `  ${i}/${n} comparisons: tensors ${(await engine.stats()).numTensors}, rss ${mb(process.memoryUsage().rss)} MB`,
      );
  }
  const end = await engine.stats();
  return {
    comparisons: n,
    tensorsStart: start.numTensors,
    tensorsEnd: end.numTensors,
    rssStartMb: mb(rssStart),
    rssEndMb: mb(process.memoryUsage().rss),
    rssMaxMb: mb(rssMax),
  };
}
