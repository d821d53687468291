// The inference thread: owns the models, answers one request at a time, checks for cancellation between frames.
import { parentPort } from 'node:worker_threads';
import type { FaceEngineConfig } from './config';
import { TransientFaceError } from './errors';
import type { Inference, WorkerRequest, WorkerResponse } from './inference';
import { createLocalInference } from './inference';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

let inference: Inference | null = null;
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

async function handle(req: WorkerRequest): Promise<unknown> {
  if (req.op === 'init') {
    inference = await createLocalInference({ ...(req.config as FaceEngineConfig), inferenceThreads: 0 });
    return { loadMs: inference.loadMs };
  }
  if (!inference) throw new Error('worker not initialised');
  if (req.op === 'stats') return inference.stats();
  const controller = new AbortController();
  const timer = setInterval(() => {
    if (cancelled.has(req.id)) controller.abort();
  }, 20);
  try {
    if (req.op === 'id') return await inference.analyzeId(req.img, { liveness: req.liveness });
    if (req.op === 'video')
      return await inference.analyzeVideo(req.frames, controller.signal, req.framesUsed);
    throw new Error(`unknown op ${req.op}`);
  } finally {
    clearInterval(timer);
    cancelled.delete(req.id);
  }
}

port.on('message', (req: WorkerRequest) => {
  if (req.op === 'cancel') {
    cancelled.add(req.target);
    return;
  }
  // Serialise requests: one inference at a time per thread keeps memory bounded and timings honest.
  queue = queue.then(async () => {
    let res: WorkerResponse;
    try {
      res = { id: req.id, ok: true, value: await handle(req) };
    } catch (err) {
      const e = err as Error;
      res = {
        id: req.id,
        ok: false,
        error: e.message,
        transient: err instanceof TransientFaceError || /memory/i.test(e.message),
      };
    }
    port.postMessage(res);
  });
});
