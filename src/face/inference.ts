// Where inference runs. WASM inference is synchronous CPU work: run on the caller's thread it would hold the
// event loop for hundreds of milliseconds per frame and starve Temporal activity heartbeats. So by default it
// runs in a worker_thread that owns the models; the calling thread only decodes (sharp, ffmpeg: both off-thread).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analyzer, IdAnalysis, RgbFrame, VideoAnalysis } from './analyze';
import type { FaceEngineConfig } from './config';
import { TransientFaceError } from './errors';

export interface Inference {
  readonly loadMs: number;
  analyzeId(img: RgbFrame, opts?: { liveness?: boolean }, signal?: AbortSignal): Promise<IdAnalysis>;
  analyzeVideo(frames: RgbFrame[], signal?: AbortSignal, framesUsed?: number): Promise<VideoAnalysis>;
  stats(): Promise<{ numTensors: number; numBytes: number }>;
  dispose(): Promise<void>;
}

export type WorkerRequest =
  | { id: number; op: 'init'; config: FaceEngineConfig }
  | { id: number; op: 'id'; img: RgbFrame; liveness: boolean }
  | { id: number; op: 'video'; frames: RgbFrame[]; framesUsed?: number }
  | { id: number; op: 'stats' }
  | { id: number; op: 'cancel'; target: number };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type WorkerResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string; transient: boolean };

/** Same-thread inference: used by `kyc eval` (a batch tool with nothing else to serve) and as a fallback. */
export async function createLocalInference(config: FaceEngineConfig): Promise<Inference> {
  // Lazy require (not import()): inside the worker only tsx's CommonJS hook is registered.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadModels } = require('./models') as typeof import('./models');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Analyzer } = require('./analyze') as typeof import('./analyze');
  const models = await loadModels(config.backend, {
    humanModelsDir: config.humanModelsDir,
    faceApiModelsDir: config.faceApiModelsDir,
  });
  const analyzer: Analyzer = new Analyzer(models, config);
  const checkAbort = (signal?: AbortSignal) => async (): Promise<void> => {
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) throw new TransientFaceError('inference aborted');
  };
  return {
    loadMs: models.loadMs,
    analyzeId: (img, opts) => analyzer.analyzeId(img, opts),
    analyzeVideo: (frames, signal, framesUsed) =>
      analyzer.analyzeVideo(frames, checkAbort(signal), framesUsed),
    stats: async () => {
      const m = models.tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
    dispose: async () => undefined,
  };
}

function workerScript(): { file: string; eval: boolean } {
  const ts = path.join(__dirname, 'inference-worker.ts');
  if (__filename.endsWith('.ts')) {
    // Running from sources under tsx: the worker registers tsx's CommonJS hook before loading the TS file.
    // Resolved here, absolutely: an eval'd worker resolves bare names from the process's cwd.
    const tsx = require.resolve('tsx/cjs');
    return { file: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, eval: true };
  }
  return { file: path.join(__dirname, 'inference-worker.js'), eval: false };
}

class WorkerInference implements Inference {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;
  loadMs = 0;

  constructor(private readonly config: FaceEngineConfig) {
    const script = workerScript();
    this.worker = new Worker(script.file, {
      eval: script.eval,
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
    });
    this.worker.on('message', (msg: WorkerResponse) => this.settle(msg));
    this.worker.on('error', (err) =>
      this.fail(new TransientFaceError(`inference worker crashed: ${err.message}`, { cause: err })),
    );
    this.worker.on('exit', (code) => this.fail(new TransientFaceError(`inference worker exited (${code})`)));
  }

  private settle(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(msg.transient ? new TransientFaceError(msg.error) : new Error(msg.error));
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private call<T>(
    req: DistributiveOmit<WorkerRequest, 'id'>,
    transfer: ArrayBuffer[] = [],
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const onAbort = (): void => this.worker.postMessage({ id: this.nextId++, op: 'cancel', target: id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  async init(): Promise<void> {
    const r = await this.call<{ loadMs: number }>({ op: 'init', config: this.config });
    this.loadMs = r.loadMs;
  }

  analyzeId(img: RgbFrame, opts: { liveness?: boolean } = {}, signal?: AbortSignal): Promise<IdAnalysis> {
    return this.call({ op: 'id', img, liveness: opts.liveness ?? false }, [], signal);
  }

  analyzeVideo(frames: RgbFrame[], signal?: AbortSignal, framesUsed?: number): Promise<VideoAnalysis> {
    return this.call({ op: 'video', frames, framesUsed }, [], signal);
  }

  stats(): Promise<{ numTensors: number; numBytes: number }> {
    return this.call({ op: 'stats' });
  }

  async dispose(): Promise<void> {
    this.dead ??= new Error('inference disposed');
    await this.worker.terminate();
  }

  get isDead(): boolean {
    return this.dead !== null;
  }
}

export async function createWorkerInference(
  config: FaceEngineConfig,
): Promise<Inference & { isDead: boolean }> {
  const w = new WorkerInference(config);
  try {
    await w.init();
  } catch (err) {
    await w.dispose();
    throw err;
  }
  return w;
}
