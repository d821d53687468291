import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { faceConfigFromEnv, resolveFaceConfig } from '../../../src/face/config';
import { pipelineVersionFor } from '../../../src/face/engine';
import { fitSimilarity, type Point } from '../../../src/face/align';

void describe('face config', () => {
  void test('defaults, env overrides, and named errors', () => {
    const d = faceConfigFromEnv({});
    assert.equal(d.backend, 'wasm');
    assert.ok(d.thresholdDecline <= d.thresholdApprove);
    const c = faceConfigFromEnv({
      FACE_THRESHOLD_APPROVE: '0.9',
      FACE_FRAMES_SAMPLED: '8',
      FACE_BACKEND: '',
    });
    assert.equal(c.thresholdApprove, 0.9);
    assert.equal(c.framesSampled, 8);
    assert.equal(c.backend, 'wasm', 'empty string counts as unset');
    assert.throws(() => faceConfigFromEnv({ FACE_BACKEND: 'gpu' }), /FACE_BACKEND/);
    assert.throws(() => faceConfigFromEnv({ FACE_MAX_VIDEO_SECONDS: 'long' }), /FACE_MAX_VIDEO_SECONDS/);
    assert.throws(
      () => faceConfigFromEnv({ FACE_THRESHOLD_DECLINE: '0.9', FACE_THRESHOLD_APPROVE: '0.5' }),
      /must not exceed/,
    );
  });

  void test('pipeline version is stable and changes with thresholds', () => {
    const a = pipelineVersionFor(resolveFaceConfig());
    assert.equal(a, pipelineVersionFor(resolveFaceConfig()));
    assert.notEqual(a, pipelineVersionFor(resolveFaceConfig({ thresholdApprove: 0.99 })));
    assert.match(a, /^face-\d+\.faceapi\.[0-9a-f]{12}$/);
  });
});

void describe('alignment math', () => {
  void test('fitSimilarity recovers a rotation, scale and shift', () => {
    const src: Point[] = [
      [0, 0],
      [10, 0],
      [5, 8],
    ];
    const th = 0.3;
    const s = 2;
    const dst: Point[] = src.map(([x, y]) => [
      s * (Math.cos(th) * x - Math.sin(th) * y) + 7,
      s * (Math.sin(th) * x + Math.cos(th) * y) - 3,
    ]);
    const f = fitSimilarity(src, dst);
    assert.ok(Math.abs(f.a - s * Math.cos(th)) < 1e-9);
    assert.ok(Math.abs(f.b - s * Math.sin(th)) < 1e-9);
    assert.ok(Math.abs(f.tx - 7) < 1e-9 && Math.abs(f.ty + 3) < 1e-9);
  });
});
