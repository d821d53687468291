import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  brightnessScore,
  chipStats,
  combineQuality,
  faceQuality,
  poseScore,
  sharpnessScore,
  sizeScore,
} from '../../../src/face/quality';

const good = { side: 140, sharpness: 300, brightness: 0.5, yaw: 0, pitch: 0, detScore: 0.95 };

void describe('face quality', () => {
  void test('components map to 0..1 with sensible anchors', () => {
    assert.equal(sizeScore(20, 56), 0);
    assert.equal(sizeScore(200, 56), 1);
    assert.equal(sharpnessScore(5), 0);
    assert.equal(sharpnessScore(500), 1);
    assert.equal(brightnessScore(0.02), 0);
    assert.equal(brightnessScore(0.5), 1);
    assert.equal(brightnessScore(0.99), 0);
    assert.equal(poseScore(0, 0), 1);
    assert.equal(poseScore(Math.PI / 4, 0), 0);
  });

  void test('a good face scores high, one bad component drags the whole score down', () => {
    assert.ok(faceQuality(good, 56) > 0.9);
    assert.ok(faceQuality({ ...good, brightness: 0.04 }, 56) < 0.45, 'dark');
    assert.ok(faceQuality({ ...good, sharpness: 8 }, 56) < 0.45, 'blurred');
    assert.ok(faceQuality({ ...good, side: 25 }, 56) < 0.45, 'tiny');
  });

  void test('combineQuality is a weighted geometric mean', () => {
    const all = { size: 1, sharpness: 1, brightness: 1, pose: 1, confidence: 1 };
    assert.equal(combineQuality(all), 1);
    assert.ok(combineQuality({ ...all, size: 0 }) < 0.35);
  });

  void test('chipStats measures brightness and Laplacian variance', () => {
    const w = 20;
    const flat = new Float32Array(w * w * 3).fill(128);
    const f = chipStats(flat, w, w);
    assert.ok(Math.abs(f.brightness - 128 / 255) < 1e-3);
    assert.equal(f.sharpness, 0);
    const checker = new Float32Array(w * w * 3).map((_, i) => {
      const p = Math.floor(i / 3);
      return ((p % w) + Math.floor(p / w)) % 2 ? 255 : 0;
    });
    assert.ok(chipStats(checker, w, w).sharpness > 1000);
  });
});
