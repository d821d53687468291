// tfjs runtime: one backend per process and a model loader that reads file paths from disk.
// Node's fetch cannot read file://, and tfjs-node's file handler is not available on the WASM backend.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export type TfBackend = 'wasm' | 'tensorflow' | 'cpu';
export type Tf = typeof tf;

let ready: Promise<Tf> | null = null;
let routerRegistered = false;

function toFsPath(url: string): string | null {
  if (url.startsWith('file://')) return decodeURIComponent(url.slice('file://'.length));
  if (path.isAbsolute(url)) return url;
  return null;
}

/** An IOHandler reading a tfjs model.json (graph or weights-only manifest) and its shards from disk. */
export function fileIOHandler(jsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const dir = path.dirname(jsonPath);
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) => group.paths.map((p) => readFileSync(path.join(dir, p))));
        const data = Buffer.concat(buffers);
        return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
      });
    },
  };
}

function registerFileRouter(): void {
  if (routerRegistered) return;
  routerRegistered = true;
  tf.io.registerLoadRouter((url) => {
    const u = Array.isArray(url) ? url[0] : url;
    const p = typeof u === 'string' ? toFsPath(u) : null;
    // Routers answer null for URLs they do not handle; the typings say otherwise.
    return p ? fileIOHandler(p) : (null as unknown as tf.io.IOHandler);
  });
}

export function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
}

async function init(backend: TfBackend): Promise<Tf> {
  registerFileRouter();
  if (backend === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDir());
  } else if (backend === 'tensorflow') {
    // Only where tfjs-node (or tfjs-node-gpu) installs: production GPU workers run this same code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(process.env.FACE_TFJS_NODE_MODULE ?? '@tensorflow/tfjs-node');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  tf.enableProdMode();
  return tf;
}

/** Initialises the backend once per process; later calls with another backend are an error. */
export function getTf(backend: TfBackend): Promise<Tf> {
  if (!ready) ready = init(backend);
  return ready.then((t) => {
    if (t.getBackend() !== backend)
      throw new Error(`tfjs already running on ${t.getBackend()}, not ${backend}`);
    return t;
  });
}
